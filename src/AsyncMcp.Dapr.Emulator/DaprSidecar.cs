using System.Collections.Concurrent;
using System.Net;
using AsyncMcp.Dapr.Emulator.Actors;
using AsyncMcp.Dapr.Emulator.Api;
using AsyncMcp.Dapr.Emulator.Components;
using AsyncMcp.Dapr.Emulator.Diagnostics;
using AsyncMcp.Dapr.Emulator.PubSub;
using AsyncMcp.Dapr.Emulator.Workflows;
using Grpc.AspNetCore.Server.Model;
using Grpc.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Emulator;

/// <summary>
/// One emulated daprd next to one app instance: its gRPC API (h2c) and HTTP API on their own loopback ports, and,
/// once <see cref="AttachAppAsync(Uri, CancellationToken)"/> is called, delivery of subscribed messages to the app.
/// </summary>
public sealed class DaprSidecar : IAsyncDisposable
{
    private readonly DaprEmulator _emulator;
    private readonly WebApplication _grpcApp;
    private readonly WebApplication _httpApp;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _deliveries = new();
    private readonly Lock _gate = new();
    private Task? _stopTask;

    private DaprSidecar(DaprEmulator emulator, string appId, WebApplication grpcApp, WebApplication httpApp, Uri grpcEndpoint, Uri httpEndpoint)
    {
        _emulator = emulator;
        AppId = appId;
        _grpcApp = grpcApp;
        _httpApp = httpApp;
        GrpcEndpoint = grpcEndpoint;
        HttpEndpoint = httpEndpoint;
        Slots = new SemaphoreSlim(emulator.Options.MaxConcurrentDeliveriesPerSidecar);
    }

    /// <summary>The app-id of this sidecar; sidecars with the same app-id form one consumer group.</summary>
    public string AppId { get; }

    /// <summary>The gRPC API, e.g. http://127.0.0.1:PORT (for DaprClientBuilder.UseGrpcEndpoint).</summary>
    public Uri GrpcEndpoint { get; }

    /// <summary>The HTTP API, e.g. http://127.0.0.1:PORT (for DaprClientBuilder.UseHttpEndpoint).</summary>
    public Uri HttpEndpoint { get; }

    internal bool IsStopped => _stopping.IsCancellationRequested;

    internal CancellationToken StoppingToken => _stopping.Token;

    internal SemaphoreSlim Slots { get; }

    internal AppChannel? AppChannel { get; private set; }

    /// <summary>The token sent to the app in <c>dapr-api-token</c>, or null.</summary>
    internal string? AppApiToken { get; private set; }

    /// <summary>The workflow backend of this sidecar's app-id.</summary>
    internal WorkflowBackend Workflows => _emulator.Workflows.For(AppId);

    /// <summary>
    /// Attaches the app as daprd does when the app is up: reads GET {app}/dapr/subscribe, merges the declarative
    /// subscriptions scoped to this app-id, and starts delivering to the app.
    /// </summary>
    /// <param name="appBaseUrl">The app's base URL, e.g. http://127.0.0.1:5000.</param>
    /// <param name="ct">Cancels the discovery call.</param>
    /// <exception cref="NotSupportedException">A subscription has a routing rule with a CEL match expression.</exception>
    public Task AttachAppAsync(Uri appBaseUrl, CancellationToken ct = default) => AttachAppAsync(appBaseUrl, appApiToken: null, ct);

    /// <summary>
    /// Attaches the app (see <see cref="AttachAppAsync(Uri, CancellationToken)"/>) and, as daprd does when
    /// <c>APP_API_TOKEN</c> is set, sends <paramref name="appApiToken"/> in a <c>dapr-api-token</c> header on every call
    /// to the app: subscription and configuration discovery, deliveries and actor calls, but not health probes
    /// (dapr/dapr pkg/channel/http/http_channel.go, constructRequest and HealthProbe).
    /// </summary>
    /// <param name="appBaseUrl">The app's base URL, e.g. http://127.0.0.1:5000.</param>
    /// <param name="appApiToken">The app API token, or null to send none.</param>
    /// <param name="ct">Cancels the discovery call.</param>
    /// <exception cref="NotSupportedException">A subscription has a routing rule with a CEL match expression.</exception>
    public async Task AttachAppAsync(Uri appBaseUrl, string? appApiToken, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(appBaseUrl);
        ObjectDisposedException.ThrowIf(IsStopped, this);
        if (AppChannel is not null)
        {
            throw new InvalidOperationException($"Sidecar '{AppId}' already has an app attached.");
        }

        AppApiToken = string.IsNullOrEmpty(appApiToken) ? null : appApiToken;
        var channel = new AppChannel(appBaseUrl, AppApiToken);
        var source = $"GET {appBaseUrl.ToString().TrimEnd('/')}/dapr/subscribe";
        var json = await channel.GetSubscriptionsAsync(ct).ConfigureAwait(false);
        var programmatic = json is null ? [] : ProgrammaticSubscriptions.Parse(json, source);

        var members = new List<GroupMember>();
        var seen = new HashSet<(string, string)>();
        foreach (var subscription in _emulator.Subscriptions.Where(s => s.AppliesTo(AppId)).Concat(programmatic))
        {
            if (!seen.Add((subscription.PubSubName, subscription.Topic)))
            {
                _emulator.Logger.SubscriptionIgnored(AppId, subscription.PubSubName, subscription.Topic, subscription.Source, "duplicate subscription to the same topic");
                continue;
            }

            if (!_emulator.ComponentsFor(AppId).Any(c => c.IsPubSub && c.Name == subscription.PubSubName))
            {
                _emulator.Logger.SubscriptionIgnored(AppId, subscription.PubSubName, subscription.Topic, subscription.Source, "pubsub not found");
                continue;
            }

            members.Add(new GroupMember(this, subscription, subscription.ResolvePath()));
        }

        AppChannel = channel;
        foreach (var member in members)
        {
            _emulator.Logger.Subscribed(AppId, member.Subscription.PubSubName, member.Subscription.Topic, appBaseUrl, member.Path,
                member.Subscription.DeadLetterTopic, member.Subscription.Source);
            _emulator.Broker.Join(member);
        }

        // daprd then reads the app's actor configuration and, if it hosts actor types, joins the placement.
        await _emulator.Actors.AttachAsync(this, appBaseUrl, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the sidecar as if it went away with its app: it takes no more deliveries, deliveries in flight are cut
    /// short and go back to the queue for the other live sidecars of the same app-id, and its ports close.
    /// </summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            return _stopTask ??= StopCoreAsync();
        }
    }

