using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Client.Webhooks;

/// <summary>The secrets the webhook receiver verifies with: from its options, or read from a Dapr secret store.</summary>
internal sealed class WebhookReceiverSecrets(IServiceProvider services, IOptions<DaprWebhookReceiverOptions> options, TimeProvider time)
{
    private readonly DaprWebhookReceiverOptions _options = options.Value;
    private (WebhookSecrets Secrets, DateTimeOffset ReadAt)? _cached;

    /// <summary>The active secrets.</summary>
    /// <exception cref="FormatException">None is configured, or one is malformed.</exception>
    public async Task<WebhookSecrets> GetAsync(CancellationToken cancellationToken)
    {
        if (_options.Secrets is { } configured)
        {
            return WebhookSecrets.Parse(configured);
        }

        var now = time.GetUtcNow();
        if (_cached is { } cached && now - cached.ReadAt < _options.RefreshInterval)
        {
            return cached.Secrets;
        }

        if (_options.SecretStore is not { } store)
        {
            throw new FormatException("No webhook secret is configured (Secrets, or SecretStore and SecretName).");
        }

        var dapr = (DaprClient)services.GetService(typeof(DaprClient))!;
        var values = await dapr.GetSecretAsync(store, _options.SecretName, cancellationToken: cancellationToken);
        var secrets = WebhookSecrets.Parse(values.Values);
        _cached = (secrets, now);
        return secrets;
    }
}
