using Microsoft.AspNetCore.Http;

namespace AsyncMcp.Dapr.Transports;

/// <summary>Writes the body that daprd reads from a subscription endpoint (<c>{"status":"..."}</c> with HTTP 200).</summary>
internal static class DeliveryResponse
{
    private static readonly byte[] SuccessBody = """{"status":"SUCCESS"}"""u8.ToArray();
    private static readonly byte[] RetryBody = """{"status":"RETRY"}"""u8.ToArray();
    private static readonly byte[] DropBody = """{"status":"DROP"}"""u8.ToArray();

    public static Task WriteAsync(HttpContext context, DeliveryStatus status)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        var body = status switch
        {
            DeliveryStatus.Success => SuccessBody,
            DeliveryStatus.Retry => RetryBody,
            _ => DropBody,
        };
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>Reads the request body up to <paramref name="limit"/> bytes; returns <see langword="null"/> beyond it.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
