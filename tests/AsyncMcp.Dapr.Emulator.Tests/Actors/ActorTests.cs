using System.Net;
using System.Text;
using System.Text.Json;
using AsyncMcp.Dapr.Emulator.Actors;
using Dapr.Actors;
using Dapr.Actors.Client;

namespace AsyncMcp.Dapr.Emulator.Tests.Actors;

/// <summary>
/// Actors as daprd runs them for an app, driven by the real Dapr.Actors 1.19 client (ActorProxy) and runtime
/// (Dapr.Actors.AspNetCore). Each test names the daprd source whose behaviour it checks.
/// </summary>
public sealed class ActorTests : IAsyncLifetime
{
    private const string AppId = "actor-app";
    private readonly DaprEmulator _emulator = new();
    private readonly List<ActorTestApp> _apps = [];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _emulator.AddComponent("actorstore", "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        await _emulator.DisposeAsync();
    }

    private async Task<ActorTestApp> StartAsync(string instance, TimeSpan? idleTimeout = null, TimeSpan? scanInterval = null)
    {
        var app = await ActorTestApp.StartAsync(_emulator, AppId, instance, idleTimeout, scanInterval);
        _apps.Add(app);
        return app;
    }

    private static ITestActor Proxy(DaprSidecar via, string id) =>
        ActorProxy.Create<ITestActor>(new ActorId(id), nameof(TestActor), new ActorProxyOptions { HttpEndpoint = via.HttpEndpoint.ToString().TrimEnd('/') });

    // RFC 7693 appendix A; daprd's ring hashes with BLAKE2b-512 (pkg/placement/hashing/consistent_hash.go).
    [Fact]
    public void The_placement_hash_is_blake2b_512()
    {
        Assert.Equal(
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
            Convert.ToHexStringLower(Blake2b.Hash512("abc"u8)));
        Assert.Equal(
            "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce",
            Convert.ToHexStringLower(Blake2b.Hash512([])));
    }

    // pkg/placement/hashing/consistent_hash.go: 100 virtual nodes per host; a key goes to the first node at or after its hash.
    [Fact]
    public void The_ring_places_keys_on_the_first_virtual_node_at_or_after_their_hash()
    {
        var ring = new ConsistentHashRing();
        ring.Add("127.0.0.1:50001");
        ring.Add("127.0.0.1:50002");
        var nodes = new[] { "127.0.0.1:50001", "127.0.0.1:50002" }
            .SelectMany(host => Enumerable.Range(0, ConsistentHashRing.ReplicationFactor).Select(i => (Hash: ConsistentHashRing.Hash(host + i), Host: host)))
            .OrderBy(n => n.Hash)
            .ToList();

        foreach (var key in Enumerable.Range(0, 200).Select(i => "actor-" + i))
        {
            var hash = ConsistentHashRing.Hash(key);
            var expected = nodes.FirstOrDefault(n => n.Hash >= hash, nodes[0]).Host;
            Assert.Equal(expected, ring.Get(key));
        }

        ring.Remove("127.0.0.1:50001");
        Assert.All(Enumerable.Range(0, 20), i => Assert.Equal("127.0.0.1:50002", ring.Get("actor-" + i)));
    }

    // pkg/config/app_configuration.go ApplicationConfig: what Dapr.Actors.AspNetCore answers on GET /dapr/config.
    [Fact]
    public void The_dapr_config_of_the_dotnet_runtime_is_read_with_its_settings()
    {
        var config = ActorHostConfig.Parse("""
            {"entities":["A","B"],"actorIdleTimeout":"0h0m2s0ms","actorScanInterval":"0h0m0s500ms","drainOngoingCallTimeout":"0h1m0s0ms",
             "drainRebalancedActors":true,"reentrancy":{"enabled":true,"maxStackDepth":32},"remindersStoragePartitions":0,
             "entitiesConfig":[{"entities":["B"],"actorIdleTimeout":"0h0m9s0ms"}]}
            """);

        Assert.Equal(["A", "B"], config.Entities);
        Assert.Equal(TimeSpan.FromSeconds(2), config.IdleTimeoutOf("A"));
        Assert.Equal(TimeSpan.FromSeconds(9), config.IdleTimeoutOf("B"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.ScanInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), config.DrainOngoingCallTimeout);
        Assert.True(config.Reentrancy);
    }

    // pkg/api/http/http.go onDirectActorMessage + pkg/actors/targets/app: the call reaches the app that hosts the type.
    [Fact]
    public async Task An_actor_proxy_calls_the_actor_through_any_sidecar()
    {
        var app = await StartAsync("one");
        var other = await _emulator.StartSidecarAsync("caller-app", Cancel);

        Assert.Equal("one", await Proxy(other, "a").WhereAsync());
        Assert.Equal("one", await Proxy(app.Sidecar, "a").WhereAsync());
        Assert.Contains("activate:a", app.Probe.Events);
    }

