using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using AsyncMcp.Dapr.Server.Http;
using AsyncMcp.Dapr.Wire;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Front;

/// <summary>
/// Reads the body of a front POST into one JSON-RPC message, or says why it cannot: every fault of the client's input
/// is found here, before a session is opened or anything is forwarded, and never escapes as an exception. Bytes that are
/// not UTF-8 or not JSON are a parse error (-32700); JSON that is not one JSON-RPC message is an invalid request
/// (-32600); text that cannot be carried on (a lone UTF-16 surrogate) and an <c>initialize</c> whose params are not
/// <see cref="InitializeRequestParams"/> are invalid params (-32602).
/// </summary>
internal static class FrontMessageReader
{
    private static readonly JsonSerializerOptions JsonOptions = McpJsonUtilities.DefaultOptions;

    /// <summary>Reads <paramref name="body"/>; <paramref name="sessionless"/> when the request's protocol has no <c>initialize</c>.</summary>
    public static FrontRead Read(ReadOnlyMemory<byte> body, bool sessionless = false)
    {
        if (!Utf8.IsValid(body.Span))
        {
            return FrontRead.Fail((int)McpErrorCode.ParseError, "Parse error: the body is not valid UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return FrontRead.Fail((int)McpErrorCode.ParseError, $"Parse error: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (!IsOneMessage(root))
            {
                return FrontRead.Fail((int)McpErrorCode.InvalidRequest,
                    "Invalid Request: the body must be one JSON-RPC 2.0 request, notification or response (batches are not allowed).");
            }

            var id = IdOf(root);
            if (FindLoneSurrogate(body.Span) is { } where)
            {
                return FrontRead.Fail((int)McpErrorCode.InvalidParams,
                    $"Invalid params: {where} holds a lone UTF-16 surrogate (\\uD800-\\uDFFF escape without its pair), which no UTF-8 message can carry.", id);
            }

            JsonRpcMessage? message;
            try
            {
                message = root.Deserialize<JsonRpcMessage>(JsonOptions);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
            {
                return FrontRead.Fail((int)McpErrorCode.InvalidRequest, $"Invalid Request: {ex.Message}", id);
            }

            if (message is null)
            {
                return FrontRead.Fail((int)McpErrorCode.InvalidRequest, "Invalid Request: the body is null.");
            }

            if (!sessionless && message is JsonRpcRequest { Method: RequestMethods.Initialize } initialize && InitializeParamsCheck.Fault(initialize.Params) is { } fault)
            {
                return FrontRead.Fail((int)McpErrorCode.InvalidParams, $"Invalid params: {fault}", initialize.Id);
            }

            return new FrontRead(message, 0, null, default);
        }
    }

    private static bool IsOneMessage(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object &&
        root.TryGetProperty("jsonrpc", out var jsonrpc) && jsonrpc.ValueKind == JsonValueKind.String && jsonrpc.ValueEquals("2.0") &&
        (root.TryGetProperty("method", out var method) ? method.ValueKind == JsonValueKind.String
            : root.TryGetProperty("id", out _) && (root.TryGetProperty("result", out _) || root.TryGetProperty("error", out _)));

    // The id to echo in an error, when the body has a usable one (a string without lone surrogates, or an integer).
    private static RequestId IdOf(JsonElement root) =>
        !root.TryGetProperty("method", out _) || !root.TryGetProperty("id", out var id) ? default : id.ValueKind switch
        {
            JsonValueKind.String when TryGetString(id) is { } text && !HasLoneSurrogate(text) => new RequestId(text),
            JsonValueKind.Number when id.TryGetInt64(out var number) => new RequestId(number),
            _ => default,
        };

    // Only escaped strings can hold a lone surrogate: valid UTF-8 cannot encode one. So only those are decoded; the last
    // property name is kept as its bytes, for the error text.
    private static string? FindLoneSurrogate(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        var property = ReadOnlySpan<byte>.Empty;
        string? escapedProperty = null;
        var inProperty = false;
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
            {
                continue;
            }

            string? text = null;
            if (reader.ValueIsEscaped && ((text = TryGetString(ref reader)) is null || HasLoneSurrogate(text)))
            {
                return reader.TokenType == JsonTokenType.PropertyName ? "a property name"
                    : !inProperty ? "a string"
                    : $"the value of '{LogText.Escape(escapedProperty ?? Encoding.UTF8.GetString(property))}'";
            }

            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                inProperty = true;
                property = reader.ValueSpan;
                escapedProperty = text;
            }
        }

        return null;
    }

    // The reader refuses to unescape a lone surrogate into UTF-8 (InvalidOperationException): that is the finding too.
    private static string? TryGetString(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string? TryGetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    internal static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>What <see cref="FrontMessageReader"/> made of a body: the message, or a JSON-RPC error code and text for a 400.</summary>
internal readonly record struct FrontRead(JsonRpcMessage? Message, int ErrorCode, string? Error, RequestId Id)
{
    public static FrontRead Fail(int code, string error, RequestId id = default) => new(null, code, error, id);
}
