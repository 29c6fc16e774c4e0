using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Proxy.Configuration;

/// <summary>Checks <see cref="ProxyOptions"/> at start-up.</summary>
internal sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add($"{nameof(ProxyOptions.Host)} must be set.");
        }

        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"{nameof(ProxyOptions.Port)} must be between 0 and 65535; it is {options.Port}.");
        }

        if (!options.Path.StartsWith('/'))
        {
            failures.Add($"{nameof(ProxyOptions.Path)} must start with '/'; it is '{options.Path}'.");
        }

        if (options.MaxIdleBackendConnections < 0)
        {
            failures.Add($"{nameof(ProxyOptions.MaxIdleBackendConnections)} must be 0 or more; it is {options.MaxIdleBackendConnections}.");
        }

        if (options.MaxSessions < 1)
        {
            failures.Add($"{nameof(ProxyOptions.MaxSessions)} must be at least 1; it is {options.MaxSessions}.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(ProxyOptions.RequestTimeout)} must be positive; it is {options.RequestTimeout}.");
        }

        if (options.SessionIdleTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(ProxyOptions.SessionIdleTimeout)} must be positive; it is {options.SessionIdleTimeout}.");
        }

        if (options.MaxRequestBodyBytes < 1024)
        {
            failures.Add($"{nameof(ProxyOptions.MaxRequestBodyBytes)} must be at least 1024; it is {options.MaxRequestBodyBytes}.");
        }

        if (options.ResumableEventsPerSession < 0)
        {
            failures.Add($"{nameof(ProxyOptions.ResumableEventsPerSession)} must be 0 (off) or more; it is {options.ResumableEventsPerSession}.");
        }

        if (options.ResumableBytesPerSession < options.MaxRequestBodyBytes && options.ResumableEventsPerSession > 0)
        {
            failures.Add($"{nameof(ProxyOptions.ResumableBytesPerSession)} must be at least {nameof(ProxyOptions.MaxRequestBodyBytes)} ({options.MaxRequestBodyBytes}); it is {options.ResumableBytesPerSession}.");
        }

        if (options.StreamRetryInterval <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(ProxyOptions.StreamRetryInterval)} must be positive; it is {options.StreamRetryInterval}.");
        }

        if (options.BearerToken is { Length: < 16 })
        {
            failures.Add($"{nameof(ProxyOptions.BearerToken)} must be at least 16 characters long when set.");
        }

        if (!Enum.IsDefined(options.Backend))
        {
            failures.Add($"{nameof(ProxyOptions.Backend)} '{options.Backend}' is not known.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
