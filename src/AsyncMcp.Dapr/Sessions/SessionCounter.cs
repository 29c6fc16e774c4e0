using AsyncMcp.Dapr.Hosting;
using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Sessions;

/// <summary>
/// The number of open sessions of this server app, shared by all its replicas: one key in the actor state store,
/// changed by compare-and-swap on its ETag, so that concurrent opens on different replicas cannot both take the last slot.
/// </summary>
internal sealed class SessionCounter(DaprClient dapr, IOptions<ActorSessionOptions> options, ILogger<SessionCounter> logger)
{
    internal const string Key = "asyncmcp-open-sessions";
    private const int Attempts = 50;
    private readonly string _store = options.Value.StateStoreName;

    /// <summary>The count as stored now.</summary>
    public async Task<int> ReadAsync(CancellationToken cancellationToken = default) =>
        await dapr.GetStateAsync<int>(_store, Key, cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>Takes a slot if fewer than <paramref name="cap"/> are taken.</summary>
    public async Task<bool> TryReserveAsync(int cap, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var (count, etag) = await dapr.GetStateAndETagAsync<int>(_store, Key, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (count >= cap)
            {
                return false;
            }

            if (await SaveAsync(count + 1, etag, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        throw new InvalidOperationException($"The open-session count in state store '{_store}' changed {Attempts} times in a row.");
    }

    /// <summary>Gives a slot back. A failure is logged, not thrown: the count then stays one too high.</summary>
    public async Task ReleaseAsync()
    {
        try
        {
            for (var attempt = 0; attempt < Attempts; attempt++)
            {
                var (count, etag) = await dapr.GetStateAndETagAsync<int>(_store, Key).ConfigureAwait(false);
                if (count <= 0 || await SaveAsync(count - 1, etag, CancellationToken.None).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is DaprException or InvalidOperationException)
        {
            ActorSessionLog.CounterFailed(logger, ex, _store);
        }
    }

    private Task<bool> SaveAsync(int value, string? etag, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(etag)
            // No key yet: first-write concurrency makes a concurrent creation fail instead of overwrite.
            ? TryFirstWriteAsync(value, cancellationToken)
            : dapr.TrySaveStateAsync(_store, Key, value, etag, new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }, cancellationToken: cancellationToken);

    private async Task<bool> TryFirstWriteAsync(int value, CancellationToken cancellationToken)
    {
        try
        {
            await dapr.SaveStateAsync(_store, Key, value, new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DaprException)
        {
            return false;
        }
    }
}
