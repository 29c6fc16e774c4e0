namespace AsyncMcp.Dapr.Tests.Common;

/// <summary>The one wait of the tests: polls a condition that another task or process makes true.</summary>
internal static class Wait
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(Poll);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds or <paramref name="cancellationToken"/> fires.</summary>
    public static Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken) =>
        UntilAsync(() => Task.FromResult(condition()), cancellationToken);

    /// <summary>Waits until <paramref name="condition"/> holds or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (!await condition())
        {
            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>
    /// Reads a value until it is <paramref name="done"/>, for at most 10 seconds, and returns the last one read: for
    /// what a client hands to its handlers on its own tasks (the SDKs run notification handlers concurrently, so the
    /// last progress report may be processed just after the call's result).
    /// </summary>
    public static async Task<T> ValueAsync<T>(Func<T> read, Func<T, bool> done, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        var value = read();
        while (!done(value) && !deadline.IsCancellationRequested)
        {
            await Task.Delay(Poll, CancellationToken.None);
            value = read();
        }

        return value;
    }
}
