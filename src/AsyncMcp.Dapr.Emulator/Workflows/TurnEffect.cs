using Dapr.DurableTask.Protobuf;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>What a committed turn sets going: an activity to run, a durable timer, or a message to an instance.</summary>
internal abstract record TurnEffect
{
    /// <summary>A TaskScheduled event: run the activity on its activity actor.</summary>
    public sealed record Activity(HistoryEvent Scheduled) : TurnEffect;

    /// <summary>A durable timer: add <paramref name="Fired"/> to the inbox at its fire time.</summary>
    public sealed record Timer(HistoryEvent Fired) : TurnEffect;

    /// <summary>An event for another instance (child start, child result, raised event, terminate).</summary>
    public sealed record Message(string TargetAppId, string TargetInstanceId, HistoryEvent Event) : TurnEffect;
}
