using ModelContextProtocol;

namespace AsyncMcp.Dapr.Polyglot.Tests;

/// <summary>
/// Collects the progress a call reports. The SDK runs progress handlers concurrently, so reports may arrive after the
/// call's result and out of order: read them with <see cref="Progresses"/> and an eventual wait.
/// </summary>
internal sealed class ProgressLog(Action<ProgressNotificationValue>? onReport = null) : IProgress<ProgressNotificationValue>
{
    private readonly List<ProgressNotificationValue> _reports = [];

    /// <summary>The progress values reported so far, in ascending order.</summary>
    public List<float> Progresses()
    {
        lock (_reports)
        {
            return [.. _reports.Select(r => r.Progress).Order()];
        }
    }

    public void Report(ProgressNotificationValue value)
    {
        lock (_reports)
        {
            _reports.Add(value);
        }

        onReport?.Invoke(value);
    }
}
