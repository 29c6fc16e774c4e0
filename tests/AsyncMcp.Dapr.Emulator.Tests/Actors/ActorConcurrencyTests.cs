using System.Net;
using System.Text;
using Dapr.Actors;
using Dapr.Actors.Client;

namespace AsyncMcp.Dapr.Emulator.Tests.Actors;

/// <summary>
/// What daprd lets run side by side, and what its reminders write: calls, state and reminders of different actors share
/// no lock, a reminder registered again unchanged costs no write, and a firing writes the reminder's track only, never the
/// list of all reminders. Each test names the daprd source it copies.
/// </summary>
public sealed class ActorConcurrencyTests : IAsyncLifetime
{
    private const string Store = "actorstore";
    private const string RemindersKey = "actors||TestActor";
    private readonly DaprEmulator _emulator = new();
    private ActorTestApp _app = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _emulator.AddComponent(Store, "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" });
        _app = await ActorTestApp.StartAsync(_emulator, "actor-app", "one");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private ITestActor Proxy(string id) =>
        ActorProxy.Create<ITestActor>(new ActorId(id), nameof(TestActor), new ActorProxyOptions { HttpEndpoint = _app.Sidecar.HttpEndpoint.ToString().TrimEnd('/') });

    // pkg/actors/internal/locker/locker.go: one lock per "{type}||{id}", the table of locks held only to find it; so calls
    // to different ids all run at once, however many there are.
    [Fact]
    public async Task Calls_to_many_different_actors_all_run_at_once()
    {
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Proxy("wide-" + i).SlowAsync(1500)));

        Assert.Equal(16, _app.Probe.MaxConcurrentCalls);
    }

    // pkg/actors/internal/locker/locker.go and pkg/api/universal/actors.go: an actor's turn guards its own calls only;
    // state and reminders of other actors go through the placement lookup and the store while it is held.
    [Fact]
    public async Task A_busy_actor_holds_up_nothing_of_other_actors()
    {
        var busy = Proxy("busy").SlowAsync(5000);
        await Wait.UntilAsync(() => _app.Probe.Events.Contains("activate:busy"), "the long call to start");

        var other = Proxy("free");
        await other.SetAsync("v");
        await other.StartReminderAsync("r", 60_000);
        var read = await other.GetAsync();

        Assert.False(busy.IsCompleted);
        Assert.Equal("v", read);
        Assert.Contains("\"name\":\"r\"", Encoding.UTF8.GetString(_emulator.StateStore(Store)!.Get(RemindersKey)!.Value));
        await busy;
    }

    // pkg/actors/reminders/statestore.go CreateReminder with pkg/actors/api/reminder.go RequiresUpdating: a reminder
    // registered again with the same due time, period and data is left as it is (no write, same schedule); a change of
    // any of them replaces it.
    [Fact]
    public async Task A_reminder_registered_again_unchanged_is_not_written_again()
    {
        using var http = new HttpClient { BaseAddress = _app.Sidecar.HttpEndpoint };
        const string path = "/v1.0/actors/TestActor/keep/reminders/watch";
        await RegisterAsync(http, path, """{"dueTime":"10s","period":"10s","data":"x"}""");
        var first = _emulator.StateStore(Store)!.Get(RemindersKey)!;

        await RegisterAsync(http, path, """{"dueTime":"10s","period":"10s","data":"x"}""");
        Assert.Equal(first.ETag, _emulator.StateStore(Store)!.Get(RemindersKey)!.ETag);

        await RegisterAsync(http, path, """{"dueTime":"10s","period":"20s","data":"x"}""");
        var changed = _emulator.StateStore(Store)!.Get(RemindersKey)!;
        Assert.NotEqual(first.ETag, changed.ETag);
        Assert.Contains("\"period\":\"20s\"", Encoding.UTF8.GetString(changed.Value));

        await RegisterAsync(http, path, """{"dueTime":"10s","period":"20s","data":"y"}""");
        Assert.NotEqual(changed.ETag, _emulator.StateStore(Store)!.Get(RemindersKey)!.ETag);
    }

    // pkg/actors/reminders/statestore.go startReminder and updateReminderTrack: each firing records the reminder's track
    // under "{type}||{id}||{name}"; the list under "actors||{type}" is written by registrations and removals only, and the
    // track goes with the reminder.
    [Fact]
    public async Task A_firing_reminder_writes_its_track_and_not_the_list()
    {
        var store = _emulator.StateStore(Store)!;
        var actor = Proxy("ticking");
        await actor.StartReminderAsync("tick", 50);
        var list = store.Get(RemindersKey)!.ETag;

        await Wait.UntilAsync(() => _app.Probe.Count("reminder:ticking:tick") >= 3, "three firings");

        Assert.Equal(list, store.Get(RemindersKey)!.ETag);
        var track = Encoding.UTF8.GetString(store.Get("TestActor||ticking||tick")!.Value);
        Assert.Contains("\"lastFiredTime\"", track);
        Assert.Contains("\"repetitionLeft\":-1", track);

        await actor.StopReminderAsync("tick");
        Assert.Null(store.Get("TestActor||ticking||tick"));
        Assert.NotEqual(list, store.Get(RemindersKey)!.ETag);
    }

    private static async Task RegisterAsync(HttpClient http, string path, string body)
    {
        using var response = await http.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
