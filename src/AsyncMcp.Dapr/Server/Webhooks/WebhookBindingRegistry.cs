using System.Collections.Concurrent;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Server.Webhooks;

/// <summary>
/// The allow-list of reply bindings and their signing secrets. A binding may be named by a client only when the
/// server's sidecar declares it as a <c>bindings.http</c> component (its URL is fixed there, by the deployment),
/// the options allow it, and it has a signing secret.
/// </summary>
// The refresh gate is never disposed: a refresh still in flight when the host stops would fail on its release (a
// SemaphoreSlim holds no handle unless its AvailableWaitHandle is read, so there is nothing to free).
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "See the comment above.")]
internal sealed class WebhookBindingRegistry(DaprClient daprClient, IOptions<DaprWebhookReplyOptions> options, TimeProvider time)
{
    private const string HttpBindingType = "bindings.http";

    private readonly DaprWebhookReplyOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, (WebhookSecrets Secrets, DateTimeOffset ReadAt)> _secrets = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Declared? _declared;

    /// <summary>Why <paramref name="binding"/> may not be used for replies, or <see langword="null"/> when it may.</summary>
    /// <exception cref="Exception">The sidecar or the secret store could not be asked (transient).</exception>
    public async Task<string?> RefusalAsync(string binding, CancellationToken cancellationToken)
    {
        if (_options.AllowedBindings.Count > 0 && !_options.AllowedBindings.Contains(binding, StringComparer.Ordinal))
        {
            return $"Binding '{binding}' is not one of this server's reply bindings ({string.Join(", ", _options.AllowedBindings)}).";
        }

        var declared = await DeclaredAsync(cancellationToken);
        if (!declared.Names.Contains(binding))
        {
            var names = declared.Names.Count == 0 ? "none" : string.Join(", ", declared.Names.Order(StringComparer.Ordinal));
            return $"Binding '{binding}' is not declared as a {HttpBindingType} component in this server's Dapr sidecar (declared: {names}).";
        }

        try
        {
            _ = await SecretsAsync(binding, cancellationToken);
        }
        catch (FormatException ex)
        {
            return $"Binding '{binding}' has no usable signing secret: {ex.Message}";
        }

        return null;
    }

    /// <summary>The active signing secrets of <paramref name="binding"/>, from configuration or the Dapr secret store.</summary>
    /// <exception cref="FormatException">No secret is configured, or one is malformed.</exception>
    public async Task<WebhookSecrets> SecretsAsync(string binding, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_secrets.TryGetValue(binding, out var cached) && now - cached.ReadAt < _options.RefreshInterval)
        {
            return cached.Secrets;
        }

        WebhookSecrets secrets;
        if (_options.Secrets.TryGetValue(binding, out var configured))
        {
            secrets = WebhookSecrets.Parse(configured);
        }
        else if (_options.SecretStore is { } store)
        {
            var values = await daprClient.GetSecretAsync(store, _options.SecretNamePrefix + binding, cancellationToken: cancellationToken);
            secrets = WebhookSecrets.Parse(values.Values);
        }
        else
        {
            throw new FormatException($"No secret is configured for binding '{binding}' (Secrets:{binding} or a SecretStore).");
        }

        _secrets[binding] = (secrets, now);
        return secrets;
    }

    private async Task<Declared> DeclaredAsync(CancellationToken cancellationToken)
    {
        var current = _declared;
        if (current is not null && time.GetUtcNow() - current.ReadAt < _options.RefreshInterval)
        {
            return current;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            current = _declared;
            if (current is not null && time.GetUtcNow() - current.ReadAt < _options.RefreshInterval)
            {
                return current;
            }

            var metadata = await daprClient.GetMetadataAsync(cancellationToken);
            var names = metadata.Components
                .Where(component => string.Equals(component.Type, HttpBindingType, StringComparison.Ordinal))
                .Select(component => component.Name)
                .ToHashSet(StringComparer.Ordinal);
            _declared = current = new Declared(names, time.GetUtcNow());
            return current;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private sealed record Declared(HashSet<string> Names, DateTimeOffset ReadAt);
}
