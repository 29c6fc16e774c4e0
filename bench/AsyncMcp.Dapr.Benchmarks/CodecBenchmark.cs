using System.Diagnostics;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Wire;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>The hot path of every message: CloudEvent + JSON-RPC encode and decode, time and allocations per message.</summary>
internal static class CodecBenchmark
{
    public sealed record Result(string Operation, double NanosecondsPerMessage, double BytesAllocatedPerMessage, int EncodedBytes);

    public static IReadOnlyList<Result> Run(int iterations)
    {
        var codec = new McpEnvelopeCodec();
        var request = new McpEnvelope
        {
            Id = Guid.NewGuid().ToString("N"),
            Source = "client",
            SessionId = "0123456789abcdef0123456789abcdef",
            ReplyTo = ReplyAddress.ForPubSub("pubsub", "mcp-replies-client"),
            Connection = "0123456789abcdef01234567",
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            Message = new JsonRpcRequest
            {
                Id = new RequestId(42),
                Method = "tools/call",
                Params = new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["text"] = "hello over dapr" } },
            },
        };
        var encoded = codec.Encode(request);
        return
        [
            Measure("encode tools/call", iterations, encoded.Length, () => codec.Encode(request)),
            Measure("decode tools/call", iterations, encoded.Length, () => codec.Decode(encoded, WireLimits.DefaultMaxMessageBytes)),
        ];
    }

    private static Result Measure(string operation, int iterations, int size, Func<object> action)
    {
        for (var i = 0; i < iterations / 10; i++)
        {
            action();
        }

        GC.Collect();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < iterations; i++)
        {
            action();
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return new Result(operation, elapsed.TotalNanoseconds / iterations, (double)allocated / iterations, size);
    }
}
