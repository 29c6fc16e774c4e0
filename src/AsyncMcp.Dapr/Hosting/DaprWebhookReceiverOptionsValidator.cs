using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>Checks <see cref="DaprWebhookReceiverOptions"/> at start-up.</summary>
internal sealed class DaprWebhookReceiverOptionsValidator : IValidateOptions<DaprWebhookReceiverOptions>
{
    public ValidateOptionsResult Validate(string? name, DaprWebhookReceiverOptions options)
    {
        var failures = new List<string>();
        OptionChecks.Route(options.Route, failures);
        OptionChecks.MessageSize(options.MaxMessageBytes, failures);
        if (options.Secrets is null && options.SecretStore is null)
        {
            failures.Add("Set Secrets or SecretStore: the webhook receiver accepts signed deliveries only.");
        }

        if (options.Secrets is { } secrets)
        {
            try
            {
                _ = WebhookSecrets.Parse(secrets);
            }
            catch (FormatException ex)
            {
                failures.Add($"Secrets: {ex.Message}");
            }
        }

        if (options.TimestampTolerance <= TimeSpan.Zero)
        {
            failures.Add($"TimestampTolerance must be positive; it is {options.TimestampTolerance}.");
        }

        if (options.ReplayCacheCapacity < 1)
        {
            failures.Add($"ReplayCacheCapacity must be at least 1; it is {options.ReplayCacheCapacity}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
