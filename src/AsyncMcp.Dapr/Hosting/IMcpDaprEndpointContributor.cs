using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>
/// Endpoints a session host of another package needs beside the request route (the actor package's Dapr actor
/// endpoints), so that <c>MapMcpPubSub()</c> maps them without knowing the host.
/// </summary>
internal interface IMcpDaprEndpointContributor
{
    /// <summary>Maps the endpoints, unless mapped already.</summary>
    /// <param name="endpoints">The app's endpoint builder.</param>
    /// <returns>The builder of what was mapped; <see langword="null"/> when nothing was.</returns>
    IEndpointConventionBuilder? Map(IEndpointRouteBuilder endpoints);
}
