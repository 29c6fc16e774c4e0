using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>Checks <see cref="DaprWebhookReplyOptions"/> at start-up.</summary>
internal sealed class DaprWebhookReplyOptionsValidator : IValidateOptions<DaprWebhookReplyOptions>
{
    public ValidateOptionsResult Validate(string? name, DaprWebhookReplyOptions options)
    {
        var failures = new List<string>();
        Positive(options.DeliveryTimeout, nameof(options.DeliveryTimeout), failures);
        Positive(options.FirstRetryDelay, nameof(options.FirstRetryDelay), failures);
        Positive(options.MaxRetryDelay, nameof(options.MaxRetryDelay), failures);
        Positive(options.AttemptTimeout, nameof(options.AttemptTimeout), failures);
        Positive(options.RefreshInterval, nameof(options.RefreshInterval), failures);
        if (options.MaxQueuedMessagesPerSession < 1)
        {
            failures.Add($"{nameof(options.MaxQueuedMessagesPerSession)} must be at least 1; it is {options.MaxQueuedMessagesPerSession}.");
        }

        foreach (var (binding, secrets) in options.Secrets)
        {
            try
            {
                _ = WebhookSecrets.Parse(secrets);
            }
            catch (FormatException ex)
            {
                failures.Add($"Secrets:{binding}: {ex.Message}");
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
