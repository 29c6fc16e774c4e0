using System.Xml.Linq;

namespace AsyncMcp.Dapr.Template.Tests;

/// <summary><c>dotnet new asyncmcp-dapr --help</c> names every option, with its choices and defaults.</summary>
public sealed class TemplateHelpTests(TemplatePackages packages)
{
    [Fact]
    public async Task Help_lists_the_template_options()
    {
        var help = await packages.NewAsync(["--help"], TestContext.Current.CancellationToken);

        Assert.DoesNotContain("(No options)", help, StringComparison.Ordinal);
        Assert.Contains("--session-host <choice>", help, StringComparison.Ordinal);
        Assert.Contains("memory", help, StringComparison.Ordinal);
        Assert.Contains("actors", help, StringComparison.Ordinal);
        Assert.Contains("--tests", help, StringComparison.Ordinal);
        Assert.Contains("--port <port>", help, StringComparison.Ordinal);
        Assert.Contains("Default: 5100", help, StringComparison.Ordinal);
    }
}

/// <summary>
/// <c>--session-host actors --port 5300</c>: each MCP session in a Dapr actor, the app on port 5300; the generated tests
/// call the tool over pub/sub through actor-hosted sessions on the emulator's actor runtime.
/// </summary>
public sealed class ActorSessionHostTests(ActorSessionsProjectFixture fixture) : IClassFixture<ActorSessionsProjectFixture>
{
    private GeneratedProject Project => fixture.Project;

    [Fact]
    public void Actor_sessions_and_the_port_are_written_where_they_apply()
    {
        Assert.Contains("mcp.WithActorSessions(", Project.Read("src/Fabrikam.Jobs/ServerApp.cs"), StringComparison.Ordinal);
        // The actor host is a package of its own; only a project that hosts sessions as actors references it.
        Assert.Contains(("Fabrikam.Jobs.csproj", "AsyncMcp.Dapr.Actors", Project.Version), Project.PackageReferences);
        Assert.Contains("\"StateStoreName\": \"statestore\"", Project.Read("src/Fabrikam.Jobs/appsettings.json"), StringComparison.Ordinal);
        Assert.Contains("appPort: 5300\n", Project.Read("dapr.yaml"), StringComparison.Ordinal);
        Assert.Contains("\"http://localhost:5300\"]", Project.Read("dapr.yaml"), StringComparison.Ordinal);
        Assert.Contains("\"applicationUrl\": \"http://localhost:5300\"", Project.Read("src/Fabrikam.Jobs/Properties/launchSettings.json"), StringComparison.Ordinal);
        Assert.Contains("http://localhost:5300/mcp", Project.Read("README.md"), StringComparison.Ordinal);
        Assert.DoesNotContain(Project.SourceFiles, file => File.ReadAllText(file).Contains("5100", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Generated_tests_call_the_tool_through_actor_sessions_and_pass()
    {
        var output = await fixture.Packages.TestAsync(Project, TestContext.Current.CancellationToken);

        Assert.Contains("succeeded: 3", output, StringComparison.Ordinal);
        Assert.Contains("failed: 0", output, StringComparison.Ordinal);
    }
}

/// <summary><c>--tests false</c>: the server alone, which builds with warnings as errors.</summary>
public sealed class NoTestProjectTests(NoTestsProjectFixture fixture) : IClassFixture<NoTestsProjectFixture>
{
    private GeneratedProject Project => fixture.Project;

    [Fact]
    public void Only_the_server_is_generated_and_it_builds()
    {
        Assert.False(Directory.Exists(Project.PathOf("tests")));
        Assert.False(File.Exists(Project.PathOf("global.json")));
        Assert.Equal(
            ["src/Northwind/Northwind.csproj"],
            XDocument.Parse(Project.Read("Northwind.slnx")).Descendants("Project").Select(project => (string)project.Attribute("Path")!));
        Assert.True(File.Exists(Project.AssemblyPath));
        Assert.DoesNotContain("dotnet test", Project.Read("README.md"), StringComparison.Ordinal);
    }
}
