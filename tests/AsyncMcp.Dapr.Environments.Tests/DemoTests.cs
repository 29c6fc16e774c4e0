using AsyncMcp.Dapr.Demo;

namespace AsyncMcp.Dapr.Environments.Tests;

/// <summary>
/// The no-install demo (dotnet run --project src/AsyncMcp.Dapr.Demo) is the emulator CLI's run of the repository's
/// dapr.yaml; the run itself is tested in tests/AsyncMcp.Dapr.Emulator.Cli.Tests (DaprYamlTests).
/// </summary>
public sealed class DemoTests
{
    [Fact]
    public void Demo_finds_the_repository_dapr_yaml_from_anywhere_below_it()
    {
        Assert.Equal(Repository.PathOf("dapr.yaml"), DemoProgram.Find(Repository.PathOf("src/AsyncMcp.Dapr.Server")));
        Assert.Equal(Repository.PathOf("dapr.yaml"), DemoProgram.Find(Repository.Root));
    }

    [Fact]
    public async Task Demo_reports_a_run_file_that_does_not_exist_and_exits_with_1()
    {
        using var output = new StringWriter();
        var exitCode = await DemoProgram.RunAsync(["--once", "-f", "/no/such/dapr.yaml"], output, TestContext.Current.CancellationToken);
        Assert.Equal(1, exitCode);
        Assert.Contains("run file /no/such/dapr.yaml does not exist", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_passes_bad_options_to_the_run_command_which_shows_its_usage()
    {
        using var output = new StringWriter();
        var exitCode = await DemoProgram.RunAsync(["--replicas", "server"], output, TestContext.Current.CancellationToken);
        Assert.Equal(2, exitCode);
        Assert.Contains("--replicas server: expected <app-id>=<n>", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage: run -f", output.ToString(), StringComparison.Ordinal);
    }
}
