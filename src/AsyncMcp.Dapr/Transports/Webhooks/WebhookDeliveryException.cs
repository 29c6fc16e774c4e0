using System.Globalization;
using System.Text.RegularExpressions;

namespace AsyncMcp.Dapr.Transports.Webhooks;

/// <summary>A webhook delivery failed; <see cref="IsPermanent"/> when retrying cannot help.</summary>
internal sealed partial class WebhookDeliveryException : Exception
{
    public WebhookDeliveryException()
    {
    }

    public WebhookDeliveryException(string message)
        : base(message)
    {
    }

    public WebhookDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WebhookDeliveryException(string message, bool isPermanent, Exception? innerException)
        : base(message, innerException)
    {
        IsPermanent = isPermanent;
    }

    /// <summary>The CloudEvent id of the message that could not be delivered, once known.</summary>
    public string? MessageId { get; set; }

    /// <summary>The receiver refused the delivery (a 4xx other than 408, 409 and 429): retrying cannot help.</summary>
    public bool IsPermanent { get; }

    /// <summary>
    /// Classifies the error of a binding invocation. daprd's HTTP binding reports a non-2xx answer as
    /// "received status code N" inside the gRPC error (components-contrib bindings/http/http.go).
    /// </summary>
    public static WebhookDeliveryException FromBindingError(string binding, Exception error)
    {
        var detail = error is global::Dapr.DaprException { InnerException: Grpc.Core.RpcException rpc } ? rpc.Status.Detail
            : error is Grpc.Core.RpcException direct ? direct.Status.Detail
            : error.Message;
        var match = StatusCodePattern().Match(detail);
        var status = match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        // 409 is the receiver seeing the very same signed request twice (a retry below us, e.g. by a Dapr resiliency
        // policy): a retry signed afresh is then acknowledged as a duplicate.
        var permanent = status is >= 400 and < 500 and not 408 and not 409 and not 429;
        return new WebhookDeliveryException($"Binding '{binding}': {detail}", permanent, error);
    }

    [GeneratedRegex(@"received status code (\d{3})")]
    private static partial Regex StatusCodePattern();
}
