using System.Text;
using System.Text.Json;
using AsyncMcp.Dapr.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AsyncMcp.Dapr.Emulator.Api;

/// <summary>
/// The emulated part of daprd's HTTP API (v1.0): publish, state, health and metadata. Errors are daprd's JSON
/// body {"errorCode","message"} with its HTTP status.
/// </summary>
internal static class HttpApi
{
    /// <param name="endpoints">Where to map.</param>
    /// <param name="api">The sidecar's operations.</param>
    /// <param name="ready">Whether /v1.0/healthz reports ready: daprd answers 500 until its runtime is initialized,
    /// which with an app port includes waiting for the app (dapr/dapr pkg/runtime/runtime.go, blockUntilAppIsReady).</param>
    public static void Map(IEndpointRouteBuilder endpoints, SidecarApi api, Func<bool> ready)
    {
        endpoints.MapGet("/v1.0/healthz", (HttpContext context) => HttpErrors.Handle(context, () =>
        {
            context.Response.StatusCode = ready()
                ? StatusCodes.Status204NoContent
                : throw new DaprApiException("ERR_HEALTH_NOT_READY", StatusCodes.Status500InternalServerError, Grpc.Core.StatusCode.Unavailable, "dapr is not ready");
            return Task.CompletedTask;
        }));
        endpoints.MapGet("/v1.0/healthz/outbound", () => Results.NoContent());
        endpoints.MapGet("/v1.0/metadata", (HttpContext context) => HttpErrors.Handle(context, () => Metadata(context, api)));
        endpoints.MapPost("/v1.0/publish/{pubsub}/{**topic}", (HttpContext context) => HttpErrors.Handle(context, () => PublishAsync(context, api)));
        endpoints.MapGet("/v1.0/state/{store}/{key}", (HttpContext context) => HttpErrors.Handle(context, () => GetState(context, api)));
        endpoints.MapDelete("/v1.0/state/{store}/{key}", (HttpContext context) => HttpErrors.Handle(context, () => DeleteState(context, api)));
        endpoints.MapPost("/v1.0/state/{store}/bulk", (HttpContext context) => HttpErrors.Handle(context, () => GetBulkStateAsync(context, api)));
        endpoints.MapPost("/v1.0/state/{store}/transaction", (HttpContext context) => HttpErrors.Handle(context, () => TransactAsync(context, api)));
        endpoints.MapPost("/v1.0/state/{store}", (HttpContext context) => HttpErrors.Handle(context, () => SaveStateAsync(context, api)));
    }

    private static async Task PublishAsync(HttpContext context, SidecarApi api)
    {
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        var request = context.Request;
        api.Publish(
            (string)context.GetRouteValue("pubsub")!,
            context.GetRouteValue("topic") as string ?? string.Empty,
            body,
            request.ContentType,
            QueryMetadata(request),
            request.Headers["traceparent"].FirstOrDefault(),
            request.Headers["tracestate"].FirstOrDefault());
        context.Response.StatusCode = 204;
    }

