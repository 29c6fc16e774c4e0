namespace AsyncMcp.Dapr.Server.Replies;

/// <summary>A reply could not be delivered; <see cref="IsPermanent"/> when retrying cannot help.</summary>
internal sealed class ReplyDeliveryException : Exception
{
    public ReplyDeliveryException()
    {
    }

    public ReplyDeliveryException(string message)
        : base(message)
    {
    }

    public ReplyDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ReplyDeliveryException(string message, bool isPermanent, Exception? innerException)
        : base(message, innerException)
    {
        IsPermanent = isPermanent;
    }

    /// <summary>The CloudEvent id of the message that could not be delivered, once known.</summary>
    public string? MessageId { get; set; }

    /// <summary>The receiver refused the delivery (a 4xx other than 408, 409 and 429): retrying cannot help.</summary>
    public bool IsPermanent { get; }
}
