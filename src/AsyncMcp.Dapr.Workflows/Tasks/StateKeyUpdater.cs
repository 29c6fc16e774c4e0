using Dapr;
using Dapr.Client;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>What a change function decides to do with a state key's value.</summary>
internal enum StateChangeKind
{
    /// <summary>Leave the key as it is.</summary>
    Keep,

    /// <summary>Write <see cref="StateChange{T}.Value"/>.</summary>
    Save,

    /// <summary>Delete the key.</summary>
    Delete,
}

/// <summary>The decision of a change function of <see cref="StateKeyUpdater"/>.</summary>
internal readonly record struct StateChange<T>(StateChangeKind Kind, T? Value)
{
    /// <summary>Leave the key as it is.</summary>
    public static StateChange<T> Keep => new(StateChangeKind.Keep, default);

    /// <summary>Delete the key.</summary>
    public static StateChange<T> Delete => new(StateChangeKind.Delete, default);

    /// <summary>Write <paramref name="value"/>.</summary>
    public static StateChange<T> Save(T value) => new(StateChangeKind.Save, value);
}

/// <summary>
/// Changes one key of a Dapr state store under optimistic concurrency, for values several replicas change at once:
/// reads the value with its ETag, asks a change function what to do with it, writes or deletes it with that ETag (a key
/// that did not exist is written with first-write concurrency, so that two first writers cannot both win), and starts
/// again from the read when another writer came in between.
/// </summary>
internal static class StateKeyUpdater
{
    /// <summary>
    /// Applies <paramref name="change"/> (given the stored value, or the default when the key does not exist) to the key,
    /// at most <paramref name="attempts"/> times. Returns <see langword="true"/> once the change is written (or the
    /// function left the key alone), <see langword="false"/> when every attempt met another writer. A first write that
    /// fails on the last attempt throws its <see cref="DaprException"/>: the cause may be more than a conflict.
    /// </summary>
    public static async Task<bool> TryUpdateAsync<T>(
        DaprClient dapr, string store, string key, Func<T?, StateChange<T>> change, int attempts, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var (current, etag) = await dapr.GetStateAndETagAsync<T?>(store, key, cancellationToken: cancellationToken);
            var exists = !string.IsNullOrEmpty(etag);
            var decision = change(current);
            var done = decision.Kind switch
            {
                StateChangeKind.Keep => true,
                StateChangeKind.Delete => !exists || await dapr.TryDeleteStateAsync(store, key, etag, cancellationToken: cancellationToken),
                _ when exists => await dapr.TrySaveStateAsync(store, key, decision.Value, etag, cancellationToken: cancellationToken),
                _ => await TryCreateAsync(dapr, store, key, decision.Value, lastAttempt: attempt == attempts, cancellationToken),
            };
            if (done)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<bool> TryCreateAsync<T>(DaprClient dapr, string store, string key, T? value, bool lastAttempt, CancellationToken cancellationToken)
    {
        try
        {
            await dapr.SaveStateAsync(store, key, value, new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }, cancellationToken: cancellationToken);
            return true;
        }
        catch (DaprException) when (!lastAttempt)
        {
            // Another writer created the key meanwhile: read it and try again.
            return false;
        }
    }
}
