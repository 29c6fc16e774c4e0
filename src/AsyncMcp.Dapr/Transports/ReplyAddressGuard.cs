using AsyncMcp.Dapr.Transports.Webhooks;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncMcp.Dapr.Transports;

/// <summary>
/// Decides, before a message reaches a session, whether this server may send to the message's reply address.
/// Pub/sub addresses are limited by the pub/sub component's <c>publishingScopes</c>; binding addresses by the
/// <see cref="WebhookBindingRegistry"/>, and are refused outright when webhook replies are not enabled.
/// </summary>
internal sealed class ReplyAddressGuard(IServiceProvider services)
{
    private readonly WebhookBindingRegistry? _bindings = services.GetService<WebhookBindingRegistry>();

    /// <summary>Why the address is refused, or <see langword="null"/>.</summary>
    public Task<string?> RefusalAsync(ReplyAddress address, CancellationToken cancellationToken)
    {
        if (!address.IsBinding)
        {
            return Task.FromResult<string?>(null);
        }

        return _bindings is null
            ? Task.FromResult<string?>($"This server does not deliver replies by webhook (binding '{address.Component}' was named).")
            : _bindings.RefusalAsync(address.Component, cancellationToken);
    }
}