    private static Task Metadata(HttpContext context, SidecarApi api)
    {
        var body = new Dictionary<string, object>
        {
            ["id"] = api.AppId,
            ["runtimeVersion"] = DaprEmulator.RuntimeVersion,
            ["components"] = api.Components.Select(c => new Dictionary<string, object>
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["version"] = "v1",
                ["capabilities"] = Array.Empty<string>(),
            }).ToList(),
            ["extended"] = new Dictionary<string, string>(),
        };
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body)).AsTask();
    }

    private static async Task GetState(HttpContext context, SidecarApi api)
    {
        var item = api.GetState((string)context.GetRouteValue("store")!, (string)context.GetRouteValue("key")!);
        if (item is null)
        {
            context.Response.StatusCode = 204;
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.Headers.ETag = item.ETag;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(item.Value).ConfigureAwait(false);
    }

    private static Task DeleteState(HttpContext context, SidecarApi api)
    {
        var etag = context.Request.Headers.IfMatch.FirstOrDefault();
        api.DeleteState((string)context.GetRouteValue("store")!, (string)context.GetRouteValue("key")!, etag,
            string.Equals(context.Request.Query["concurrency"].FirstOrDefault(), "first-write", StringComparison.OrdinalIgnoreCase));
        context.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private static async Task SaveStateAsync(HttpContext context, SidecarApi api)
    {
        using var document = JsonDocument.Parse(await ReadBodyAsync(context).ConfigureAwait(false));
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw DaprErrors.MalformedRequest("failed deserializing HTTP body: expected an array of state items");
        }

        var items = document.RootElement.EnumerateArray().Select(ReadItem).ToList();
        api.SaveState((string)context.GetRouteValue("store")!, items);
        context.Response.StatusCode = 204;
    }

    private static async Task GetBulkStateAsync(HttpContext context, SidecarApi api)
    {
        using var document = JsonDocument.Parse(await ReadBodyAsync(context).ConfigureAwait(false));
        var store = (string)context.GetRouteValue("store")!;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            if (document.RootElement.TryGetProperty("keys", out var keys))
            {
                foreach (var key in keys.EnumerateArray().Select(k => k.GetString() ?? string.Empty))
                {
                    var item = api.GetState(store, key);
                    writer.WriteStartObject();
                    writer.WriteString("key", key);
                    if (item is not null)
                    {
                        writer.WritePropertyName("data");
                        WriteValue(writer, item.Value);
                        writer.WriteString("etag", item.ETag);
                    }

                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.ToArray()).ConfigureAwait(false);
    }

    private static async Task TransactAsync(HttpContext context, SidecarApi api)
    {
        using var document = JsonDocument.Parse(await ReadBodyAsync(context).ConfigureAwait(false));
        var operations = new List<StateOperation>();
        if (document.RootElement.TryGetProperty("operations", out var list))
        {
            foreach (var operation in list.EnumerateArray())
            {
                var kind = operation.TryGetProperty("operation", out var k) ? k.GetString() : null;
                if (!operation.TryGetProperty("request", out var request))
                {
                    throw DaprErrors.MalformedRequest("missing request in transaction operation");
                }

                var item = ReadItem(request);
                operations.Add(kind switch
                {
                    "upsert" => item,
                    "delete" => item with { Value = null },
                    _ => throw new DaprApiException("ERR_NOT_SUPPORTED_STATE_OPERATION", 400, Grpc.Core.StatusCode.Unimplemented,
                        $"operation type {kind} not supported"),
                });
            }
        }

        api.Transact((string)context.GetRouteValue("store")!, operations);
        context.Response.StatusCode = 204;
    }

    private static StateOperation ReadItem(JsonElement element)
    {
        var key = element.TryGetProperty("key", out var k) ? k.GetString() ?? string.Empty : string.Empty;
        var value = element.TryGetProperty("value", out var v) ? Encoding.UTF8.GetBytes(v.GetRawText()) : [];
        var etag = element.TryGetProperty("etag", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        var firstWrite = element.TryGetProperty("options", out var o) && o.ValueKind == JsonValueKind.Object
            && o.TryGetProperty("concurrency", out var c) && string.Equals(c.GetString(), "first-write", StringComparison.OrdinalIgnoreCase);
        return new StateOperation(key, value, etag, firstWrite);
    }

    private static void WriteValue(Utf8JsonWriter writer, byte[] value)
    {
        try
        {
            using var parsed = JsonDocument.Parse(value);
            parsed.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(Encoding.UTF8.GetString(value));
        }
    }

    private static Dictionary<string, string> QueryMetadata(HttpRequest request)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            if (key.StartsWith("metadata.", StringComparison.Ordinal))
            {
                metadata[key["metadata.".Length..]] = value.ToString();
            }
        }

        return metadata;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
