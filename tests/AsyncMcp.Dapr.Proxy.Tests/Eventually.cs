namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>
/// Waits for something that a client hands to its handlers on its own tasks: the MCP SDKs run notification handlers
/// concurrently, so the last progress report may be processed just after the call's result.
/// </summary>
internal static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<T> read, Func<T, bool> done, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        var value = read();
        while (!done(value) && !deadline.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
            value = read();
        }

        return value;
    }
}
