using Microsoft.AspNetCore.Builder;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>The convention builder of everything one <c>Map…</c> call mapped: a convention added applies to all of it.</summary>
internal sealed class McpDaprEndpointConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
{
    public void Add(Action<EndpointBuilder> convention)
    {
        foreach (var builder in builders)
        {
            builder.Add(convention);
        }
    }

    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        foreach (var builder in builders)
        {
            builder.Finally(finallyConvention);
        }
    }
}
