using AsyncMcp.Dapr.Emulator.Actors;
using AsyncMcp.Dapr.Emulator.Components;
using AsyncMcp.Dapr.Emulator.Diagnostics;
using AsyncMcp.Dapr.Emulator.PubSub;
using AsyncMcp.Dapr.Emulator.State;
using AsyncMcp.Dapr.Emulator.Workflows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsyncMcp.Dapr.Emulator;

/// <summary>
/// An in-process stand-in for a Dapr cluster, for tests and demos: the components (pub/sub brokers and state stores,
/// all in memory), the declarative subscriptions, and the sidecars started with <see cref="StartSidecarAsync"/>,
/// which speak daprd's gRPC and HTTP APIs on loopback ports. Not a production path.
/// </summary>
public sealed class DaprEmulator : IAsyncDisposable
{
    /// <summary>The runtime version the emulated sidecars report.</summary>
    internal const string RuntimeVersion = "1.19.0-asyncmcp-emulator";

    private readonly List<ComponentSpec> _components = [];
    private readonly List<SubscriptionSpec> _subscriptions = [];
    private readonly Dictionary<string, StateStore> _stateStores = new(StringComparer.Ordinal);
    private readonly List<DaprSidecar> _sidecars = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Creates an emulator with no components.</summary>
    /// <param name="options">Retry, concurrency and logging settings; defaults when null.</param>
    public DaprEmulator(DaprEmulatorOptions? options = null)
    {
        Options = options ?? new DaprEmulatorOptions();
        if (Options.MaxDeliveryAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxDeliveryAttempts must be at least 1.");
        }

        if (Options.MaxConcurrentDeliveriesPerSidecar < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxConcurrentDeliveriesPerSidecar must be at least 1.");
        }

        Logger = (Options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("AsyncMcp.Dapr.Emulator");
        Broker = new Broker(new DeliveryContext(Options, Logger, m => Broker!.Publish(m), RaiseSettled, Time));
        Actors = new ActorSystem(this);
        Workflows = new WorkflowEngine(this);
    }

    /// <summary>
    /// Raised once per message and consumer group (app-id) when the message is finally acknowledged, dropped,
    /// dead-lettered or discarded. Raised on a delivery thread.
    /// </summary>
    public event EventHandler<DeliveryOutcome>? MessageSettled;

    internal DaprEmulatorOptions Options { get; }

    internal ILogger Logger { get; }

    internal Broker Broker { get; }

    /// <summary>Calls to the publish APIs (a bulk publish counts once) and the messages they published, so far.</summary>
    internal PublishCounts PublishCounts { get; } = new();

    internal ActorSystem Actors { get; }

    internal WorkflowEngine Workflows { get; }

    internal TimeProvider Time { get; } = TimeProvider.System;

    /// <summary>The HTTP client output bindings send with (no timeout of its own, as daprd's).</summary>
    internal HttpClient BindingClient { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = Timeout.InfiniteTimeSpan };

    internal IReadOnlyList<SubscriptionSpec> Subscriptions
    {
        get
        {
            lock (_gate)
            {
                return _subscriptions.ToArray();
            }
        }
    }

    /// <summary>
    /// Creates an emulator from a Dapr resources folder (what daprd's --resources-path reads): every *.yaml and *.yml
    /// file in it, kind Component and kind Subscription (dapr.io/v1alpha1 and v2alpha1), with their scopes.
    /// </summary>
    /// <param name="resourcesPath">The folder.</param>
    /// <param name="options">Retry, concurrency and logging settings; defaults when null.</param>
    /// <exception cref="NotSupportedException">A component has a type the emulator does not emulate.</exception>
    public static DaprEmulator FromResources(string resourcesPath, DaprEmulatorOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourcesPath);
        return FromResources([resourcesPath], options);
    }

    /// <summary>
    /// Creates an emulator from several Dapr resources folders, as daprd reads repeated --resources-path flags.
    /// </summary>
    /// <param name="resourcesPaths">The folders.</param>
    /// <param name="options">Retry, concurrency and logging settings; defaults when null.</param>
    /// <exception cref="NotSupportedException">A component has a type the emulator does not emulate.</exception>
    public static DaprEmulator FromResources(IReadOnlyList<string> resourcesPaths, DaprEmulatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(resourcesPaths);
        var loaded = resourcesPaths.Select(ResourceLoader.Load).ToList();
        var emulator = new DaprEmulator(options);
        foreach (var component in loaded.SelectMany(l => l.Components))
        {
            emulator.Add(component);
        }

        lock (emulator._gate)
        {
            emulator._subscriptions.AddRange(loaded.SelectMany(l => l.Subscriptions));
        }

        return emulator;
    }

    /// <summary>Adds a component in code, e.g. <c>AddComponent("pubsub", "pubsub.in-memory")</c>.</summary>
    /// <param name="name">The component name apps use.</param>
    /// <param name="type">One of pubsub.in-memory, pubsub.redis, pubsub.aws.snssqs, state.in-memory, state.redis, state.aws.dynamodb,
    /// bindings.http, secretstores.local.file, secretstores.local.env.</param>
    /// <param name="metadata">Component metadata (for state stores, keyPrefix is honoured; for bindings.http, url,
    /// securityToken, securityTokenHeader, errorIfNot2XX; for secretstores.local.file, secretsFile and nestedSeparator).</param>
    /// <param name="scopes">App-ids that may use the component; none: every app.</param>
    /// <exception cref="NotSupportedException">The type is not emulated.</exception>
    public void AddComponent(string name, string type, IReadOnlyDictionary<string, string>? metadata = null, IReadOnlyList<string>? scopes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(type);
        Add(new ComponentSpec(name, type, metadata ?? new Dictionary<string, string>(), scopes ?? [], "code (AddComponent)"));
    }

