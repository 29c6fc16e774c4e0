using System.Net;
using System.Text;
using static AsyncMcp.Dapr.Proxy.Tests.BadInput.BadInputDoors;

namespace AsyncMcp.Dapr.Proxy.Tests.BadInput;

/// <summary>
/// Bad input at the proxy's Streamable HTTP front: each case gets its exact status and JSON-RPC error code, opens no
/// session, and leaves the other sessions answering.
/// </summary>
public sealed class ProxyFrontCatalogue(BadInputDoors doors) : IClassFixture<BadInputDoors>
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    private static readonly Dictionary<string, (Func<BadInputDoors, HttpRequestMessage> Request, HttpStatusCode Status, string? Code)> Cases = new()
    {
        ["text that is not JSON"] = (d => Post(d.ProxyFront, "this is { not json"), HttpStatusCode.BadRequest, "-32700"),
        ["an empty body"] = (d => Post(d.ProxyFront, ""), HttpStatusCode.BadRequest, "-32700"),
        ["bytes that are not UTF-8"] = (d => Post(d.ProxyFront, [.. "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\""u8, 0xC3, 0x28, .. "\"}}"u8]), HttpStatusCode.BadRequest, "-32700"),
        ["JSON nested 1000 deep"] = (d => Post(d.ProxyFront, new string('[', 1000) + new string(']', 1000)), HttpStatusCode.BadRequest, "-32700"),
        ["JSON cut short"] = (d => Post(d.ProxyFront, Initialize[..40]), HttpStatusCode.BadRequest, "-32700"),
        ["a batch"] = (d => Post(d.ProxyFront, $"[{Initialize}]"), HttpStatusCode.BadRequest, "-32600"),
        ["a JSON string"] = (d => Post(d.ProxyFront, "\"initialize\""), HttpStatusCode.BadRequest, "-32600"),
        ["a JSON null"] = (d => Post(d.ProxyFront, "null"), HttpStatusCode.BadRequest, "-32600"),
        ["no jsonrpc member"] = (d => Post(d.ProxyFront, """{"id":1,"method":"ping"}"""), HttpStatusCode.BadRequest, "-32600"),
        ["jsonrpc 1.0"] = (d => Post(d.ProxyFront, """{"jsonrpc":"1.0","id":1,"method":"ping"}"""), HttpStatusCode.BadRequest, "-32600"),
        ["a method that is a number"] = (d => Post(d.ProxyFront, """{"jsonrpc":"2.0","id":1,"method":42}"""), HttpStatusCode.BadRequest, "-32600"),
        ["a response without id"] = (d => Post(d.ProxyFront, """{"jsonrpc":"2.0","result":{}}"""), HttpStatusCode.BadRequest, "-32600"),
        ["a request with a null id"] = (d => Post(d.ProxyFront, """{"jsonrpc":"2.0","id":null,"method":"initialize","params":{}}"""), HttpStatusCode.BadRequest, "-32600"),
        ["a request with an object id"] = (d => Post(d.ProxyFront, """{"jsonrpc":"2.0","id":{"a":1},"method":"initialize","params":{}}"""), HttpStatusCode.BadRequest, "-32600"),
        ["a lone surrogate in the params"] = (d => Post(d.ProxyFront, Initialize.Replace("\"raw\"", "\"\\ud800\"", StringComparison.Ordinal)), HttpStatusCode.BadRequest, "-32602"),
        ["a lone low surrogate in a property name"] = (d => Post(d.ProxyFront, Initialize.Replace("\"capabilities\":{}", "\"capabilities\":{\"\\udc00\":1}", StringComparison.Ordinal)), HttpStatusCode.BadRequest, "-32602"),
        ["initialize with params that are a string"] = (d => Post(d.ProxyFront, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"wrong"}"""), HttpStatusCode.BadRequest, "-32602"),
        ["initialize without params"] = (d => Post(d.ProxyFront, """{"jsonrpc":"2.0","id":1,"method":"initialize"}"""), HttpStatusCode.BadRequest, "-32602"),
        ["initialize without clientInfo"] = (d => Post(d.ProxyFront, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}"""), HttpStatusCode.BadRequest, "-32602"),
        ["initialize with a numeric protocolVersion"] = (d => Post(d.ProxyFront, Initialize.Replace("\"2025-11-25\"", "20251125", StringComparison.Ordinal)), HttpStatusCode.BadRequest, "-32602"),
        ["initialize with capabilities that are an array"] = (d => Post(d.ProxyFront, Initialize.Replace("\"capabilities\":{}", "\"capabilities\":[]", StringComparison.Ordinal)), HttpStatusCode.BadRequest, "-32602"),
        ["an unsupported version header"] = (d => Post(d.ProxyFront, Initialize, version: "1999-01-01"), HttpStatusCode.BadRequest, "-32022"),
        ["a foreign Host"] = (d => With(Post(d.ProxyFront, Initialize), "Host", "rebound.example"), HttpStatusCode.Forbidden, "-32000"),
        ["a foreign Origin"] = (d => With(Post(d.ProxyFront, Initialize), "Origin", "http://evil.example"), HttpStatusCode.Forbidden, "-32000"),
        ["the null Origin"] = (d => With(Post(d.ProxyFront, Initialize), "Origin", "null"), HttpStatusCode.Forbidden, "-32000"),
        ["an Origin of another scheme on an allowed host"] = (d => With(Post(d.ProxyFront, Initialize), "Origin", "file://localhost"), HttpStatusCode.Forbidden, "-32000"),
        ["a body larger than the limit"] = (d => Post(d.ProxyFront, new string(' ', 300 * 1024) + Initialize), HttpStatusCode.RequestEntityTooLarge, "-32000"),
        ["content type text/plain"] = (d => Post(d.ProxyFront, Initialize, contentType: "text/plain"), HttpStatusCode.UnsupportedMediaType, "-32000"),
        ["no Accept header"] = (d => { var r = Post(d.ProxyFront, Initialize); r.Headers.Accept.Clear(); return r; }, HttpStatusCode.NotAcceptable, "-32000"),
        ["an unknown session id"] = (d => With(Post(d.ProxyFront, """{"jsonrpc":"2.0","id":2,"method":"ping"}"""), "Mcp-Session-Id", "no-such-session"), HttpStatusCode.NotFound, "-32001"),
        ["a session id of control characters"] = (d => With(Post(d.ProxyFront, """{"jsonrpc":"2.0","id":2,"method":"ping"}"""), "Mcp-Session-Id", "a\u001bb"), HttpStatusCode.NotFound, "-32001"),
        ["a request other than initialize without session id"] = (d => Post(d.ProxyFront, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}"""), HttpStatusCode.BadRequest, "-32000"),
        ["a GET without session id"] = (d => With(new HttpRequestMessage(HttpMethod.Get, d.ProxyFront), "Accept", "text/event-stream"), HttpStatusCode.BadRequest, "-32000"),
        ["a GET resuming an unknown session"] = (d => With(With(With(new HttpRequestMessage(HttpMethod.Get, d.ProxyFront), "Accept", "text/event-stream"), "Mcp-Session-Id", "gone"), "Last-Event-ID", "1-1"), HttpStatusCode.NotFound, "-32001"),
        ["a sessionless request without _meta"] = (d => Post(d.ProxyFront, """{"jsonrpc":"2.0","id":3,"method":"tools/list"}""", version: "2026-07-28"), HttpStatusCode.BadRequest, "-32602"),
        ["a sessionless request whose _meta version differs"] = (d => Post(d.ProxyFront, """{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-11-25"}}}""", version: "2026-07-28"), HttpStatusCode.BadRequest, "-32020"),
        ["a PUT"] = (d => new HttpRequestMessage(HttpMethod.Put, d.ProxyFront) { Content = new StringContent(Initialize, Encoding.UTF8, "application/json") }, HttpStatusCode.MethodNotAllowed, null),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public Task Is_refused_with_its_status_and_code_and_disturbs_nothing(string name)
    {
        var (request, status, code) = Cases[name];
        return doors.AssertAsync(request, status, code);
    }
}
