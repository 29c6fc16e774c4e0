using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>Checks <see cref="McpPublishOptions"/> at start-up.</summary>
internal sealed class McpPublishOptionsValidator : IValidateOptions<McpPublishOptions>
{
    public ValidateOptionsResult Validate(string? name, McpPublishOptions options)
    {
        var errors = new List<string>();
        if (options.MaxBulkMessages is < 2 or > 10_000)
        {
            errors.Add($"{McpPublishOptions.Section}:{nameof(McpPublishOptions.MaxBulkMessages)} must be between 2 and 10000; it is {options.MaxBulkMessages}.");
        }

        if (options.MaxConcurrentPublishes is < 1 or > 1024)
        {
            errors.Add($"{McpPublishOptions.Section}:{nameof(McpPublishOptions.MaxConcurrentPublishes)} must be between 1 and 1024; it is {options.MaxConcurrentPublishes}.");
        }

        if (options.MaxBulkBytes is < 1024 or > 64 * 1024 * 1024)
        {
            errors.Add($"{McpPublishOptions.Section}:{nameof(McpPublishOptions.MaxBulkBytes)} must be between 1024 and 67108864 (64 MiB); it is {options.MaxBulkBytes}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
