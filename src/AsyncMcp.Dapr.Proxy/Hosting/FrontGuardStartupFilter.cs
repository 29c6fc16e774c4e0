using AsyncMcp.Dapr.Proxy.Front;

namespace AsyncMcp.Dapr.Proxy.Hosting;

/// <summary>Puts the <see cref="FrontGuard"/> first in the pipeline, so that it sees every request to the front's route.</summary>
internal sealed class FrontGuardStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<FrontGuard>();
        next(app);
    };
}
