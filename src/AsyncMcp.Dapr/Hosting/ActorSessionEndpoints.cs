using AsyncMcp.Dapr.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>Maps the Dapr actor endpoints (/dapr/config, /actors/...) when sessions are hosted as actors.</summary>
internal static class ActorSessionEndpoints
{
    public static void MapIfEnabled(IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<ActorSessionHost>() is not null)
        {
            endpoints.MapActorsHandlers();
        }
    }
}
