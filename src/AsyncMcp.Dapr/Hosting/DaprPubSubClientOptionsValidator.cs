using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>Checks <see cref="DaprPubSubClientOptions"/> at start-up.</summary>
internal sealed class DaprPubSubClientOptionsValidator : IValidateOptions<DaprPubSubClientOptions>
{
    public ValidateOptionsResult Validate(string? name, DaprPubSubClientOptions options)
    {
        var failures = new List<string>();
        OptionChecks.AppId(options.AppId, nameof(DaprPubSubClientOptions), failures);
        OptionChecks.Address(options.PubSubName, options.ServerTopic, nameof(DaprPubSubClientOptions.ServerTopic), failures);
        if (options.AppId is not null)
        {
            OptionChecks.Address(options.PubSubName, options.EffectiveReplyTopic, nameof(DaprPubSubClientOptions.ReplyTopic), failures);
        }

        if (string.Equals(options.ServerTopic, options.EffectiveReplyTopic, StringComparison.Ordinal))
        {
            failures.Add($"{nameof(DaprPubSubClientOptions.ReplyTopic)} must differ from {nameof(DaprPubSubClientOptions.ServerTopic)}.");
        }

        if (options.ReplyBinding is not null)
        {
            try
            {
                _ = ReplyAddress.ForBinding(options.ReplyBinding, options.ReplyBindingPath);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"{nameof(DaprPubSubClientOptions.ReplyBinding)}: {ex.Message}");
            }
        }

        if (options.ReplyTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(DaprPubSubClientOptions.ReplyTimeout)} must be positive; it is {timeout}.");
        }

        OptionChecks.Route(options.Route, failures);
        OptionChecks.MessageSize(options.MaxMessageBytes, failures);
        if (options.DiscoverProbeTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(DaprPubSubClientOptions.DiscoverProbeTimeout)} must be positive; it is {options.DiscoverProbeTimeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
