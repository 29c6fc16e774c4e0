using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Apps;

/// <summary>
/// The sample apps' command line: <c>--help</c> prints the usage, and a malformed argument or an invalid setting ends
/// the app with one line naming it (exit code 2 or 1) instead of a stack trace.
/// </summary>
internal static class AppCommandLine
{
    private static readonly string[] HelpSwitches = ["-h", "--help", "-?", "/?"];

    /// <summary>Runs <paramref name="run"/> unless help is asked for; returns the process exit code.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="usage">What <c>--help</c> prints.</param>
    /// <param name="run">Builds and runs the app; returns its exit code.</param>
    public static async Task<int> RunAsync(string[] args, string usage, Func<string[], Task<int>> run)
    {
        if (args.Any(arg => HelpSwitches.Contains(arg, StringComparer.OrdinalIgnoreCase)))
        {
            await Console.Out.WriteAsync(usage);
            return 0;
        }

        try
        {
            return await run(args);
        }
        catch (FormatException e)
        {
            // The command-line configuration provider's complaint, e.g. a switch without its value.
            await Console.Error.WriteLineAsync($"error: {e.Message}{Environment.NewLine}Run with --help for the usage.");
            return 2;
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message} Another process listens there: give this app another port with " +
                "--urls http://localhost:<port>; under dapr run or the demo, change the app's appPort and its --urls together in dapr.yaml.");
            return 1;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"error: {string.Join(Environment.NewLine + "error: ", e.Failures)}");
            return 1;
        }
    }
}
