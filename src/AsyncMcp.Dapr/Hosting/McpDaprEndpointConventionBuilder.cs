using Microsoft.AspNetCore.Builder;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>
/// The convention builder of everything one <c>Map…</c> call mapped (a subscription route and the actor endpoints, a
/// proxy's front and reply routes): a convention added to it applies to every one of those endpoints.
/// </summary>
/// <param name="builders">The builders of the endpoints mapped.</param>
public sealed class McpDaprEndpointConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
{
    /// <inheritdoc />
    public void Add(Action<EndpointBuilder> convention)
    {
        foreach (var builder in builders)
        {
            builder.Add(convention);
        }
    }

    /// <inheritdoc />
    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        foreach (var builder in builders)
        {
            builder.Finally(finallyConvention);
        }
    }
}
