using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace AsyncMcp.Dapr.Emulator.Api;

/// <summary>Runs an HTTP API handler and answers its failures as daprd does: <c>{"errorCode", "message"}</c>.</summary>
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
            await WriteError(context, e.HttpStatus, e.ErrorCode, e.Message).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await WriteError(context, 400, "ERR_MALFORMED_REQUEST", e.Message).ConfigureAwait(false);
        }
    }

    private static Task WriteError(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["errorCode"] = code, ["message"] = message });
        return context.Response.Body.WriteAsync(body).AsTask();
    }
}
