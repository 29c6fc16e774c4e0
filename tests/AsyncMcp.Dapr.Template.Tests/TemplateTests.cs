using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Template.Tests;

/// <summary>
/// <c>dotnet new asyncmcp-dapr -n Contoso.Orders</c> with the default options, from the packed template: the project it
/// creates is renamed, builds against the packages packed with it, serves its sample tool over Dapr pub/sub and
/// Streamable HTTP, and its own tests pass.
/// </summary>
public sealed class TemplateTests(DefaultProjectFixture fixture) : IClassFixture<DefaultProjectFixture>
{
    private static readonly string[] Items = ["alpha", "beta", "gamma"];
    private const string ExpectedResult = "processed 3 items: ALPHA, BETA, GAMMA";

    private GeneratedProject Project => fixture.Project;

    [Fact]
    public void Generated_project_takes_the_name_given_to_dotnet_new()
    {
        Assert.True(File.Exists(Project.PathOf("Contoso.Orders.slnx")));
        Assert.True(File.Exists(Project.PathOf("src/Contoso.Orders/Contoso.Orders.csproj")));
        Assert.True(File.Exists(Project.PathOf("tests/Contoso.Orders.Tests/Contoso.Orders.Tests.csproj")));
        Assert.StartsWith("using Contoso.Orders;", Project.Read("src/Contoso.Orders/Program.cs"), StringComparison.Ordinal);
        Assert.Contains("namespace Contoso.Orders.Tools;", Project.Read("src/Contoso.Orders/Tools/BatchTools.cs"), StringComparison.Ordinal);
        // The Dapr app-id and the topics follow the name, in the form Dapr and brokers accept.
        Assert.Equal("contoso-orders", Project.AppId);
        Assert.Contains("- appID: contoso-orders\n", Project.Read("dapr.yaml"), StringComparison.Ordinal);
        var settings = Project.Read("src/Contoso.Orders/appsettings.json");
        Assert.Contains("\"Topic\": \"contoso-orders-requests\"", settings, StringComparison.Ordinal);
        Assert.Contains("\"DeadLetterTopic\": \"contoso-orders-deadletters\"", settings, StringComparison.Ordinal);

        // Nothing of the template's own names is left, in any file (build output aside).
        var leftovers = Project.SourceFiles
            .Where(file => File.ReadAllText(file).Contains("AsyncMcpDaprServer", StringComparison.OrdinalIgnoreCase)
                || File.ReadAllText(file).Contains("asyncmcp-dapr-server", StringComparison.OrdinalIgnoreCase)
                || file.Contains("AsyncMcpDaprServer", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(leftovers);
        Assert.True(File.Exists(Project.PathOf(".gitignore")));
        Assert.True(File.Exists(Project.PathOf("README.md")));
    }

    [Fact]
    public void Default_options_are_sessions_in_memory_tests_on_and_port_5100()
    {
        Assert.DoesNotContain("WithActorSessions", Project.Read("src/Contoso.Orders/ServerApp.cs"), StringComparison.Ordinal);
        Assert.DoesNotContain("\"Sessions\"", Project.Read("src/Contoso.Orders/appsettings.json"), StringComparison.Ordinal);
        Assert.Contains("appPort: 5100\n", Project.Read("dapr.yaml"), StringComparison.Ordinal);
        Assert.Contains("\"applicationUrl\": \"http://localhost:5100\"", Project.Read("src/Contoso.Orders/Properties/launchSettings.json"), StringComparison.Ordinal);
        Assert.Contains("Microsoft.Testing.Platform", Project.Read("global.json"), StringComparison.Ordinal);
        Assert.Contains("in the server's memory", Project.Read("README.md"), StringComparison.Ordinal);
        Assert.Contains("dotnet test", Project.Read("README.md"), StringComparison.Ordinal);
        Assert.Equal(
            ["src/Contoso.Orders/Contoso.Orders.csproj", "tests/Contoso.Orders.Tests/Contoso.Orders.Tests.csproj"],
            XDocument.Parse(Project.Read("Contoso.Orders.slnx")).Descendants("Project").Select(project => (string)project.Attribute("Path")!));
    }

    [Fact]
    public void Generated_projects_reference_the_versions_of_this_repository()
    {
        var central = XDocument.Load(Path.Combine(TemplatePackages.Repository, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(item => (string)item.Attribute("Include")!, item => (string)item.Attribute("Version")!);
        var references = Project.PackageReferences.ToList();

        // Ours at the version packed with the template, every other (the MCP SDK, OpenTelemetry, xunit) at the repository's.
        Assert.Contains(("Contoso.Orders.csproj", "AsyncMcp.Dapr", Project.Version), references);
        Assert.Contains(("Contoso.Orders.Tests.csproj", "AsyncMcp.Dapr.Emulator", Project.Version), references);
        // Sessions in memory: the actor package (and Dapr.Actors with it) stays out.
        Assert.DoesNotContain(references, reference => reference.Package == "AsyncMcp.Dapr.Actors");
        Assert.Contains(("Contoso.Orders.csproj", "ModelContextProtocol.AspNetCore", central["ModelContextProtocol.AspNetCore"]), references);
        Assert.All(references, reference => Assert.Equal(
            TemplatePackages.OwnPackages.Contains(reference.Package) ? Project.Version : central[reference.Package], reference.Version));

        // They restored those very packages from the local feed (the version exists nowhere else), with no warning
        // suppression of the library's making.
        Assert.Contains($"\"AsyncMcp.Dapr/{Project.Version}\"", Project.Read("src/Contoso.Orders/obj/project.assets.json"), StringComparison.Ordinal);
        Assert.Contains($"\"AsyncMcp.Dapr.Emulator/{Project.Version}\"", Project.Read("tests/Contoso.Orders.Tests/obj/project.assets.json"), StringComparison.Ordinal);
        Assert.All(Project.SourceFiles.Where(file => file.EndsWith(".csproj", StringComparison.Ordinal)),
            file => Assert.DoesNotContain("NoWarn", File.ReadAllText(file), StringComparison.Ordinal));
        Assert.True(File.Exists(Project.AssemblyPath));
    }

    [Fact]
    public async Task Generated_tests_run_the_server_on_the_emulator_and_pass()
    {
        var output = await fixture.Packages.TestAsync(Project, TestContext.Current.CancellationToken);

        Assert.Contains("succeeded: 3", output, StringComparison.Ordinal);
        Assert.Contains("failed: 0", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2025-11-25")]
    public async Task Sample_tool_answers_over_Dapr_pub_sub_with_progress(string? protocolVersion)
    {
        var ct = TestContext.Current.CancellationToken;
        var publishedBefore = fixture.Emulator.Published("pubsub", Project.RequestTopic).Count;
        await using var client = await fixture.Transport.CreateClientAsync(new McpClientOptions { ProtocolVersion = protocolVersion }, ct);

        var tools = await client.ListToolsAsync(cancellationToken: ct);
        Assert.Equal(["process_batch"], tools.Select(tool => tool.Name));

        // Progress notifications travel as messages of their own, and the emulated broker, as SQS standard queues, may
        // deliver the last one after the result. The call's own progress handler ends with the call, so a handler of the
        // client's collects them, late or not (as the generated project's own test does).
        var progress = new RecordingProgress();
        await using var collector = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (notification, _) =>
        {
            progress.Report(notification.Params!.Deserialize<ProgressNotificationParams>(McpJsonUtilities.DefaultOptions)!.Progress);
            return ValueTask.CompletedTask;
        });
        var result = await client.CallToolAsync(
            "process_batch",
            new Dictionary<string, object?> { ["items"] = Items },
            new Progress<ProgressNotificationValue>(), // asks for progress (a progress token); the handler above collects it
            cancellationToken: ct);
        Assert.NotEqual(true, result.IsError);
        Assert.Equal(ExpectedResult, Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);

        await progress.WaitForAsync(Items.Length, ct);
        Assert.Equal([1, 2, 3], progress.Values.Select(value => value.Progress).Order());
        Assert.All(progress.Values, value => Assert.Equal(3, value.Total));
        Assert.Contains(progress.Values, value => value.Message == "processed beta");

        // The requests really crossed the broker, on the topic the template named after the project.
        Assert.True(fixture.Emulator.Published("pubsub", Project.RequestTopic).Count > publishedBefore, fixture.Server.Output);
    }

    [Fact]
    public async Task Sample_tool_answers_standard_clients_at_the_streamable_http_door()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(fixture.Server.Address, "/mcp") }), cancellationToken: ct);
        var result = await client.CallToolAsync("process_batch", new Dictionary<string, object?> { ["items"] = Items }, cancellationToken: ct);
        Assert.Equal(ExpectedResult, Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }

    [Theory]
    [InlineData("Host", "attacker.example")]
    [InlineData("Origin", "http://attacker.example")]
    public async Task Streamable_http_door_refuses_a_host_or_origin_that_is_not_allowed(string header, string value)
    {
        // Mcp:Http in appsettings.json (the library's guard of the door): a DNS-rebinding page names its own host.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Server.Address, "/mcp"))
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        if (header == "Host")
        {
            request.Headers.Host = value;
        }
        else
        {
            request.Headers.Add(header, value);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("\"code\":-32000", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generated_server_answers_its_health_endpoint_with_its_sidecar_healthy()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Address };
        using var response = await http.GetAsync("/healthz", TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, fixture.Server.Output);
        // Healthy, not Degraded: the sidecar check reached the emulated sidecar.
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
