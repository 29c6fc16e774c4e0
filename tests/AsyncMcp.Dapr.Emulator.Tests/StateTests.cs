using System.Net;
using System.Text;
using System.Text.Json;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>
/// The state HTTP API (dapr/dapr pkg/api/http state handlers) with ETags as components-contrib state/in-memory checks
/// them, and key prefixes as dapr/dapr pkg/components/state/state_config.go GetModifiedStateKey builds them.
/// </summary>
public sealed class StateTests : IAsyncLifetime
{
    private readonly DaprEmulator _emulator = new();
    private readonly HttpClient _http = new();
    private DaprSidecar _a = null!;
    private DaprSidecar _b = null!;

    public async ValueTask InitializeAsync()
    {
        _emulator.AddComponent("store", "state.redis");
        _emulator.AddComponent("shared", "state.aws.dynamodb", new Dictionary<string, string> { ["keyPrefix"] = "none" });
        _emulator.AddComponent("byname", "state.in-memory", new Dictionary<string, string> { ["KEYPREFIX"] = "name" });
        _emulator.AddComponent("custom", "state.in-memory", new Dictionary<string, string> { ["keyPrefix"] = "Team" });
        _a = await _emulator.StartSidecarAsync("app-a");
        _b = await _emulator.StartSidecarAsync("app-b");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(DaprSidecar sidecar, HttpMethod method, string path, string? json = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(sidecar.HttpEndpoint, path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await _http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<string> ErrorCodeAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("errorCode").GetString()!;

    [Fact]
    public async Task Save_get_and_delete_with_etag_headers()
    {
        using (var save = await SendAsync(_a, HttpMethod.Post, "/v1.0/state/store", """[{"key":"k","value":{"v":1}}]"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        }

        using (var get = await SendAsync(_a, HttpMethod.Get, "/v1.0/state/store/k"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("1", get.Headers.GetValues("ETag").Single());
            Assert.Equal("{\"v\":1}", await get.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        using (var stale = await SendAsync(_a, HttpMethod.Post, "/v1.0/state/store", """[{"key":"k","value":2,"etag":"9"}]"""))
        {
            Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
            Assert.Equal("ERR_STATE_SAVE", await ErrorCodeAsync(stale));
        }

        using (var delete = await SendAsync(_a, HttpMethod.Delete, "/v1.0/state/store/k", ifMatch: "2"))
        {
            Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
            Assert.Equal("ERR_STATE_DELETE", await ErrorCodeAsync(delete));
        }

        using (var delete = await SendAsync(_a, HttpMethod.Delete, "/v1.0/state/store/k", ifMatch: "1"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using var missing = await SendAsync(_a, HttpMethod.Get, "/v1.0/state/store/k");
        Assert.Equal(HttpStatusCode.NoContent, missing.StatusCode);
    }

    [Fact]
    public async Task An_etag_for_a_missing_key_is_a_mismatch_for_save_and_delete()
    {
        using var save = await SendAsync(_a, HttpMethod.Post, "/v1.0/state/store", """[{"key":"new","value":1,"etag":"1"}]""");
        Assert.Equal(HttpStatusCode.Conflict, save.StatusCode);
        using var delete = await SendAsync(_a, HttpMethod.Delete, "/v1.0/state/store/new", ifMatch: "1");
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
    }

    [Fact]
    public async Task First_write_without_etag_fails_on_an_existing_key()
    {
        const string item = """[{"key":"fw","value":1,"options":{"concurrency":"first-write"}}]""";
        using (var first = await SendAsync(_a, HttpMethod.Post, "/v1.0/state/store", item))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        using var second = await SendAsync(_a, HttpMethod.Post, "/v1.0/state/store", item);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task A_transaction_with_one_stale_etag_applies_nothing()
    {
        (await SendAsync(_a, HttpMethod.Post, "/v1.0/state/store", """[{"key":"t1","value":1}]""")).Dispose();
        using (var failed = await SendAsync(_a, HttpMethod.Post, "/v1.0/state/store/transaction",
            """{"operations":[{"operation":"upsert","request":{"key":"t2","value":2}},{"operation":"delete","request":{"key":"t1","etag":"5"}}]}"""))
        {
            Assert.Equal(HttpStatusCode.Conflict, failed.StatusCode);
        }

        using (var t2 = await SendAsync(_a, HttpMethod.Get, "/v1.0/state/store/t2"))
        {
            Assert.Equal(HttpStatusCode.NoContent, t2.StatusCode);
        }

        using (var ok = await SendAsync(_a, HttpMethod.Post, "/v1.0/state/store/transaction",
            """{"operations":[{"operation":"upsert","request":{"key":"t2","value":2}},{"operation":"delete","request":{"key":"t1","etag":"1"}}]}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        }

        using var bulk = await SendAsync(_a, HttpMethod.Post, "/v1.0/state/store/bulk", """{"keys":["t1","t2"]}""");
        var items = JsonDocument.Parse(await bulk.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.False(items[0].TryGetProperty("data", out _));
        Assert.Equal(2, items[1].GetProperty("data").GetInt32());
        Assert.Equal("1", items[1].GetProperty("etag").GetString());
    }

    [Fact]
    public async Task Unknown_store_is_ERR_STATE_STORE_NOT_FOUND()
    {
        // dapr/dapr pkg/api/errors/state.go NotFound: HTTP 400, "state store %s is not found", an ErrorInfo with the
        // reason DAPR_STATE_NOT_FOUND (errorcodes.go StateStoreNotFound) and the app id, no ResourceInfo.
        using var response = await SendAsync(_a, HttpMethod.Get, "/v1.0/state/nope/k");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("ERR_STATE_STORE_NOT_FOUND", error.RootElement.GetProperty("errorCode").GetString());
        Assert.Equal("state store nope is not found", error.RootElement.GetProperty("message").GetString());
        var info = Assert.Single(error.RootElement.GetProperty("details").EnumerateArray());
        Assert.Equal("DAPR_STATE_NOT_FOUND", info.GetProperty("reason").GetString());
        Assert.Equal("app-a", info.GetProperty("metadata").GetProperty("appID").GetString());
    }

    [Fact]
    public async Task A_key_with_the_separator_is_a_malformed_request()
    {
        // dapr/dapr pkg/components/state/state_config.go (the message) and pkg/api/errors/state.go InvalidKeyName: HTTP
        // 400 ERR_MALFORMED_REQUEST; details, in dapr/kit's order, a BadRequest field violation naming the key, a
        // ResourceInfo naming the store with an empty description, an ErrorInfo DAPR_STATE_ILLEGAL_KEY with no metadata.
        using var response = await SendAsync(_a, HttpMethod.Get, "/v1.0/state/store/a||b");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("ERR_MALFORMED_REQUEST", error.RootElement.GetProperty("errorCode").GetString());
        Assert.Equal("input key/keyPrefix 'a||b' can't contain '||'", error.RootElement.GetProperty("message").GetString());
        var details = error.RootElement.GetProperty("details").EnumerateArray().ToList();
        Assert.Equal(
            ["type.googleapis.com/google.rpc.BadRequest", "type.googleapis.com/google.rpc.ResourceInfo", "type.googleapis.com/google.rpc.ErrorInfo"],
            details.Select(d => d.GetProperty("@type").GetString()));
        Assert.Equal("a||b", details[0].GetProperty("field_violations")[0].GetProperty("field").GetString());
        Assert.Equal("store", details[1].GetProperty("resource_name").GetString());
        Assert.Equal("", details[1].GetProperty("description").GetString());
        Assert.Equal("DAPR_STATE_ILLEGAL_KEY", details[2].GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, details[2].GetProperty("metadata").ValueKind);
    }

    [Theory]
    [InlineData("store", false)]   // default appid: "{appId}||{key}", each app its own key
    [InlineData("shared", true)]   // none: "{key}"
    [InlineData("byname", true)]   // name: "{store}||{key}"
    [InlineData("custom", true)]   // custom string: "{prefix}||{key}"
    public async Task Key_prefix_decides_whether_apps_share_a_key(string store, bool shared)
    {
        (await SendAsync(_a, HttpMethod.Post, $"/v1.0/state/{store}", """[{"key":"same","value":"from-a"}]""")).Dispose();
        using var fromB = await SendAsync(_b, HttpMethod.Get, $"/v1.0/state/{store}/same");
        Assert.Equal(shared ? HttpStatusCode.OK : HttpStatusCode.NoContent, fromB.StatusCode);
    }

    [Fact]
    public void Stored_keys_follow_daprs_prefix_rules()
    {
        Assert.Equal("app-a||k", _emulator.StateStore("store")!.Keys.Modify("k", "app-a"));
        Assert.Equal("k", _emulator.StateStore("shared")!.Keys.Modify("k", "app-a"));
        Assert.Equal("byname||k", _emulator.StateStore("byname")!.Keys.Modify("k", "app-a"));
        Assert.Equal("team||k", _emulator.StateStore("custom")!.Keys.Modify("k", "app-a")); // daprd lower-cases the strategy
    }
}
