using System.Text;

namespace AsyncMcp.Dapr.Emulator.Cli.Tests;

/// <summary>The run's output, line by line, with waits for a line that are woken by the line itself (no polling).</summary>
internal sealed class RecordedOutput : TextWriter
{
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly StringBuilder _partial = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToArray();
            }
        }
    }

    public string Text => string.Join(Environment.NewLine, Lines);

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
            {
                Add(_partial.ToString().TrimEnd('\r'));
                _partial.Clear();
            }
            else
            {
                _partial.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? string.Empty)
        {
            Write(c);
        }
    }

    public override void WriteLine(string? value) => Write(value + "\n");

    /// <summary>The first line (already written or still to come) that matches.</summary>
    public Task<string> LineAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var seen = _lines.FirstOrDefault(match);
            if (seen is not null)
            {
                return Task.FromResult(seen);
            }

            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
            return found.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The first matching line written after this call.</summary>
    public Task<string> NextLineAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
            return found.Task.WaitAsync(cancellationToken);
        }
    }

    private void Add(string line)
    {
        _lines.Add(line);
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Match(line))
            {
                _waiters[i].Found.TrySetResult(line);
                _waiters.RemoveAt(i);
            }
        }
    }
}
