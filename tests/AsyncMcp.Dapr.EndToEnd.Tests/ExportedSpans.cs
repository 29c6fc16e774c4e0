using System.Collections.ObjectModel;
using System.Diagnostics;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>What the in-memory exporter collects, read while it is still exporting from other threads.</summary>
internal sealed class ExportedSpans : Collection<Activity>
{
    private readonly Lock _gate = new();

    public Activity[] Snapshot()
    {
        lock (_gate)
        {
            return [.. Items];
        }
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (_gate)
        {
            base.InsertItem(index, item);
        }
    }
}
