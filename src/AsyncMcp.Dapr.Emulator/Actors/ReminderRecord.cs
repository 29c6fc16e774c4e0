using System.Text.Json;
using System.Text.Json.Serialization;

namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>
/// One reminder as daprd keeps it in the actor state store under "actors||{type}"
/// (dapr/dapr pkg/actors/internal/reminders: reminder.go and the state-store reminders provider).
/// </summary>
internal sealed class ReminderRecord
{
    [JsonPropertyName("actorID")]
    public required string ActorId { get; init; }

    [JsonPropertyName("actorType")]
    public required string ActorType { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The data as the app gave it (any JSON), passed back on every callback.</summary>
    [JsonPropertyName("data")]
    public JsonElement? Data { get; init; }

    [JsonPropertyName("period")]
    public string? Period { get; init; }

    [JsonPropertyName("dueTime")]
    public string? DueTime { get; init; }

    [JsonPropertyName("registeredTime")]
    public DateTimeOffset RegisteredTime { get; init; }

    [JsonPropertyName("expirationTime")]
    public DateTimeOffset? ExpirationTime { get; init; }

    /// <summary>When it fires next.</summary>
    [JsonPropertyName("nextTime")]
    public DateTimeOffset NextTime { get; set; }

    /// <summary>Repetitions left (-1: unbounded).</summary>
    [JsonPropertyName("repetitionsLeft")]
    public int RepetitionsLeft { get; set; } = -1;

    [JsonIgnore]
    public bool Firing { get; set; }

    /// <summary>
    /// Whether registering <paramref name="candidate"/> over this reminder changes it: another due time, period or data, or
    /// a time to live on either side (dapr/dapr pkg/actors/api/reminder.go RequiresUpdating). An unchanged registration
    /// keeps the reminder as it is, schedule included.
    /// </summary>
    public bool RequiresUpdating(ReminderRecord candidate) =>
        DueTime != candidate.DueTime || Period != candidate.Period || candidate.ExpirationTime is not null || ExpirationTime is not null
        || !DataEquals(Data, candidate.Data);

    private static bool DataEquals(JsonElement? left, JsonElement? right) =>
        left is { } l ? right is { } r && JsonElement.DeepEquals(l, r) : right is null;
}
