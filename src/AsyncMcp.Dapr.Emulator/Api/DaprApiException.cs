using Google.Protobuf;
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
    public RpcException ToRpcException() => Details is { } details
        ? new(new Status(GrpcStatus, Message), new Metadata { { DaprErrorDetails.GrpcTrailer, details.ToStatus((int)GrpcStatus, Message).ToByteArray() } })
        : new(new Status(GrpcStatus, Message));
}
