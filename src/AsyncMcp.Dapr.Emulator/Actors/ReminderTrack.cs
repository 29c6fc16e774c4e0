using System.Text.Json.Serialization;

namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>
/// How far a reminder got, kept under its own key so that a firing writes a few bytes instead of the reminders list
/// (dapr/dapr pkg/actors/internal ReminderTrack: lastFiredTime and repetitionLeft).
/// </summary>
/// <param name="LastFiredTime">When it last fired.</param>
/// <param name="RepetitionLeft">Repetitions left (-1: unbounded).</param>
internal sealed record ReminderTrack(
    [property: JsonPropertyName("lastFiredTime")] DateTimeOffset LastFiredTime,
    [property: JsonPropertyName("repetitionLeft")] int RepetitionLeft);
