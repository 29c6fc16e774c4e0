using System.Collections.Concurrent;
using ModelContextProtocol;

namespace AsyncMcp.Dapr.Template.Tests;

/// <summary>Records progress values as they are reported (unlike <see cref="Progress{T}"/>, which posts them later).</summary>
internal sealed class RecordingProgress : IProgress<ProgressNotificationValue>
{
    private readonly ConcurrentQueue<ProgressNotificationValue> _values = new();

    public IReadOnlyList<ProgressNotificationValue> Values => [.. _values];

    public void Report(ProgressNotificationValue value) => _values.Enqueue(value);

    /// <summary>Waits until <paramref name="count"/> values have come: over pub/sub they may arrive after the result.</summary>
    public async Task WaitForAsync(int count, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (_values.Count < count)
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
