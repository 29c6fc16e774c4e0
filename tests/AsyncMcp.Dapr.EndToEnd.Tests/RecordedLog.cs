using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>One recorded log line: its category, level, event, text, and the properties of its state and active scopes.</summary>
internal sealed record RecordedLog(string Category, LogLevel Level, EventId EventId, string Text, IReadOnlyList<KeyValuePair<string, object?>> Properties)
{
    /// <summary>The values of a property, from the state and from every scope.</summary>
    public IEnumerable<object?> ValuesOf(string name) => Properties.Where(p => p.Key == name).Select(p => p.Value);

    public override string ToString() =>
        $"[{Level}] {Category} ({EventId.Id}): {Text} {{{string.Join(", ", Properties.Where(p => p.Key != "{OriginalFormat}").Select(p => $"{p.Key}={p.Value}"))}}}";
}
