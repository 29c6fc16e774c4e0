using System.Text;

namespace AsyncMcp.Dapr.Environments.Tests;

/// <summary>A text writer that may be read while another thread writes to it.</summary>
internal sealed class SyncedWriter : StringWriter
{
    private readonly Lock _gate = new();

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return ToString();
            }
        }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            base.Write(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            base.Write(value);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            base.WriteLine(value);
        }
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Encoding Encoding => Encoding.UTF8;
}
