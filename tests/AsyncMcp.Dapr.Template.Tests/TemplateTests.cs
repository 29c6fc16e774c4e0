using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Template.Tests;

/// <summary>
/// <c>dotnet new asyncmcp-dapr -n Contoso.Orders</c>, from the packed template: the project it creates is renamed,
/// builds against the library packed with it, and serves its sample tool over Dapr pub/sub and Streamable HTTP.
/// </summary>
public sealed class TemplateTests(TemplateFixture fixture) : IClassFixture<TemplateFixture>
{
    private static readonly string[] Items = ["alpha", "beta", "gamma"];
    private const string ExpectedResult = "processed 3 items: ALPHA, BETA, GAMMA";

    private GeneratedProject Project => fixture.Project;

    [Fact]
    public void Generated_project_takes_the_name_given_to_dotnet_new()
    {
        Assert.True(File.Exists(Project.PathOf(GeneratedProject.Name + ".csproj")));
        Assert.StartsWith("using Contoso.Orders.Tools;", File.ReadAllText(Project.PathOf("Program.cs")), StringComparison.Ordinal);
        Assert.Contains("namespace Contoso.Orders.Tools;", File.ReadAllText(Project.PathOf("Tools/BatchTools.cs")), StringComparison.Ordinal);
        // The Dapr app-id and the topics follow the name, in the form Dapr and brokers accept.
        Assert.Contains("- appID: contoso-orders\n", File.ReadAllText(Project.PathOf("dapr.yaml")), StringComparison.Ordinal);
        var settings = File.ReadAllText(Project.PathOf("appsettings.json"));
        Assert.Contains("\"Topic\": \"contoso-orders-requests\"", settings, StringComparison.Ordinal);
        Assert.Contains("\"DeadLetterTopic\": \"contoso-orders-deadletters\"", settings, StringComparison.Ordinal);

        // Nothing of the template's own names is left, in any file (build output aside).
        var leftovers = Directory.EnumerateFiles(Project.Folder, "*", SearchOption.AllDirectories)
            .Where(file => !IsBuildOutput(file))
            .Where(file => File.ReadAllText(file).Contains("AsyncMcpDaprServer", StringComparison.OrdinalIgnoreCase)
                || File.ReadAllText(file).Contains("asyncmcp-dapr-server", StringComparison.OrdinalIgnoreCase)
                || file.Contains("AsyncMcpDaprServer", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(leftovers);
        Assert.True(File.Exists(Project.PathOf(".gitignore")));
        Assert.True(File.Exists(Project.PathOf("README.md")));
    }

    [Fact]
    public void Generated_project_references_the_library_packed_with_the_template()
    {
        var projectFile = File.ReadAllText(Project.PathOf(GeneratedProject.Name + ".csproj"));
        Assert.Contains($"<PackageReference Include=\"AsyncMcp.Dapr\" Version=\"{Project.Version}\" />", projectFile, StringComparison.Ordinal);
        // It restored that very package from the local feed (the version exists nowhere else).
        Assert.Contains($"\"AsyncMcp.Dapr/{Project.Version}\"", File.ReadAllText(Project.PathOf("obj/project.assets.json")), StringComparison.Ordinal);
        Assert.True(File.Exists(Project.AssemblyPath));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2025-11-25")]
    public async Task Sample_tool_answers_over_Dapr_pub_sub_with_progress(string? protocolVersion)
    {
        var ct = TestContext.Current.CancellationToken;
        var publishedBefore = fixture.Emulator.Published("pubsub", GeneratedProject.RequestTopic).Count;
        await using var client = await fixture.Transport.CreateClientAsync(new McpClientOptions { ProtocolVersion = protocolVersion }, ct);

        var tools = await client.ListToolsAsync(cancellationToken: ct);
        Assert.Equal(["process_batch"], tools.Select(tool => tool.Name));

        var progress = new RecordingProgress();
        var result = await client.CallToolAsync("process_batch", new Dictionary<string, object?> { ["items"] = Items }, progress, cancellationToken: ct);
        Assert.NotEqual(true, result.IsError);
        Assert.Equal(ExpectedResult, Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);

        await progress.WaitForAsync(Items.Length, ct);
        Assert.Equal([1, 2, 3], progress.Values.Select(value => value.Progress).Order());
        Assert.All(progress.Values, value => Assert.Equal(3, value.Total));
        Assert.Contains(progress.Values, value => value.Message == "processed beta");

        // The requests really crossed the broker, on the topic the template named after the project.
        Assert.True(fixture.Emulator.Published("pubsub", GeneratedProject.RequestTopic).Count > publishedBefore, fixture.Server.Output);
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

    [Fact]
    public async Task Generated_server_answers_its_health_endpoint()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Address };
        using var response = await http.GetAsync("/healthz", TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, fixture.Server.Output);
    }

    private static bool IsBuildOutput(string file)
    {
        var separator = Path.DirectorySeparatorChar;
        return file.Contains($"{separator}bin{separator}", StringComparison.Ordinal) || file.Contains($"{separator}obj{separator}", StringComparison.Ordinal);
    }
}