    private async Task StopCoreAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _emulator.Broker.Leave(this);
        await _emulator.Actors.DetachAsync(this).ConfigureAwait(false);
        await Task.WhenAll(_deliveries.Keys).ConfigureAwait(false);
        await _grpcApp.StopAsync().ConfigureAwait(false);
        await _httpApp.StopAsync().ConfigureAwait(false);
        await _grpcApp.DisposeAsync().ConfigureAwait(false);
        await _httpApp.DisposeAsync().ConfigureAwait(false);
        AppChannel?.Dispose();
        _emulator.Forget(this);
        _emulator.Logger.SidecarStopped(AppId);
    }

    /// <summary>Stops the sidecar (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    internal void Track(Task delivery)
    {
        _deliveries.TryAdd(delivery, 0);
        delivery.ContinueWith(t => _deliveries.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    internal static async Task<DaprSidecar> StartAsync(DaprEmulator emulator, string appId, SidecarPorts ports, CancellationToken cancellationToken)
    {
        var api = new SidecarApi(emulator, appId);
        DaprSidecar? self = null;
        DaprSidecar Self() => self ?? throw new InvalidOperationException("The sidecar is starting.");

        var grpcBuilder = WebApplication.CreateSlimBuilder();
        grpcBuilder.Logging.ClearProviders();
        grpcBuilder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, ports.Grpc, l => l.Protocols = HttpProtocols.Http2));
        grpcBuilder.Services.AddGrpc(o => o.EnableDetailedErrors = true);
        grpcBuilder.Services.AddSingleton(new DaprGrpcService(api, Self));
        grpcBuilder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<DaprGrpcService>, DaprGrpcMethodProvider>());
        grpcBuilder.Services.AddSingleton(new WorkflowGrpcService(Self));
        grpcBuilder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<WorkflowGrpcService>, WorkflowGrpcMethodProvider>());

        // The .NET SDK (Dapr.Common DaprRuntimeCapabilities) probes the sidecar with gRPC server reflection.
        var services = new[] { global::Dapr.Client.Autogen.Grpc.v1.Dapr.Descriptor, global::Dapr.DurableTask.Protobuf.TaskHubSidecarService.Descriptor };
        grpcBuilder.Services.AddSingleton(new ReflectionServiceImpl(services));
        grpcBuilder.Services.AddSingleton(new ReflectionV1ServiceImpl(services));
        var grpcApp = grpcBuilder.Build();
        grpcApp.MapGrpcService<DaprGrpcService>();
        grpcApp.MapGrpcService<WorkflowGrpcService>();
        grpcApp.MapGrpcService<ReflectionServiceImpl>();
        grpcApp.MapGrpcService<ReflectionV1ServiceImpl>();

        var httpBuilder = WebApplication.CreateSlimBuilder();
        httpBuilder.Logging.ClearProviders();
        httpBuilder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, ports.Http, l => l.Protocols = HttpProtocols.Http1AndHttp2));
        var httpApp = httpBuilder.Build();
        HttpApi.Map(httpApp, api, () => !ports.WaitsForApp || self?.AppChannel is not null);
        ActorHttpApi.Map(httpApp, api, Self);

        await grpcApp.StartAsync(cancellationToken).ConfigureAwait(false);
        await httpApp.StartAsync(cancellationToken).ConfigureAwait(false);
        var sidecar = new DaprSidecar(emulator, appId, grpcApp, httpApp, Address(grpcApp), Address(httpApp));
        self = sidecar;
        emulator.Logger.SidecarStarted(appId, sidecar.GrpcEndpoint, sidecar.HttpEndpoint);
        return sidecar;
    }

    private static Uri Address(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address);
    }
}
