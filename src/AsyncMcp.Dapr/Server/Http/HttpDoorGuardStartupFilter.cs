using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace AsyncMcp.Dapr.Server.Http;

/// <summary>Puts the <see cref="HttpDoorGuard"/> first in the pipeline, so that it sees every request to the door.</summary>
internal sealed class HttpDoorGuardStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<HttpDoorGuard>();
        next(app);
    };
}
