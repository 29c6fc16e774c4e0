using Dapr.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>An app written with Dapr.AspNetCore (MapSubscribeHandler, WithTopic, UseCloudEvents) works unchanged.</summary>
public sealed class AspNetCoreSubscriberTests
{
    public sealed record Order(int Id);

    [Fact]
    public async Task A_Dapr_AspNetCore_app_discovers_its_subscriptions_and_gets_the_unwrapped_data()
    {
        await using var emulator = new DaprEmulator();
        emulator.AddComponent("pubsub", "pubsub.in-memory");
        var settled = new Settled(emulator);
        var received = new TaskCompletionSource<Order>();

        var builder = LoopbackApp.CreateBuilder();
        await using var app = builder.Build();
        app.UseCloudEvents();
        app.MapSubscribeHandler();
        app.MapPost("/orders", (Order order) =>
        {
            received.TrySetResult(order);
            return Results.Ok();
        }).WithTopic("pubsub", "orders");
        var url = await LoopbackApp.StartAsync(app, TestContext.Current.CancellationToken);

        await using var sidecar = await emulator.StartSidecarAsync("orders-app", TestContext.Current.CancellationToken);
        await sidecar.AttachAppAsync(url, TestContext.Current.CancellationToken);
        using var client = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint.ToString()).UseHttpEndpoint(sidecar.HttpEndpoint.ToString()).Build();
        await client.PublishEventAsync("pubsub", "orders", new Order(99), TestContext.Current.CancellationToken);

        Assert.Equal(99, (await received.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Id);
        Assert.Equal(DeliveryStatus.Success, Assert.Single(await settled.WaitForAsync(1)).Status);
        await app.StopAsync(TestContext.Current.CancellationToken);
    }
}
