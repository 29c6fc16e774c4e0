using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace AsyncMcp.Dapr.Polyglot.Tests;

/// <summary>
/// One of the Node programs in <c>TypeScript/</c>, run as a real process: it reports one JSON object per stdout line
/// (<c>{"event": …}</c>), which the tests read in order; stderr is kept for failure messages.
/// </summary>
internal sealed class NodeApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly StringBuilder _log = new();

    private NodeApp(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, isError: false);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, isError: true);
        _process.Exited += (_, _) => _events.Writer.TryComplete();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Everything the program wrote, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="script"/> (a file in <c>TypeScript/</c>) with Node and the given environment.</summary>
    public static NodeApp Start(string script, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("node", [script])
        {
            WorkingDirectory = TypeScriptFolders.Programs,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.Start();
        return new NodeApp(process);
    }

    /// <summary>The next reported event, which must be <paramref name="name"/>.</summary>
    public async Task<JsonElement> NextAsync(string name, TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(60));
        JsonElement next;
        try
        {
            next = await _events.Reader.ReadAsync(cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new Xunit.Sdk.XunitException($"The Node program did not report '{name}' ({ex.GetType().Name}).\n{Log}");
        }

        var reported = next.GetProperty("event").GetString();
        Assert.True(reported == name, $"Expected '{name}', the Node program reported '{reported}': {next}\n{Log}");
        return next;
    }

    /// <summary>The next reported event named <paramref name="name"/>, skipping the others.</summary>
    public async Task<JsonElement> WaitForAsync(string name, TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(cts.Token);
                if (next.GetProperty("event").GetString() == name)
                {
                    return next;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new Xunit.Sdk.XunitException($"The Node program did not report '{name}' ({ex.GetType().Name}).\n{Log}");
        }
    }

    /// <summary>Writes a line to the program's stdin.</summary>
    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the program to exit by itself and returns its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        TestContext.Current.TestOutputHelper?.WriteLine(Log);
    }

    private void OnLine(string? line, bool isError)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Append(isError ? "[stderr] " : "[stdout] ").AppendLine(line);
        }

        if (!isError && line.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.TryGetProperty("event", out _))
                {
                    _events.Writer.TryWrite(document.RootElement.Clone());
                }
            }
            catch (JsonException)
            {
                // Not one of the program's reports.
            }
        }
    }
}
