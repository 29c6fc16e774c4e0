using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace AsyncMcp.Dapr.Wire;

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
        // daprd sends a Content-Length: one array of the exact size, the only allocation of the read.
        if (request.ContentLength is { } length)
        {
            if (length > limit)
            {
                return null;
            }

            var body = new byte[length];
            var filled = 0;
            int read;
            while (filled < body.Length && (read = await request.Body.ReadAsync(body.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += read;
            }

            return body.AsMemory(0, filled);
        }

        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
