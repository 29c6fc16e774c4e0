using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Tests.Common;

/// <summary>Sends logs of warning level and above to the output of the running test, so a failure shows its story.</summary>
internal static class TestLogging
{
    public static ILoggerProvider Provider { get; } = new TestOutputLoggerProvider();

    public static ILoggerFactory Factory { get; } = LoggerFactory.Create(builder => builder.AddProvider(Provider).SetMinimumLevel(LogLevel.Information));

    private sealed class TestOutputLoggerProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new TestOutputLogger(categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class TestOutputLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && !category.StartsWith("Microsoft", StringComparison.Ordinal)
            || logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            try
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"[{logLevel}] {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
            }
            catch (InvalidOperationException)
            {
                // The test has ended; nobody is listening.
            }
        }
    }
}
