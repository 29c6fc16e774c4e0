namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>A message on its way to one consumer group, with the attempts made so far.</summary>
internal sealed class Delivery(PublishedMessage message)
{
    /// <summary>The message as it is on the broker.</summary>
    public PublishedMessage Message { get; } = message;

    /// <summary>Deliveries to the app that completed (with any answer, or a connection failure).</summary>
    public int Attempts { get; set; }
}
