using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;

namespace AsyncMcp.Dapr.Emulator.Api;

/// <summary>
/// The details dapr/kit's error builder adds to a daprd error (errors/errors.go), in the order the builder appends them:
/// a <c>BadRequest</c> field violation, a <c>ResourceInfo</c>, and always an <c>ErrorInfo</c>.
/// </summary>
/// <param name="Reason">The <c>ErrorInfo</c> reason, e.g. <c>DAPR_PUBSUB_NOT_FOUND</c> (dapr/dapr pkg/messages/errorcodes).</param>
/// <param name="Metadata">The <c>ErrorInfo</c> metadata; null where daprd passes none.</param>
internal sealed record DaprErrorDetails(string Reason, IReadOnlyDictionary<string, string>? Metadata)
{
    /// <summary>The <c>ErrorInfo</c> domain of every daprd error.</summary>
    public const string Domain = "dapr.io";

    /// <summary>The gRPC trailer that carries a <c>google.rpc.Status</c> with the details.</summary>
    public const string GrpcTrailer = "grpc-status-details-bin";

    /// <summary>The <c>ResourceInfo</c>, where daprd adds one.</summary>
    public ErrorResource? Resource { get; init; }

    /// <summary>The <c>BadRequest</c> field violation, where daprd adds one.</summary>
    public ErrorFieldViolation? FieldViolation { get; init; }

    /// <summary>The gRPC status with these details.</summary>
    public Google.Rpc.Status ToStatus(int code, string message)
    {
        var status = new Google.Rpc.Status { Code = code, Message = message };
        if (FieldViolation is { } violation)
        {
            status.Details.Add(Any.Pack(new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = violation.Field, Description = violation.Description } } }));
        }

        if (Resource is { } resource)
        {
            status.Details.Add(Any.Pack(new ResourceInfo { ResourceType = resource.Type, ResourceName = resource.Name, Description = resource.Description }));
        }

        var errorInfo = new ErrorInfo { Reason = Reason, Domain = Domain };
        foreach (var (key, value) in Metadata ?? new Dictionary<string, string>())
        {
            errorInfo.Metadata[key] = value;
        }

        status.Details.Add(Any.Pack(errorInfo));
        return status;
    }

    /// <summary>The HTTP body's <c>details</c> (errors.go JSONErrorValue): each detail's keys in Go's sorted map order.</summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        json.WriteStartArray("details");
        if (FieldViolation is { } violation)
        {
            json.WriteStartObject();
            json.WriteString("@type", "type.googleapis.com/google.rpc.BadRequest");
            json.WriteStartArray("field_violations");
            json.WriteStartObject();
            json.WriteString("field", violation.Field);
            json.WriteString("description", violation.Description);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        if (Resource is { } resource)
        {
            json.WriteStartObject();
            json.WriteString("@type", "type.googleapis.com/google.rpc.ResourceInfo");
            json.WriteString("description", resource.Description);
            json.WriteString("owner", string.Empty);
            json.WriteString("resource_name", resource.Name);
            json.WriteString("resource_type", resource.Type);
            json.WriteEndObject();
        }

        json.WriteStartObject();
        json.WriteString("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        json.WriteString("domain", Domain);
        if (Metadata is null)
        {
            json.WriteNull("metadata");
        }
        else
        {
            json.WriteStartObject("metadata");
            foreach (var (key, value) in Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
        }

        json.WriteString("reason", Reason);
        json.WriteEndObject();
        json.WriteEndArray();
    }
}

/// <summary>A <c>google.rpc.ResourceInfo</c> of a daprd error (its owner is always empty).</summary>
internal sealed record ErrorResource(string Type, string Name, string Description);

/// <summary>A <c>google.rpc.BadRequest</c> field violation of a daprd error.</summary>
internal sealed record ErrorFieldViolation(string Field, string Description);
