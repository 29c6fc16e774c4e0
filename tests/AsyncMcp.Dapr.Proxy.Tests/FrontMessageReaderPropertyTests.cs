using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Proxy.Front;
using FsCheck;
using FsCheck.Fluent;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>
/// Generated input for the reader of the proxy's front (every POST body goes through it): random bytes, JSON-RPC
/// messages holding any UTF-16 text (lone surrogates and control characters included) in any member, and valid bodies
/// cut short or with bytes flipped. No exception escapes; every refusal is a parse error, an invalid request or invalid
/// params with a message; and what a read allocates is bounded by the size of the body.
/// </summary>
public sealed class FrontMessageReaderPropertyTests(ITestOutputHelper output)
{
    private static readonly string[] Members = ["jsonrpc", "id", "method", "params", "result", "error"];
    private static readonly int[] ClientFaults = [-32700, -32600, -32602];

    [Fact]
    public void Random_bytes_never_throw()
    {
        Check.One(FuzzInput.Runs, Prop.ForAll(Arb.From(FuzzInput.Bytes()), body => Reads(body)));
    }

    [Fact]
    public void Messages_with_any_text_in_any_member_never_throw()
    {
        var cases = Gen.Elements(Members).Zip(FuzzInput.Text()).Zip(Gen.Elements("initialize", "ping", "tools/call"));

        Check.One(FuzzInput.Runs, Prop.ForAll(Arb.From(cases), input =>
        {
            var ((member, text), method) = input;
            var message = Message(method);
            message[member] = text;
            var nested = Message(method);
            nested["params"]!["clientInfo"]!["name"] = text;
            return Reads(Encoding.UTF8.GetBytes(message.ToJsonString())) && Reads(Encoding.UTF8.GetBytes(nested.ToJsonString()));
        }));
    }

    [Fact]
    public void Valid_bodies_cut_short_or_with_bytes_flipped_never_throw()
    {
        var valid = Encoding.UTF8.GetBytes(Message("initialize").ToJsonString());

        Check.One(FuzzInput.Runs, Prop.ForAll(Arb.From(FuzzInput.Damaged(valid)), body => Reads(body)));
    }

    [Theory]
    [InlineData("many small numbers", "[1,")]
    [InlineData("many empty objects", "{},")]
    [InlineData("many short strings", "\"a\",")]
    public void The_worst_body_of_the_front_limit_allocates_a_bounded_amount(string shape, string item)
    {
        // The default front limit; a body of many tiny tokens is the most a body can make the reader allocate.
        const int Limit = 254 * 1024;
        var prefix = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":[""";
        var items = new StringBuilder(prefix);
        while (items.Length + item.Length + 4 < Limit)
        {
            items.Append(item.TrimStart('['));
        }

        var body = Encoding.UTF8.GetBytes(items.ToString().TrimEnd(',') + "]}}");
        FrontMessageReader.Read(body); // Warm up.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = FrontMessageReader.Read(body);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"{shape}: {body.Length} bytes read, {allocated} bytes allocated ({(double)allocated / body.Length:0.0}x)");
        Assert.NotNull(read.Message);
        Assert.True(allocated < 16L * body.Length, $"{allocated} bytes allocated for a body of {body.Length}");
    }

    // Reads without throwing; a refusal is a client fault with a message, and the allocation stays in bounds.
    private static bool Reads(byte[] body)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = FrontMessageReader.Read(body);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var outcome = read.Message is not null || (ClientFaults.Contains(read.ErrorCode) && !string.IsNullOrEmpty(read.Error));
        return outcome && allocated < (64L * body.Length) + (256 * 1024);
    }

    private static JsonObject Message(string method) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = 1,
        ["method"] = method,
        ["params"] = new JsonObject
        {
            ["protocolVersion"] = "2025-11-25",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "fuzz", ["version"] = "1" },
        },
    };
}
