using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>Checks <see cref="DaprPubSubServerOptions"/> at start-up, with messages that say what to change.</summary>
internal sealed class DaprPubSubServerOptionsValidator : IValidateOptions<DaprPubSubServerOptions>
{
    public ValidateOptionsResult Validate(string? name, DaprPubSubServerOptions options)
    {
        var failures = new List<string>();
        OptionChecks.AppId(options.AppId, nameof(DaprPubSubServerOptions), failures);
        OptionChecks.Address(options.PubSubName, options.Topic, nameof(DaprPubSubServerOptions.Topic), failures);
        if (options.DeadLetterTopic is { } deadLetterTopic)
        {
            OptionChecks.Address(options.PubSubName, deadLetterTopic, nameof(DaprPubSubServerOptions.DeadLetterTopic), failures);
        }

        OptionChecks.Route(options.Route, failures);
        OptionChecks.Route(options.DeadLetterRoute, failures, nameof(DaprPubSubServerOptions.DeadLetterRoute));
        OptionChecks.MessageSize(options.MaxMessageBytes, failures);
        if (options.SessionIdleTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(DaprPubSubServerOptions.SessionIdleTimeout)} must be positive; it is {options.SessionIdleTimeout}.");
        }

        if (options.MaxSessions < 1)
        {
            failures.Add($"{nameof(DaprPubSubServerOptions.MaxSessions)} must be at least 1; it is {options.MaxSessions}.");
        }

        if (options.MaxSessionlessLanes < 1)
        {
            failures.Add($"{nameof(DaprPubSubServerOptions.MaxSessionlessLanes)} must be at least 1; it is {options.MaxSessionlessLanes}.");
        }

        if (options.DeduplicationCapacity < 1)
        {
            failures.Add($"{nameof(DaprPubSubServerOptions.DeduplicationCapacity)} must be at least 1; it is {options.DeduplicationCapacity}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
