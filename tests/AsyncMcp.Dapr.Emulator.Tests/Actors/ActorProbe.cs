using System.Collections.Concurrent;

namespace AsyncMcp.Dapr.Emulator.Tests.Actors;

/// <summary>What the test actors of one app instance saw: shared by the test and the app through DI.</summary>
public sealed class ActorProbe(string instance)
{
    private int _running;
    private int _maxRunning;

    public string Instance { get; } = instance;

    public ConcurrentQueue<string> Events { get; } = new();

    public int MaxConcurrentCalls => Volatile.Read(ref _maxRunning);

    public IDisposable Running()
    {
        var now = Interlocked.Increment(ref _running);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, now, seen) != seen)
        {
        }

        return new Release(this);
    }

    public int Count(string prefix) => Events.Count(e => e.StartsWith(prefix, StringComparison.Ordinal));

    private sealed class Release(ActorProbe probe) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref probe._running);
    }
}
