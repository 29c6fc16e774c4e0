using AsyncMcp.Dapr.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Forwarding;

/// <summary>Connections over Dapr pub/sub: requests to the server's topic, replies on this instance's reply topic.</summary>
internal sealed class PubSubBackendConnector(PubSubClientTransport transport) : IBackendConnector
{
    public string Name => transport.Name;

    public Task<ITransport> ConnectAsync(CancellationToken cancellationToken) => transport.ConnectAsync(cancellationToken);
}
