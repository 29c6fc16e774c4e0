using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Workflows.Sessions;

/// <summary>Checks <see cref="WorkflowSessionOptions"/> when the app starts.</summary>
internal sealed class WorkflowSessionOptionsValidator : IValidateOptions<WorkflowSessionOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkflowSessionOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.InstanceIdPrefix) || options.InstanceIdPrefix.Contains("||", StringComparison.Ordinal))
        {
            failures.Add($"{nameof(WorkflowSessionOptions.InstanceIdPrefix)} must be a non-empty workflow instance id prefix (without '||').");
        }

        if (options.DeduplicationWindow < 1)
        {
            failures.Add($"{nameof(WorkflowSessionOptions.DeduplicationWindow)} must be at least 1 (was {options.DeduplicationWindow}).");
        }

        if (options.InFlightCheckInterval <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(WorkflowSessionOptions.InFlightCheckInterval)} must be positive (was {options.InFlightCheckInterval}).");
        }

        if (options.ReplayTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(WorkflowSessionOptions.ReplayTimeout)} must be positive (was {options.ReplayTimeout}).");
        }

        if (options.EventsPerGeneration < 1)
        {
            failures.Add($"{nameof(WorkflowSessionOptions.EventsPerGeneration)} must be at least 1 (was {options.EventsPerGeneration}).");
        }

        if (options.EndedSweepInterval <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(WorkflowSessionOptions.EndedSweepInterval)} must be positive (was {options.EndedSweepInterval}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
