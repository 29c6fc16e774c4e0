using System.Net;
using System.Net.Sockets;

namespace AsyncMcp.Dapr.Tests.Common;

/// <summary>
/// Loopback ports for a process that binds them later. A port taken with a bind to port 0 comes from the kernel's
/// ephemeral range, so once released the kernel may hand it to the next bind to port 0 (an emulated sidecar, an
/// outgoing connection) before its process binds it. Ports below that range are never handed out so.
/// </summary>
internal static class FreePorts
{
    private const int Lowest = 20_000;

    /// <summary>A loopback port below the ephemeral range that was free when asked (or, where that range cannot be read, one from it).</summary>
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
                    // taken: try another
                }
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int? EphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