    /// <summary>
    /// Starts a sidecar for one app instance: binds its gRPC (h2c) and HTTP APIs on 127.0.0.1. The app is not attached
    /// yet: call <see cref="DaprSidecar.AttachAppAsync(Uri, CancellationToken)"/> once it listens. Several sidecars may share an app-id.
    /// </summary>
    /// <param name="appId">The app-id.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public Task<DaprSidecar> StartSidecarAsync(string appId, CancellationToken cancellationToken = default) =>
        StartSidecarOnAsync(appId, new SidecarPorts(), cancellationToken);

    /// <summary>A sidecar on given ports (0: a free one) that, when it waits for an app, reports not ready until attached.</summary>
    internal async Task<DaprSidecar> StartSidecarOnAsync(string appId, SidecarPorts ports, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var sidecar = await DaprSidecar.StartAsync(this, appId, ports, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _sidecars.Add(sidecar);
        }

        return sidecar;
    }

    /// <summary>
    /// The workflows of an app in the emulated cluster (instances, state, history), for tests to inspect. The app's
    /// replicas run them through the workflow engine their sidecars serve (TaskHubSidecarService, what Dapr.Workflow talks to).
    /// </summary>
    /// <param name="appId">The app-id.</param>
    public EmulatedWorkflows WorkflowsOf(string appId)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        return new EmulatedWorkflows(Workflows.For(appId));
    }

    /// <summary>Every message put on a topic so far (dead-letter topics included), in order.</summary>
    /// <param name="pubsubName">The pub/sub component.</param>
    /// <param name="topic">The topic.</param>
    public IReadOnlyList<PublishedMessage> Published(string pubsubName, string topic) => Broker.Published(pubsubName, topic);

    /// <summary>
    /// Puts raw bytes on a topic as a foreign (non-Dapr) publisher would: no CloudEvent is built and nothing is
    /// checked, so malformed messages can be tested.
    /// </summary>
    /// <param name="pubsubName">The pub/sub component (must exist).</param>
    /// <param name="topic">The topic.</param>
    /// <param name="rawBody">The bytes.</param>
    /// <param name="contentType">Their content type.</param>
    /// <param name="ct">Not used: the broker is in memory.</param>
    public Task InjectAsync(string pubsubName, string topic, ReadOnlyMemory<byte> rawBody, string contentType = "application/cloudevents+json", CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pubsubName);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        lock (_gate)
        {
            if (!_components.Any(c => c.IsPubSub && c.Name == pubsubName))
            {
                throw new ArgumentException($"No pubsub component named '{pubsubName}'.", nameof(pubsubName));
            }
        }

        Broker.Publish(new PublishedMessage(pubsubName, topic, rawBody.ToArray(), contentType, new Dictionary<string, string>()));
        return Task.CompletedTask;
    }

    /// <summary>Stops every sidecar and the broker.</summary>
    public async ValueTask DisposeAsync()
    {
        DaprSidecar[] sidecars;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            sidecars = _sidecars.ToArray();
        }

        await Task.WhenAll(sidecars.Select(s => s.StopAsync())).ConfigureAwait(false);
        await Workflows.DisposeAsync().ConfigureAwait(false);
        await Actors.DisposeAsync().ConfigureAwait(false);
        await Broker.DisposeAsync().ConfigureAwait(false);
        BindingClient.Dispose();
    }

    internal IReadOnlyList<ComponentSpec> ComponentsFor(string appId)
    {
        lock (_gate)
        {
            return _components.Where(c => c.IsVisibleTo(appId)).ToArray();
        }
    }

    internal StateStore? StateStore(string name)
    {
        lock (_gate)
        {
            return _stateStores.GetValueOrDefault(name);
        }
    }

    internal void Forget(DaprSidecar sidecar)
    {
        lock (_gate)
        {
            _sidecars.Remove(sidecar);
        }
    }

    private void Add(ComponentSpec component)
    {
        ComponentTypes.EnsureSupported(component);
        lock (_gate)
        {
            if (_components.Any(c => c.Name == component.Name))
            {
                throw new InvalidOperationException($"Component '{component.Name}' ({component.Source}) is declared twice.");
            }

            if (component.IsStateStore)
            {
                _stateStores[component.Name] = new StateStore(component);
            }

            _components.Add(component);
        }

        if (component.IsPubSub)
        {
            Logger.PubSubEmulated(component.Name, component.Type);
        }
        else if (component.IsBinding || component.IsSecretStore)
        {
            Logger.ComponentLoaded(component.Name, component.Type);
        }
        else
        {
            Logger.StateStoreEmulated(component.Name, component.Type,
                component.Metadata.FirstOrDefault(p => string.Equals(p.Key, "keyPrefix", StringComparison.OrdinalIgnoreCase)).Value ?? "appid");
        }
    }

    private void RaiseSettled(DeliveryOutcome outcome)
    {
        try
        {
            MessageSettled?.Invoke(this, outcome);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Logger.SettledHandlerFailed(e);
        }
    }
}
