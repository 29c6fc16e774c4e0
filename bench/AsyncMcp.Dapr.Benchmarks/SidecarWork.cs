namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>What the emulated sidecars were asked to do so far: state operations applied, reminder calls.</summary>
internal readonly record struct SidecarWork(long StateWrites, long ReminderCalls)
{
    public static SidecarWork operator -(SidecarWork after, SidecarWork before) =>
        new(after.StateWrites - before.StateWrites, after.ReminderCalls - before.ReminderCalls);
}
