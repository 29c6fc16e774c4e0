using System.Text;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary><see cref="DaprEmulatorOptions.RecordPublished"/>: the log of published messages, kept or not.</summary>
public sealed class RecordingTests
{
    private const string Subscribe = """[{"pubsubname":"pubsub","topic":"orders","route":"/orders"}]""";

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task Messages_are_delivered_whether_or_not_they_are_recorded(bool record, int recorded)
    {
        await using var emulator = new DaprEmulator(new DaprEmulatorOptions { RecordPublished = record });
        emulator.AddComponent("pubsub", "pubsub.in-memory");
        var settled = new Settled(emulator);
        await using var app = await TestApp.StartAsync(Subscribe);
        var sidecar = await emulator.StartSidecarAsync("consumer", TestContext.Current.CancellationToken);
        await sidecar.AttachAppAsync(app.Url, TestContext.Current.CancellationToken);

        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(sidecar.HttpEndpoint, "/v1.0/publish/pubsub/orders"),
            new StringContent("{\"n\":1}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();

        Assert.Equal(DeliveryStatus.Success, Assert.Single(await settled.WaitForAsync(1)).Status);
        Assert.Equal(recorded, emulator.Published("pubsub", "orders").Count);
    }
}
