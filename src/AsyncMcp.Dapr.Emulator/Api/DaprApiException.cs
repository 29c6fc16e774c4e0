using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace AsyncMcp.Dapr.Emulator.Api;

/// <summary>
/// An error of daprd's API, carrying both of its faces: the HTTP status with the legacy error code
/// (the JSON body {"errorCode","message"}) and the gRPC status (dapr/dapr pkg/api/errors).
/// </summary>
internal sealed class DaprApiException : Exception
{
    public DaprApiException(string errorCode, int httpStatus, StatusCode grpcStatus, string message)
        : base(message)
    {
        ErrorCode = errorCode;
        HttpStatus = httpStatus;
        GrpcStatus = grpcStatus;
    }

    public DaprApiException()
        : this("ERR_INTERNAL", 500, StatusCode.Internal, "internal error")
    {
    }

    public DaprApiException(string message)
        : this("ERR_INTERNAL", 500, StatusCode.Internal, message)
    {
    }

    public DaprApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = "ERR_INTERNAL";
        HttpStatus = 500;
        GrpcStatus = StatusCode.Internal;
    }

    /// <summary>daprd's legacy error code, e.g. ERR_PUBSUB_NOT_FOUND.</summary>
    public string ErrorCode { get; }

    /// <summary>The HTTP status the HTTP API answers with.</summary>
    public int HttpStatus { get; }

    /// <summary>The gRPC status the gRPC API answers with.</summary>
    public StatusCode GrpcStatus { get; }

    /// <summary>
    /// The rich details of daprd's errors built with dapr/kit's error builder (1.14 and later): a <c>google.rpc.ErrorInfo</c>
    /// and, for some, a <c>google.rpc.ResourceInfo</c>; null for the errors daprd still answers without details.
    /// </summary>
    public DaprErrorDetails? Details { get; init; }

    /// <summary>
    /// As a gRPC error: the status, with the details in its <c>grpc-status-details-bin</c> trailer as a
    /// <c>google.rpc.Status</c> (dapr/kit errors/errors.go GRPCStatus).
    /// </summary>
    public RpcException ToRpcException()
    {
        if (Details is not { } details)
        {
            return new(new Grpc.Core.Status(GrpcStatus, Message));
        }

        var status = new Google.Rpc.Status { Code = (int)GrpcStatus, Message = Message };
        if (details.ResourceName is { } resource)
        {
            status.Details.Add(Any.Pack(new ResourceInfo { ResourceType = details.ResourceType, ResourceName = resource, Description = Message }));
        }

        var errorInfo = new ErrorInfo { Reason = details.Reason, Domain = DaprErrorDetails.Domain };
        foreach (var (key, value) in details.Metadata)
        {
            errorInfo.Metadata[key] = value;
        }

        status.Details.Add(Any.Pack(errorInfo));
        return new(new Grpc.Core.Status(GrpcStatus, Message), new Metadata { { DaprErrorDetails.GrpcTrailer, status.ToByteArray() } });
    }
}

/// <summary>The details daprd's error builder adds to an error (dapr/kit errors/errors.go).</summary>
/// <param name="Reason">The <c>ErrorInfo</c> reason, e.g. <c>DAPR_PUBSUB_NOT_FOUND</c> (dapr/dapr pkg/messages/errorcodes).</param>
/// <param name="Metadata">The <c>ErrorInfo</c> metadata.</param>
/// <param name="ResourceType">The <c>ResourceInfo</c> resource type, e.g. <c>pubsub</c>.</param>
/// <param name="ResourceName">The <c>ResourceInfo</c> resource name; null when daprd adds no <c>ResourceInfo</c>.</param>
internal sealed record DaprErrorDetails(string Reason, IReadOnlyDictionary<string, string> Metadata, string ResourceType = "", string? ResourceName = null)
{
    /// <summary>The <c>ErrorInfo</c> domain of every daprd error.</summary>
    public const string Domain = "dapr.io";

    /// <summary>The gRPC trailer that carries a <c>google.rpc.Status</c> with the details.</summary>
    public const string GrpcTrailer = "grpc-status-details-bin";
}
