using System.Collections.Concurrent;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>Collects <see cref="DaprEmulator.MessageSettled"/> outcomes and waits for them.</summary>
public sealed class Settled
{
    private readonly ConcurrentQueue<DeliveryOutcome> _outcomes = new();

    public Settled(DaprEmulator emulator) => emulator.MessageSettled += (_, o) => _outcomes.Enqueue(o);

    public IReadOnlyList<DeliveryOutcome> All => _outcomes.ToArray();

    public async Task<IReadOnlyList<DeliveryOutcome>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (_outcomes.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} settled message(s), got {_outcomes.Count}: {string.Join("; ", _outcomes)}");
            }

            await Task.Delay(10);
        }

        return All;
    }
}
