using System.Text;
using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>
/// bindings.http output bindings invoked through the real DaprClient over gRPC (components-contrib
/// bindings/http/http.go; dapr/dapr pkg/api/grpc/grpc.go InvokeBinding), and the local secret stores
/// (components-contrib secretstores/local/file/filestore.go, secretstores/local/env/envstore.go).
/// </summary>
public sealed class BindingAndSecretTests : IAsyncLifetime
{
    private readonly DaprEmulator _emulator = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("emulator-secrets-").FullName;
    private TestApp _target = null!;
    private DaprSidecar _sidecar = null!;
    private DaprClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _target = await TestApp.StartAsync("[]");
        var url = _target.Url.ToString().TrimEnd('/') + "/hooks/";
        _emulator.AddComponent("webhook", "bindings.http", new Dictionary<string, string>
        {
            ["url"] = url,
            ["securityToken"] = "s3cr3t",
            ["securityTokenHeader"] = "X-Token",
        });
        _emulator.AddComponent("lenient", "bindings.http", new Dictionary<string, string> { ["url"] = url, ["errorIfNot2XX"] = "false" });
        File.WriteAllText(Path.Combine(_folder, "secrets.json"), """{"plain":"p1","nested":{"inner":"n1"}}""");
        _emulator.AddComponent("filestore", "secretstores.local.file", new Dictionary<string, string>
        {
            ["secretsFile"] = Path.Combine(_folder, "secrets.json"),
            ["nestedSeparator"] = ".",
        });
        _emulator.AddComponent("envstore", "secretstores.local.env");
        _emulator.AddComponent("prefixed", "secretstores.local.env", new Dictionary<string, string> { ["prefix"] = "EMULATOR_TEST_" });
        _sidecar = await _emulator.StartSidecarAsync("caller");
        _client = new DaprClientBuilder().UseGrpcEndpoint(_sidecar.GrpcEndpoint.ToString()).UseHttpEndpoint(_sidecar.HttpEndpoint.ToString()).Build();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
        await _target.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Post_appends_the_path_and_sends_capitalised_metadata_as_headers_and_lower_case_metadata_not()
    {
        var request = new BindingRequest("webhook", "post") { Data = "{\"a\":1}"u8.ToArray() };
        request.Metadata["path"] = "/replies/one";
        request.Metadata["Webhook-Id"] = "msg_1";
        request.Metadata["lowercase"] = "not a header";

        await _client.InvokeBindingAsync(request, Ct);

        var received = Assert.Single(_target.Received);
        Assert.Equal("/hooks/replies/one", received.Path); // url trimmed of '/', path trimmed of leading '/', joined by one '/'
        Assert.Equal("{\"a\":1}", received.Body);
        Assert.Equal("msg_1", received.Headers["webhook-id"]);
        Assert.False(received.Headers.ContainsKey("lowercase"));
        Assert.Equal("application/json; charset=utf-8", received.Headers["content-type"]); // default when no Content-Type metadata
        Assert.Equal("application/json; charset=utf-8", received.Headers["accept"]);
        Assert.Equal("s3cr3t", received.Headers["x-token"]); // securityToken in securityTokenHeader
    }

    [Fact]
    public async Task A_Content_Type_metadata_key_replaces_the_default()
    {
        var request = new BindingRequest("webhook", "post") { Data = "{}"u8.ToArray() };
        request.Metadata["Content-Type"] = "application/cloudevents+json";

        await _client.InvokeBindingAsync(request, Ct);

        Assert.Equal("application/cloudevents+json", Assert.Single(_target.Received).Headers["content-type"]);
    }

    [Fact]
    public async Task The_response_body_status_and_headers_come_back_as_data_and_metadata()
    {
        _target.Handler = (_, r) => { r.Headers["X-Answer"] = "42"; return TestApp.Json(r, "{\"ok\":true}", 201); };

        var response = await _client.InvokeBindingAsync(new BindingRequest("webhook", "post") { Data = "{}"u8.ToArray() }, Ct);

        Assert.Equal("{\"ok\":true}", Encoding.UTF8.GetString(response.Data.Span));
        Assert.Equal("201", response.Metadata["statusCode"]);
        Assert.Equal("201 Created", response.Metadata["status"]);
        Assert.Equal("42", response.Metadata["X-Answer"]);
    }

    [Fact]
    public async Task A_non_2xx_answer_is_an_Internal_error_naming_the_status_code()
    {
        _target.Handler = (_, r) => { r.StatusCode = 503; return Task.CompletedTask; };

        var error = await Assert.ThrowsAnyAsync<DaprException>(() => _client.InvokeBindingAsync(new BindingRequest("webhook", "post") { Data = "{}"u8.ToArray() }, Ct));

        var rpc = Assert.IsType<RpcException>(error.InnerException);
        Assert.Equal(StatusCode.Internal, rpc.StatusCode);
        Assert.Equal("error invoking output binding webhook: received status code 503", rpc.Status.Detail);
    }

    [Fact]
    public async Task With_errorIfNot2XX_false_a_non_2xx_answer_is_returned_with_its_status_code()
    {
        _target.Handler = (_, r) => { r.StatusCode = 500; return Task.CompletedTask; };

        var response = await _client.InvokeBindingAsync(new BindingRequest("lenient", "post") { Data = "{}"u8.ToArray() }, Ct);

        Assert.Equal("500", response.Metadata["statusCode"]);
    }

