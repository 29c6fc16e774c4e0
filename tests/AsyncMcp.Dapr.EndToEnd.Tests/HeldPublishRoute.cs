using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// A stand-in for daprd's publish APIs: its HTTP publish route records each event's id and holds every publish (or those
/// to one topic) until <see cref="Release"/>; its gRPC endpoint (HTTP/2) knows no method, as a sidecar before the bulk API.
/// </summary>
internal sealed class HeldPublishRoute : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _eventIds = [];
    private readonly string? _heldTopic;
    private int _publishes;
    private int _grpcCalls;

    private HeldPublishRoute(WebApplication app, string? heldTopic) => (_app, _heldTopic) = (app, heldTopic);

    /// <summary>The HTTP API (publish).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The gRPC API, which answers every call "unimplemented".</summary>
    public Uri GrpcEndpoint { get; private set; } = null!;

    /// <summary>Completes when <paramref name="count"/> publishes have arrived (and are held until <see cref="Release"/>).</summary>
    public Task ArrivedAsync(int count) => Wait.UntilAsync(() => Volatile.Read(ref _publishes) >= count, TestDeadline.Current);

    /// <summary>The ids of the events published through the HTTP route, in arrival order.</summary>
    public IReadOnlyList<string> EventIds
    {
        get
        {
            lock (_eventIds)
            {
                return [.. _eventIds];
            }
        }
    }

    /// <summary>Calls that reached the gRPC endpoint.</summary>
    public int GrpcCalls => Volatile.Read(ref _grpcCalls);

    /// <summary>Starts the stand-in; with <paramref name="heldTopic"/>, publishes to other topics answer at once and are not recorded.</summary>
    public static async Task<HeldPublishRoute> StartAsync(string? heldTopic = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1);
            o.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        var route = new HeldPublishRoute(app, heldTopic);
        app.Use(async (context, next) =>
        {
            if (context.Request.Protocol == HttpProtocol.Http2)
            {
                Interlocked.Increment(ref route._grpcCalls);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
        });
        app.MapPost("/v1.0/publish/{pubsub}/{**topic}", route.PublishAsync);
        await app.StartAsync(TestDeadline.Current);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        route.Endpoint = addresses[0];
        route.GrpcEndpoint = addresses[1];
        return route;
    }

    /// <summary>Lets the held publishes, and every later one, answer.</summary>
    public void Release() => _release.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.DisposeAsync();
    }

    private async Task PublishAsync(HttpContext context, string topic)
    {
        if (_heldTopic is not null && topic != _heldTopic)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        lock (_eventIds)
        {
            _eventIds.Add(body.RootElement.GetProperty("id").GetString()!);
        }

        Interlocked.Increment(ref _publishes);
        await _release.Task.WaitAsync(context.RequestAborted);

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
