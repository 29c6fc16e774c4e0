using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>
/// Defaults <c>AppId</c> to the app-id <c>dapr run</c> gives the app (<c>APP_ID</c>), read from the app's configuration
/// (where environment variables land), so that tests and hosts can set it like any other setting. Runs before the
/// app's own configuration of the options, which may override it.
/// </summary>
internal sealed class AppIdConfiguration(IConfiguration? configuration = null)
    : IConfigureOptions<DaprPubSubServerOptions>, IConfigureNamedOptions<DaprPubSubClientOptions>
{
    /// <summary>The configuration key (and environment variable) that <c>dapr run</c> sets.</summary>
    public const string Key = "APP_ID";

    private string? AppId => configuration?[Key] is { Length: > 0 } configured ? configured : Environment.GetEnvironmentVariable(Key);

    public void Configure(DaprPubSubServerOptions options) => options.AppId ??= AppId;

    public void Configure(DaprPubSubClientOptions options) => options.AppId ??= AppId;

    // Every client of the app, the default one and those registered per server (AddKeyedMcpPubSubClient).
    public void Configure(string? name, DaprPubSubClientOptions options) => Configure(options);
}
