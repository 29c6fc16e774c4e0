using System.Diagnostics;

namespace AsyncMcp.Dapr.Tests.Common;

/// <summary>The one way the tests run a command to its end: output captured, and its whole tree killed if it overruns.</summary>
internal static class ChildProcess
{
    /// <summary>
    /// Starts <paramref name="start"/> (its output is redirected here), waits up to <paramref name="timeout"/> for it to
    /// exit, and returns its exit code and output; past the timeout or on cancellation the process tree is killed and the
    /// wait throws.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(ProcessStartInfo start, TimeSpan timeout, CancellationToken cancellationToken)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not exit within {timeout}.");
        }

        return (process.ExitCode, await output, await errors);
    }
}
