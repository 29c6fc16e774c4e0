using System.Text.Json;
using System.Text.Json.Serialization;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>
/// Writes a JSON-RPC message kept as JSON text as the JSON value it is, not as a string: inside a string, the
/// serializer's default encoder writes every quote as <c>\u0022</c>, which made each message three times its size in
/// the durable session records (the actor's state, the workflow's input and history) and every save write and parse
/// it again. Reads both forms, so records and events written as strings still load.
/// </summary>
internal sealed class RawJsonText : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ReadOne(ref reader);

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value);

    internal static string? ReadOne(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        _ => JsonElement.ParseValue(ref reader).GetRawText(),
    };
}

/// <summary><see cref="RawJsonText"/> for a list of messages.</summary>
internal sealed class RawJsonTextList : JsonConverter<List<string>>
{
    public override List<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected an array of JSON-RPC messages.");
        }

        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(RawJsonText.ReadOne(ref reader) ?? throw new JsonException("A JSON-RPC message is null."));
        }

        return list;
    }

    public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var message in value)
        {
            writer.WriteRawValue(message);
        }

        writer.WriteEndArray();
    }
}
