using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>Checks <see cref="McpHttpDoorOptions"/> at start-up.</summary>
internal sealed class McpHttpDoorOptionsValidator : IValidateOptions<McpHttpDoorOptions>
{
    public ValidateOptionsResult Validate(string? name, McpHttpDoorOptions options)
    {
        var failures = new List<string>();
        OptionChecks.Route(options.Route, failures);
        if (options.AllowedHosts?.Any(string.IsNullOrWhiteSpace) == true)
        {
            failures.Add($"{nameof(McpHttpDoorOptions.AllowedHosts)} has an empty entry.");
        }

        if (options.AllowedOrigins?.Any(origin => !Uri.TryCreate(origin, UriKind.Absolute, out _)) == true)
        {
            failures.Add($"{nameof(McpHttpDoorOptions.AllowedOrigins)} must be absolute origins such as https://app.example.com.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
