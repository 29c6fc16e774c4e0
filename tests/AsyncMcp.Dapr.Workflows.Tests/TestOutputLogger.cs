using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Workflows.Tests;

/// <summary>Writes log lines (with exceptions) to the running test's output, so that a failure shows the server's side.</summary>
internal sealed class TestOutputLoggerProvider(System.Collections.Concurrent.ConcurrentQueue<string>? lines = null) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string>? lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lines?.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
            try
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            }
            catch (InvalidOperationException)
            {
                // The test has ended.
            }
        }
    }
}
