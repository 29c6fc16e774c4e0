namespace AsyncMcp.Dapr.Emulator.Api;

/// <summary>One message of a bulk publish call, its event already as bytes (dapr/dapr pkg/api/http/util.go ConvertEventToBytes).</summary>
internal sealed record BulkPublishEntry(string EntryId, ReadOnlyMemory<byte> Event, string ContentType, IReadOnlyDictionary<string, string> Metadata);
