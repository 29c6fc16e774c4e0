using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Emulator.RunFiles;

/// <summary>The emulated sidecars' log as lines (<c>== DAPR - emulator == level: message</c>) on a <see cref="LineWriter"/>.</summary>
internal sealed class LineLoggerProvider(LineWriter? console, LineWriter? file) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new LineLogger(console, file);

    public void Dispose()
    {
        console?.Dispose();
        file?.Dispose();
    }

    // The console shows what needs attention; the file keeps every delivery, as daprd's log file would.
    private sealed class LineLogger(LineWriter? console, LineWriter? file) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= (file is null ? LogLevel.Warning : LogLevel.Information);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"{logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}" + (exception is null ? string.Empty : $" ({exception.GetType().Name}: {exception.Message})");
            file?.WriteLine(line);
            if (logLevel >= LogLevel.Warning)
            {
                console?.WriteLine(line);
            }
        }
    }
}
