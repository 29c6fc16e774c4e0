using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// Records the log lines of one app into a <see cref="LogRecorder"/>, with the structured properties of each line's
/// state and of every scope active when it was written. One per app: each app's logger factory has its own scopes.
/// </summary>
internal sealed class RecordingLoggerProvider(LogRecorder recorder) : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private void Write<TState>(string category, LogLevel level, EventId eventId, TState state, string text)
    {
        var properties = new List<KeyValuePair<string, object?>>();
        if (state is IEnumerable<KeyValuePair<string, object?>> own)
        {
            properties.AddRange(own);
        }

        _scopes.ForEachScope(
            (scope, list) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    list.AddRange(pairs);
                }
            },
            properties);
        recorder.Add(new RecordedLog(category, level, eventId, text, properties));
    }

    private sealed class RecordingLogger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => Recorder.Accepts(category);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (Recorder.Recording && IsEnabled(logLevel))
            {
                provider.Write(category, logLevel, eventId, state, formatter(state, exception));
            }
        }

        private LogRecorder Recorder => provider.Recorder;
    }

    private LogRecorder Recorder => recorder;
}
