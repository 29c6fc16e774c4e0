using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace AsyncMcp.Dapr.Emulator.RunFiles;

/// <summary>
/// Signals an app process and every process it started (a <c>dotnet run</c> and the app it launches), as the Dapr CLI
/// signals the app's process group (dapr/cli <c>cmd/run_unix.go</c>, killProcessGroup: SIGTERM, 5 s, SIGKILL).
/// </summary>
internal static partial class ProcessTree
{
    private const int SigKill = 9;
    private const int SigTerm = 15;

    /// <summary>The grace period between SIGTERM and SIGKILL, the CLI's.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    /// <summary>Sends SIGTERM to the tree (on Windows, where there is none, ends it at once).</summary>
    public static void Terminate(Process root) => Signal(root, SigTerm);

    /// <summary>Sends SIGKILL to the tree.</summary>
    public static void Kill(Process root) => Signal(root, SigKill);

    private static void Signal(Process root, int signal)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            TryKillTree(root);
            return;
        }

        // Children first, so a `dotnet run` does not see its app vanish before it is told to stop itself.
        var tree = Descendants(root.Id);
        tree.Reverse();
        tree.Add(root.Id);
        foreach (var pid in tree)
        {
            _ = Kill(pid, signal);
        }

        if (OperatingSystem.IsMacOS() && signal == SigKill)
        {
            TryKillTree(root);
        }
    }

    private static void TryKillTree(Process root)
    {
        try
        {
            root.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    // Reads the parent of every process from /proc (Linux); elsewhere only the root is signalled.
    private static List<int> Descendants(int root)
    {
        var result = new List<int>();
        if (!OperatingSystem.IsLinux())
        {
            return result;
        }

        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid ...", comm may hold spaces and parentheses.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                // The process ended while we looked.
            }
        }

        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var (child, _) in parents.Where(p => p.Value == parent))
            {
                result.Add(child);
                queue.Enqueue(child);
            }
        }

        return result;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
