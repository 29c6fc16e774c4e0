using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.RegularExpressions;
using AsyncMcp.Dapr.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncMcp.Dapr.Tests.Diagnostics;

/// <summary>docs/observability.md lists exactly the instruments and drop reasons the library has.</summary>
public sealed partial class ObservabilityDocTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(FindRoot(), "docs", "observability.md"));

    [Fact]
    public void The_metrics_table_lists_every_instrument_with_its_kind_and_unit()
    {
        var documented = MetricRows().Matches(Doc).ToDictionary(m => m.Groups["name"].Value, m => (Kind: m.Groups["kind"].Value, Unit: m.Groups["unit"].Value));

        var instruments = Instruments();

        Assert.Equal(instruments.Keys.Order(), documented.Keys.Order());
        foreach (var (name, (kind, unit)) in instruments)
        {
            Assert.Equal((kind, unit), documented[name]);
        }
    }

    [Fact]
    public void The_drop_reason_table_lists_every_error_type()
    {
        var table = Doc[Doc.IndexOf("| `error.type` |", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n\n", StringComparison.Ordinal)];
        var documented = DropRows().Matches(table).Select(m => m.Groups["reason"].Value).Order().ToList();

        var reasons = typeof(DropReasons).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order().ToList();

        Assert.Equal(reasons, documented);
    }

    // Every instrument of the meter, as a listener sees it once the library has created them all. The listener also
    // hears the instruments other tests create at the same time, on their threads: the dictionary is locked.
    private static Dictionary<string, (string Kind, string Unit)> Instruments()
    {
        var found = new Dictionary<string, (string, string)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == McpDaprTelemetry.MeterName)
                {
                    lock (found)
                    {
                        found[instrument.Name] = (KindOf(instrument), instrument.Unit ?? string.Empty);
                    }
                }
            },
        };
        listener.Start();
        using var services = new ServiceCollection().AddMetrics().AddSingleton<McpDaprMetrics>().BuildServiceProvider();
        _ = services.GetRequiredService<McpDaprMetrics>();
        lock (found)
        {
            return new Dictionary<string, (string, string)>(found);
        }
    }

    private static string KindOf(Instrument instrument) => instrument.GetType().Name switch
    {
        var n when n.StartsWith("Counter", StringComparison.Ordinal) => "counter",
        var n when n.StartsWith("Histogram", StringComparison.Ordinal) => "histogram",
        var n when n.StartsWith("ObservableGauge", StringComparison.Ordinal) => "gauge",
        var n => n,
    };

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AsyncMcp.Dapr.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException("AsyncMcp.Dapr.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\| `(?<name>asyncmcp\.[a-z_.]+)` \| (?<kind>\w+) \| `(?<unit>[^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex MetricRows();

    [GeneratedRegex(@"^\s*\| `(?<reason>[a-z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex DropRows();
}
