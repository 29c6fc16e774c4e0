using AsyncMcp.Dapr.Proxy.Configuration;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Proxy.Front;

/// <summary>Where the Streamable HTTP front is mapped: <see cref="ProxyOptions.Path"/> unless the app maps it elsewhere.</summary>
internal sealed class ProxyFrontRoute(IOptions<ProxyOptions> options)
{
    /// <summary>The route the <see cref="FrontGuard"/> protects.</summary>
    public string Path { get; set; } = options.Value.Path;
}
