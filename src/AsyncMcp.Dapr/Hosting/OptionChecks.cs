using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>Checks shared by the option validators.</summary>
internal static class OptionChecks
{
    public const int MinMessageBytes = 4 * 1024;
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    public static void AppId(string? appId, string optionsName, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(appId))
        {
            failures.Add($"{optionsName}.AppId is not set. Run the app with 'dapr run' (which sets APP_ID) or set AppId to the app's Dapr app-id.");
        }
    }

    public static void Address(string pubSubName, string topic, string optionName, List<string> failures)
    {
        try
        {
            _ = ReplyAddress.ForPubSub(pubSubName, topic);
        }
        catch (ArgumentException ex)
        {
            failures.Add($"{optionName}: {ex.Message}");
        }
    }

    public static void Route(string route, List<string> failures, string optionName = "Route")
    {
        if (string.IsNullOrEmpty(route) || route[0] != '/')
        {
            failures.Add($"{optionName} must start with '/'; it is '{route}'.");
        }
    }

    public static void MessageSize(int maxMessageBytes, List<string> failures)
    {
        if (maxMessageBytes is < MinMessageBytes or > MaxMessageBytes)
        {
            failures.Add($"MaxMessageBytes must be between {MinMessageBytes} and {MaxMessageBytes}; it is {maxMessageBytes}.");
        }
    }
}
