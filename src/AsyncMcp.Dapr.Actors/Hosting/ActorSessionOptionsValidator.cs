using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Actors.Hosting;

/// <summary>Checks <see cref="ActorSessionOptions"/> at start-up.</summary>
internal sealed class ActorSessionOptionsValidator : IValidateOptions<ActorSessionOptions>
{
    public ValidateOptionsResult Validate(string? name, ActorSessionOptions options)
    {
        var failures = new List<string>();
        if (options.DeduplicationWindow < 1)
        {
            failures.Add($"{nameof(ActorSessionOptions.DeduplicationWindow)} must be at least 1; it is {options.DeduplicationWindow}.");
        }

        if (options.InFlightCheckInterval <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(ActorSessionOptions.InFlightCheckInterval)} must be positive; it is {options.InFlightCheckInterval}.");
        }

        if (options.ReplayTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(ActorSessionOptions.ReplayTimeout)} must be positive; it is {options.ReplayTimeout}.");
        }

        if (string.IsNullOrWhiteSpace(options.ActorTypeName))
        {
            failures.Add($"{nameof(ActorSessionOptions.ActorTypeName)} must be set.");
        }

        if (string.IsNullOrWhiteSpace(options.StateStoreName))
        {
            failures.Add($"{nameof(ActorSessionOptions.StateStoreName)} must be set: the name of a state store component with actorStateStore: \"true\".");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
