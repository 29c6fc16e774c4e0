using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AsyncMcp.Dapr.Emulator.RunFiles;

/// <summary>
/// Loopback ports for a process that binds them later (the app port of a replica, a test's app). A port found with a bind
/// to port 0 comes from the kernel's ephemeral range, and once released the kernel may hand it to the next bind to port 0
/// (an emulated sidecar) or to an outgoing connection before its process binds it. Ports below that range are never
/// handed out so; only another process that names the same port can take it.
/// </summary>
internal static class FreePorts
{
    private const int Lowest = 20_000;
    private const string EphemeralRange = "/proc/sys/net/ipv4/ip_local_port_range";

    /// <summary>A loopback port below the ephemeral range that was free when asked; one from the range where the range cannot be read.</summary>
    public static int Next()
    {
        if (EphemeralStart() is { } start && start > Lowest)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = Random.Shared.Next(Lowest, start);
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                    return port;
                }
                catch (SocketException)
                {
                    // in use: draw another
                }
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first port of the kernel's ephemeral range, or null where it cannot be read (not Linux).</summary>
    public static int? EphemeralStart()
    {
        try
        {
            var range = File.ReadAllText(EphemeralRange).Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
