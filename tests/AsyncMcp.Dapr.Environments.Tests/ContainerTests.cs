using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Wait = DotNet.Testcontainers.Builders.Wait;

namespace AsyncMcp.Dapr.Environments.Tests;

/// <summary>
/// The server and the client with real daprd sidecars (Docker): against Redis with components/local, and against
/// LocalStack with components/aws-emulator. Skipped, with the reason, where no Docker engine is present.
/// </summary>
public sealed class ContainerTests
{
    [Fact]
    public async Task Local_set_with_redis_and_real_daprd_answers_a_tool_call()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var environment = await ContainerEnvironment.StartAsync(
            "local",
            network => [new ContainerBuilder("redis:7-alpine").WithNetwork(network).WithNetworkAliases("redis")
                .WithWaitStrategy(Wait.ForUnixContainer().UntilCommandIsCompleted("redis-cli", "ping")).Build()],
            // components/local names the Redis of `dapr init` on localhost; inside the network it is `redis`.
            new Dictionary<string, string> { ["localhost:6379"] = "redis:6379" },
            ct);

        await AssertToolCallWorksAsync(environment, ct);
    }

    [Fact]
    public async Task Aws_emulator_set_with_localstack_and_real_daprd_answers_a_tool_call()
    {
        var ct = TestContext.Current.CancellationToken;
        var init = await File.ReadAllBytesAsync(Repository.PathOf("docker/localstack/init-dynamodb.sh"), ct);
        await using var environment = await ContainerEnvironment.StartAsync(
            "aws-emulator",
            network => [new ContainerBuilder("localstack/localstack:4.9").WithNetwork(network).WithNetworkAliases("localstack")
                .WithEnvironment("SERVICES", "sns,sqs,dynamodb,secretsmanager")
                .WithResourceMapping(init, "/etc/localstack/init/ready.d/init-dynamodb.sh", fileMode: Unix.FileMode755)
                .WithWaitStrategy(Wait.ForUnixContainer().UntilCommandIsCompleted(
                    "awslocal", "dynamodb", "describe-table", "--table-name", "asyncmcp-state"))
                .Build()],
            // The endpoints of components/aws-emulator already name the `localstack` alias.
            new Dictionary<string, string>(),
            ct);

        await AssertToolCallWorksAsync(environment, ct);
    }

    private static async Task AssertToolCallWorksAsync(ContainerEnvironment environment, CancellationToken ct)
    {
        foreach (var protocolVersion in new string?[] { null, "2025-11-25" })
        {
            await using var client = await environment.ClientTransport.CreateClientAsync(new McpClientOptions { ProtocolVersion = protocolVersion }, ct);
            var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "through real Dapr" }, cancellationToken: ct);
            Assert.Contains("through real Dapr", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text, StringComparison.Ordinal);
        }
    }
}
