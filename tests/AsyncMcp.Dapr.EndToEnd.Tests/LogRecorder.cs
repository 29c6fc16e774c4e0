using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>Records every log line, at every level, of the categories it accepts, from every app it is added to.</summary>
internal sealed class LogRecorder(Func<string, bool> categories)
{
    /// <summary>Whether lines are being recorded now.</summary>
    public bool Recording { get; set; }

    public ConcurrentQueue<RecordedLog> Lines { get; } = new();

    public bool Accepts(string category) => categories(category);

    public void Add(RecordedLog line) => Lines.Enqueue(line);

    /// <summary>Adds a recorder of its own to an app's logging, at every level whatever the app's configuration says.</summary>
    public void AddTo(WebApplicationBuilder builder)
    {
        builder.Logging.AddProvider(new RecordingLoggerProvider(this));
        builder.Logging.AddFilter<RecordingLoggerProvider>(null, LogLevel.Trace);
    }
}