    [Fact]
    public async Task An_unknown_binding_is_an_Internal_error_couldnt_find_output_binding()
    {
        var error = await Assert.ThrowsAnyAsync<DaprException>(() => _client.InvokeBindingAsync(new BindingRequest("nope", "post"), Ct));

        var rpc = Assert.IsType<RpcException>(error.InnerException);
        Assert.Equal(StatusCode.Internal, rpc.StatusCode);
        Assert.Contains("couldn't find output binding nope", rpc.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operation_the_binding_does_not_list_is_refused()
    {
        var error = await Assert.ThrowsAnyAsync<DaprException>(() => _client.InvokeBindingAsync(new BindingRequest("webhook", "explode"), Ct));

        Assert.Contains("does not support operation explode", Assert.IsType<RpcException>(error.InnerException).Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_url_is_an_Internal_error()
    {
        _emulator.AddComponent("dead", "bindings.http", new Dictionary<string, string> { ["url"] = "http://127.0.0.1:1/" });

        var error = await Assert.ThrowsAnyAsync<DaprException>(() => _client.InvokeBindingAsync(new BindingRequest("dead", "post") { Data = "{}"u8.ToArray() }, Ct));

        Assert.Equal(StatusCode.Internal, Assert.IsType<RpcException>(error.InnerException).StatusCode);
    }

    [Fact]
    public async Task The_metadata_api_lists_bindings_and_secret_stores_with_their_types()
    {
        var metadata = await _client.GetMetadataAsync(Ct);

        Assert.Contains(metadata.Components, c => c.Name == "webhook" && c.Type == "bindings.http");
        Assert.Contains(metadata.Components, c => c.Name == "filestore" && c.Type == "secretstores.local.file");
    }

    [Fact]
    public async Task A_local_file_secret_store_reads_flat_and_nested_keys()
    {
        Assert.Equal("p1", (await _client.GetSecretAsync("filestore", "plain", cancellationToken: Ct))["plain"]);
        Assert.Equal("n1", (await _client.GetSecretAsync("filestore", "nested.inner", cancellationToken: Ct))["nested.inner"]); // nestedSeparator
    }

    [Fact]
    public async Task A_local_env_secret_store_reads_environment_variables()
    {
        Environment.SetEnvironmentVariable("EMULATOR_TEST_SECRET", "from-env");

        Assert.Equal("from-env", (await _client.GetSecretAsync("envstore", "EMULATOR_TEST_SECRET", cancellationToken: Ct))["EMULATOR_TEST_SECRET"]);
    }

    [Fact]
    public async Task A_local_env_secret_store_with_a_prefix_reads_the_prefixed_variable_under_the_bare_name()
    {
        // envstore.go GetSecret: the variable read is prefix + name; the answer's key is the name asked for.
        Environment.SetEnvironmentVariable("EMULATOR_TEST_SIGNING_KEY", "prefixed-value");
        Environment.SetEnvironmentVariable("SIGNING_KEY", "unprefixed-value");

        var secret = await _client.GetSecretAsync("prefixed", "SIGNING_KEY", cancellationToken: Ct);

        Assert.Equal("prefixed-value", Assert.Single(secret, pair => pair.Key == "SIGNING_KEY").Value);
        Assert.Equal(string.Empty, (await _client.GetSecretAsync("prefixed", "EMULATOR_TEST_SIGNING_KEY", cancellationToken: Ct))["EMULATOR_TEST_SIGNING_KEY"]);
    }

    [Fact]
    public async Task A_local_env_secret_store_never_gives_out_the_app_api_token_or_dapr_settings()
    {
        // envstore.go isKeyAllowed: APP_API_TOKEN and DAPR_* are answered with an empty value.
        Environment.SetEnvironmentVariable("APP_API_TOKEN", "sidecar-token");
        Environment.SetEnvironmentVariable("DAPR_TEST_SETTING", "sidecar-setting");
        try
        {
            Assert.Equal(string.Empty, (await _client.GetSecretAsync("envstore", "APP_API_TOKEN", cancellationToken: Ct))["APP_API_TOKEN"]);
            Assert.Equal(string.Empty, (await _client.GetSecretAsync("envstore", "DAPR_TEST_SETTING", cancellationToken: Ct))["DAPR_TEST_SETTING"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("APP_API_TOKEN", null);
            Environment.SetEnvironmentVariable("DAPR_TEST_SETTING", null);
        }
    }

    [Fact]
    public async Task Secret_errors_are_daprds_unknown_store_InvalidArgument_missing_key_Internal()
    {
        var unknown = await Assert.ThrowsAnyAsync<DaprException>(() => _client.GetSecretAsync("nostore", "plain", cancellationToken: Ct));
        var missing = await Assert.ThrowsAnyAsync<DaprException>(() => _client.GetSecretAsync("filestore", "absent", cancellationToken: Ct));

        var unknownRpc = Assert.IsType<RpcException>(unknown.InnerException);
        Assert.Equal(StatusCode.InvalidArgument, unknownRpc.StatusCode);
        Assert.Equal("failed finding secret store with key nostore", unknownRpc.Status.Detail);
        var missingRpc = Assert.IsType<RpcException>(missing.InnerException);
        Assert.Equal(StatusCode.Internal, missingRpc.StatusCode);
        Assert.StartsWith("failed getting secret with key absent from secret store filestore", missingRpc.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bindings_and_secret_stores_load_from_component_yaml()
    {
        File.WriteAllText(Path.Combine(_folder, "hook.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: yaml-hook
            spec:
              type: bindings.http
              version: v1
              metadata:
              - name: url
                value: {_target.Url}
            """);
        await using var emulator = DaprEmulator.FromResources(_folder);
        await using var sidecar = await emulator.StartSidecarAsync("yaml-caller", Ct);
        using var client = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint.ToString()).Build();
        var request = new BindingRequest("yaml-hook", "post") { Data = "{}"u8.ToArray() };
        request.Metadata["path"] = "from-yaml";

        await client.InvokeBindingAsync(request, Ct);

        Assert.Equal("/from-yaml", Assert.Single(_target.Received).Path);
    }
}
