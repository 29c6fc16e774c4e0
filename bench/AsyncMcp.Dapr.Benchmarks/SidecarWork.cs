namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>
/// What the emulated sidecars were asked to do so far: state operations applied, reminder calls, calls to the publish
/// APIs (a bulk publish counts once) and the messages they published.
/// </summary>
internal readonly record struct SidecarWork(long StateWrites, long ReminderCalls, long PublishCalls, long PublishedMessages)
{
    public static SidecarWork operator -(SidecarWork after, SidecarWork before) =>
        new(after.StateWrites - before.StateWrites, after.ReminderCalls - before.ReminderCalls,
            after.PublishCalls - before.PublishCalls, after.PublishedMessages - before.PublishedMessages);
}