    // pkg/actors/internal/placement/placement.go LookupActor: ids spread over every live instance, each id always on one.
    [Fact]
    public async Task Actor_ids_are_spread_over_the_instances_of_an_app_and_each_stays_on_one()
    {
        var one = await StartAsync("one");
        var two = await StartAsync("two");

        var placed = new Dictionary<string, string>();
        foreach (var id in Enumerable.Range(0, 40).Select(i => "session-" + i))
        {
            placed[id] = await Proxy(one.Sidecar, id).WhereAsync();
            Assert.Equal(placed[id], await Proxy(two.Sidecar, id).WhereAsync());
            var expected = _emulator.Actors.Owner(nameof(TestActor), id)!.Sidecar == one.Sidecar ? "one" : "two";
            Assert.Equal(expected, placed[id]);
        }

        Assert.Contains("one", placed.Values);
        Assert.Contains("two", placed.Values);
    }

    // pkg/actors/targets/app/app.go: one lock per actor id, so calls take turns; different ids run side by side.
    [Fact]
    public async Task Calls_to_one_actor_take_turns_and_calls_to_different_actors_do_not()
    {
        var app = await StartAsync("one");

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Proxy(app.Sidecar, "busy").SlowAsync(40)));
        Assert.Equal(1, app.Probe.MaxConcurrentCalls);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Proxy(app.Sidecar, "many-" + i).SlowAsync(200)));
        Assert.True(app.Probe.MaxConcurrentCalls > 1);
    }

    // pkg/actors/state/state.go: actor state in the actorStateStore under "{appId}||{type}||{id}||{key}", by transaction.
    [Fact]
    public async Task Actor_state_is_kept_in_the_actor_state_store_under_daprds_key()
    {
        var app = await StartAsync("one");

        await Proxy(app.Sidecar, "s1").SetAsync("hello");

        var stored = _emulator.StateStore("actorstore")!.Get("actor-app||TestActor||s1||value");
        Assert.NotNull(stored);
        Assert.Equal("\"hello\"", Encoding.UTF8.GetString(stored.Value));
        Assert.Equal("hello", await Proxy(app.Sidecar, "s1").GetAsync());
    }

    // pkg/api/universal/actors.go: state of an actor not placed on this sidecar is refused (ERR_ACTOR_INSTANCE_MISSING).
    [Fact]
    public async Task Actor_state_is_refused_to_a_sidecar_the_actor_is_not_placed_on()
    {
        var app = await StartAsync("one");
        var other = await _emulator.StartSidecarAsync(AppId, Cancel);
        using var http = new HttpClient();

        using var refused = await http.GetAsync(new Uri(other.HttpEndpoint, "/v1.0/actors/TestActor/x/state/value"), Cancel);
        using var served = await http.GetAsync(new Uri(app.Sidecar.HttpEndpoint, "/v1.0/actors/TestActor/x/state/value"), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("ERR_ACTOR_INSTANCE_MISSING", await refused.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.NoContent, served.StatusCode);
    }

    // pkg/messages/predefined.go ErrActorRuntimeNotFound: no state store with actorStateStore "true", no actors.
    [Fact]
    public async Task Without_an_actor_state_store_the_actor_api_answers_runtime_not_found()
    {
        await using var bare = new DaprEmulator();
        bare.AddComponent("plain", "state.in-memory");
        var sidecar = await bare.StartSidecarAsync("x", Cancel);
        using var http = new HttpClient();

        using var response = await http.PutAsync(new Uri(sidecar.HttpEndpoint, "/v1.0/actors/T/1/method/m"), new StringContent("{}"), Cancel);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("ERR_ACTOR_RUNTIME_NOT_FOUND", JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("errorCode").GetString());
    }

    // pkg/actors/reminders (state-store provider): reminders are kept under "actors||{type}", fire PUT .../method/remind/{name}
    // with their data, repeat with their period, and stop when unregistered.
    [Fact]
    public async Task A_reminder_fires_with_its_data_until_it_is_unregistered()
    {
        var app = await StartAsync("one");
        var actor = Proxy(app.Sidecar, "r1");

        await actor.StartReminderAsync("tick", 50);
        await Wait.UntilAsync(() => app.Probe.Count("reminder:r1:tick:1,2,3") >= 2, "two reminder callbacks");
        Assert.Contains("\"name\":\"tick\"", Encoding.UTF8.GetString(_emulator.StateStore("actorstore")!.Get("actors||TestActor")!.Value));

        await actor.StopReminderAsync("tick");
        var fired = app.Probe.Count("reminder:r1:tick");
        await Task.Delay(300, Cancel);
        Assert.InRange(app.Probe.Count("reminder:r1:tick"), fired, fired + 1);
        Assert.DoesNotContain("\"name\":\"tick\"", Encoding.UTF8.GetString(_emulator.StateStore("actorstore")!.Get("actors||TestActor")!.Value));
    }

    // pkg/actors/reminders: reminders are durable; when their host goes away they fire on the new owner.
    [Fact]
    public async Task A_reminder_fires_on_the_new_owner_after_its_host_goes_away()
    {
        var one = await StartAsync("one");
        var two = await StartAsync("two");
        var id = Enumerable.Range(0, 100).Select(i => "moving-" + i).First(i => _emulator.Actors.Owner(nameof(TestActor), i)!.Sidecar == one.Sidecar);
        await Proxy(two.Sidecar, id).StartReminderAsync("beat", 50);
        await Wait.UntilAsync(() => one.Probe.Count($"reminder:{id}:beat") >= 1, "a callback on the first owner");

        await one.DisposeAsync();
        _apps.Remove(one);

        await Wait.UntilAsync(() => two.Probe.Count($"reminder:{id}:beat") >= 1, "a callback on the new owner");
    }

    // pkg/actors/timers: timers fire PUT .../method/timer/{name} with their callback and data, and die with the activation.
    [Fact]
    public async Task A_timer_fires_its_callback_and_ends_with_the_activation()
    {
        var app = await StartAsync("one", idleTimeout: TimeSpan.FromMilliseconds(400), scanInterval: TimeSpan.FromMilliseconds(50));

        await Proxy(app.Sidecar, "t1").StartTimerAsync("pulse", 30);
        await Wait.UntilAsync(() => app.Probe.Count("timer:t1:1") >= 2, "two timer callbacks");

        // Timer callbacks are calls: they keep the actor busy, so it is never idle while the timer runs.
        await Task.Delay(700, Cancel);
        Assert.DoesNotContain("deactivate:t1", app.Probe.Events);
    }

    // pkg/actors/internal/scheduler + targets/app: actors idle longer than actorIdleTimeout are deactivated (DELETE {app}/actors/{type}/{id}).
    [Fact]
    public async Task An_idle_actor_is_deactivated_and_its_state_survives()
    {
        var app = await StartAsync("one", idleTimeout: TimeSpan.FromMilliseconds(200), scanInterval: TimeSpan.FromMilliseconds(50));
        await Proxy(app.Sidecar, "idle").SetAsync("kept");

        await Wait.UntilAsync(() => app.Probe.Events.Contains("deactivate:idle"), "the idle deactivation");

        Assert.Equal("kept", await Proxy(app.Sidecar, "idle").GetAsync());
        Assert.Equal(2, app.Probe.Count("activate:idle"));
    }

    // pkg/actors/internal/placement/placement.go: when a host leaves, its actors are placed on the hosts that remain.
    [Fact]
    public async Task When_an_instance_stops_its_actors_move_to_the_others_with_their_state()
    {
        var one = await StartAsync("one");
        var two = await StartAsync("two");
        var ids = Enumerable.Range(0, 30).Select(i => "m-" + i).Where(i => _emulator.Actors.Owner(nameof(TestActor), i)!.Sidecar == one.Sidecar).Take(5).ToList();
        foreach (var id in ids)
        {
            await Proxy(two.Sidecar, id).SetAsync("v-" + id);
        }

        await one.DisposeAsync();
        _apps.Remove(one);

        foreach (var id in ids)
        {
            Assert.Equal("two", await Proxy(two.Sidecar, id).WhereAsync());
            Assert.Equal("v-" + id, await Proxy(two.Sidecar, id).GetAsync());
        }
    }

    // pkg/actors/internal/placement/placement.go (drainRebalancedActors): when a host joins, actors now placed elsewhere are deactivated where they were.
    [Fact]
    public async Task When_an_instance_joins_moved_actors_are_drained_from_their_old_host()
    {
        var one = await StartAsync("one");
        foreach (var id in Enumerable.Range(0, 30).Select(i => "d-" + i))
        {
            await Proxy(one.Sidecar, id).WhereAsync();
        }

        var two = await StartAsync("two");
        var moved = Enumerable.Range(0, 30).Select(i => "d-" + i).Where(i => _emulator.Actors.Owner(nameof(TestActor), i)!.Sidecar == two.Sidecar).ToList();

        Assert.NotEmpty(moved);
        await Wait.UntilAsync(() => moved.All(id => one.Probe.Events.Contains("deactivate:" + id)), "the drain of moved actors");
        Assert.Equal("two", await Proxy(one.Sidecar, moved[0]).WhereAsync());
    }

    // pkg/api/http/http.go onDirectActorMessage: a call whose host goes away mid-call fails (ERR_ACTOR_INVOKE_METHOD) instead of hanging.
    [Fact]
    public async Task A_call_in_progress_when_its_host_stops_fails()
    {
        var one = await StartAsync("one");
        var caller = await _emulator.StartSidecarAsync("caller-app", Cancel);
        var call = Proxy(caller, "long").SlowAsync(30_000);
        await Wait.UntilAsync(() => one.Probe.Events.Contains("activate:long"), "the call to start");

        await one.Sidecar.StopAsync();

        var error = await Assert.ThrowsAsync<global::Dapr.DaprApiException>(() => call);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", error.ErrorCode);
    }
}
