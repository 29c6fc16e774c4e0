using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace AsyncMcp.Dapr.Emulator.Api;

/// <summary>
/// Runs an HTTP API handler and answers its failures as daprd does: <c>{"errorCode", "message"}</c>, and the error's
/// <c>details</c> when daprd builds it with them (dapr/kit errors/errors.go JSONErrorValue).
/// </summary>
internal static class HttpErrors
{
    public static async Task Handle(HttpContext context, Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (DaprApiException e)
        {
            await WriteError(context, e.HttpStatus, e.ErrorCode, e.Message, e.Details).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await WriteError(context, 400, "ERR_MALFORMED_REQUEST", e.Message).ConfigureAwait(false);
        }
    }

    private static Task WriteError(HttpContext context, int status, string code, string message, DaprErrorDetails? details = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("errorCode", code);
            json.WriteString("message", message);
            details?.WriteJson(json);
            json.WriteEndObject();
        }

        return context.Response.Body.WriteAsync(buffer.ToArray()).AsTask();
    }
}
