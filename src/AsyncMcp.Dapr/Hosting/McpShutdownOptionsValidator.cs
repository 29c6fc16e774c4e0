using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>Checks <see cref="McpShutdownOptions"/> at start-up.</summary>
internal sealed class McpShutdownOptionsValidator : IValidateOptions<McpShutdownOptions>
{
    public ValidateOptionsResult Validate(string? name, McpShutdownOptions options) =>
        options.DrainPeriod < TimeSpan.Zero || options.DrainPeriod > TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Fail($"{McpShutdownOptions.Section}:{nameof(McpShutdownOptions.DrainPeriod)} must be between 0 and 1 hour; it is {options.DrainPeriod}.")
            : ValidateOptionsResult.Success;
}
