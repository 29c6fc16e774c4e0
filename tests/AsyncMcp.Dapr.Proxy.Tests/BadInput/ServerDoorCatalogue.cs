using System.Net;
using static AsyncMcp.Dapr.Proxy.Tests.BadInput.BadInputDoors;

namespace AsyncMcp.Dapr.Proxy.Tests.BadInput;

/// <summary>
/// Bad input at the server's own Streamable HTTP door (the SDK's handler behind the library's Host/Origin guard): the
/// same rules as the proxy's front, a malformed <c>initialize</c> refused before a session exists, nothing disturbed.
/// </summary>
public sealed class ServerDoorCatalogue(BadInputDoors doors) : IClassFixture<BadInputDoors>
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";
    private const string ToolsList = """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""";

    private static readonly Dictionary<string, (Func<BadInputDoors, HttpRequestMessage> Request, HttpStatusCode Status, string? Code)> Cases = new()
    {
        ["a foreign Host"] = (d => With(Post(d.ServerDoor, Initialize), "Host", "rebound.example"), HttpStatusCode.Forbidden, "-32000"),
        ["a foreign Host with an allowed port"] = (d => With(Post(d.ServerDoor, Initialize), "Host", "rebound.example:" + d.ServerDoor.Port), HttpStatusCode.Forbidden, "-32000"),
        ["a foreign Origin"] = (d => With(Post(d.ServerDoor, Initialize), "Origin", "http://evil.example"), HttpStatusCode.Forbidden, "-32000"),
        ["the null Origin"] = (d => With(Post(d.ServerDoor, Initialize), "Origin", "null"), HttpStatusCode.Forbidden, "-32000"),
        ["an Origin of another scheme"] = (d => With(Post(d.ServerDoor, Initialize), "Origin", "chrome-extension://localhost"), HttpStatusCode.Forbidden, "-32000"),
        ["a foreign Origin on a GET"] = (d => With(new HttpRequestMessage(HttpMethod.Get, d.ServerDoor), "Origin", "https://evil.example"), HttpStatusCode.Forbidden, "-32000"),
        ["a foreign Host on a DELETE"] = (d => With(new HttpRequestMessage(HttpMethod.Delete, d.ServerDoor), "Host", "evil.example"), HttpStatusCode.Forbidden, "-32000"),
        ["a foreign Host at the route with a trailing slash"] = (d => With(Post(new Uri(d.ServerDoor + "/"), Initialize), "Host", "evil.example"), HttpStatusCode.Forbidden, "-32000"),
        ["an allowed Origin passes the guard (then needs a session)"] = (d => With(Post(d.ServerDoor, ToolsList), "Origin", "http://localhost:6274"), HttpStatusCode.BadRequest, "-32000"),
        ["initialize with params that are a string"] = (d => Post(d.ServerDoor, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"wrong"}"""), HttpStatusCode.BadRequest, "-32602"),
        ["initialize without params"] = (d => Post(d.ServerDoor, """{"jsonrpc":"2.0","id":1,"method":"initialize"}"""), HttpStatusCode.BadRequest, "-32602"),
        ["initialize without clientInfo"] = (d => Post(d.ServerDoor, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}"""), HttpStatusCode.BadRequest, "-32602"),
        ["initialize with a numeric protocolVersion"] = (d => Post(d.ServerDoor, Initialize.Replace("\"2025-11-25\"", "20251125", StringComparison.Ordinal)), HttpStatusCode.BadRequest, "-32602"),
        ["initialize with a lone surrogate in its params"] = (d => Post(d.ServerDoor, Initialize.Replace("\"raw\"", "\"\\ud800\"", StringComparison.Ordinal)), HttpStatusCode.BadRequest, "-32602"),
        ["text that is not JSON"] = (d => Post(d.ServerDoor, "this is { not json"), HttpStatusCode.BadRequest, "-32600"),
        ["a batch"] = (d => Post(d.ServerDoor, $"[{Initialize}]"), HttpStatusCode.BadRequest, "-32600"),
        ["an unknown session id"] = (d => With(Post(d.ServerDoor, ToolsList), "Mcp-Session-Id", "no-such-session"), HttpStatusCode.NotFound, "-32001"),
        ["no Accept header"] = (d => { var r = Post(d.ServerDoor, Initialize); r.Headers.Accept.Clear(); return r; }, HttpStatusCode.NotAcceptable, "-32000"),
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
