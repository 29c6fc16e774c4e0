namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>How many calls to its publish APIs the emulator took, and how many messages they published (for the benchmark).</summary>
internal sealed class PublishCounts
{
    private long _calls;
    private long _messages;

    public long Calls => Interlocked.Read(ref _calls);

    public long Messages => Interlocked.Read(ref _messages);

    public void Add(int messages)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _messages, messages);
    }
}
