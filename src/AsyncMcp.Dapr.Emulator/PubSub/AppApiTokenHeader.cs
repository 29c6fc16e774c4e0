namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>
/// The app API token on the sidecar's calls to its app: daprd sets <c>dapr-api-token</c> to <c>APP_API_TOKEN</c> on
/// every app channel request (dapr/dapr pkg/channel/http/http_channel.go constructRequest; pkg/security/consts/consts.go).
/// </summary>
internal static class AppApiTokenHeader
{
    /// <summary>The header's name.</summary>
    public const string Name = "dapr-api-token";

    /// <summary>The environment variable daprd reads the token from.</summary>
    public const string EnvironmentVariable = "APP_API_TOKEN";

    /// <summary>Makes every request of <paramref name="client"/> carry the token, when there is one.</summary>
    public static void Apply(HttpClient client, string? token)
    {
        if (!string.IsNullOrEmpty(token))
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(Name, token);
        }
    }
}
