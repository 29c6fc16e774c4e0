using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>Checks <see cref="DaprTasksOptions"/> at start-up, with messages that say what to change.</summary>
internal sealed class DaprTasksOptionsValidator : IValidateOptions<DaprTasksOptions>
{
    public ValidateOptionsResult Validate(string? name, DaprTasksOptions options)
    {
        var failures = new List<string>();
        Positive(options.DefaultTimeToLive, nameof(options.DefaultTimeToLive), failures);
        Positive(options.MaxTimeToLive, nameof(options.MaxTimeToLive), failures);
        Positive(options.PollInterval, nameof(options.PollInterval), failures);
        Positive(options.CancelGracePeriod, nameof(options.CancelGracePeriod), failures);
        Positive(options.SweepInterval, nameof(options.SweepInterval), failures);
        if (options.DefaultTimeToLive > options.MaxTimeToLive)
        {
            failures.Add($"{nameof(options.DefaultTimeToLive)} ({options.DefaultTimeToLive}) is longer than {nameof(options.MaxTimeToLive)} ({options.MaxTimeToLive}).");
        }

        if (string.IsNullOrWhiteSpace(options.StateStoreName))
        {
            failures.Add($"{nameof(options.StateStoreName)} must name a Dapr state store component (for example \"statestore\").");
        }

        if (options.ListPageSize is < 1 or > 1000)
        {
            failures.Add($"{nameof(options.ListPageSize)} must be between 1 and 1000; it is {options.ListPageSize}.");
        }

        if (!string.IsNullOrEmpty(options.TaskIdKey))
        {
            var bytes = new byte[options.TaskIdKey.Length];
            if (!Convert.TryFromBase64String(options.TaskIdKey, bytes, out var written) || written < 32)
            {
                failures.Add($"{nameof(options.TaskIdKey)} must be base64 of at least 32 random bytes (for example: openssl rand -base64 32).");
            }
        }

        foreach (var (tool, support) in options.Tools)
        {
            if (!Enum.IsDefined(support))
            {
                failures.Add($"{nameof(options.Tools)}:{tool} must be Forbidden, Optional or Required; it is {support}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(TimeSpan value, string option, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{option} must be positive; it is {value}.");
        }
    }
}
