namespace AsyncMcp.Dapr.Demo;

/// <summary>What the demo is told on its command line (configuration keys under <c>Demo:</c>).</summary>
internal sealed class DemoOptions
{
    /// <summary>The Dapr resources folder the emulator loads. Default: <c>components/local</c>, found upwards from the working folder.</summary>
    public string? Components { get; set; }

    /// <summary>Run the client's round trip once and exit, instead of staying up until Ctrl+C.</summary>
    public bool Once { get; set; }

    /// <summary>The URL the proxy's MCP front listens on (when the proxy is part of the build).</summary>
    public string ProxyUrl { get; set; } = "http://localhost:8080";

    /// <summary>Milliseconds per step of the sample server's slow job.</summary>
    public int SlowJobStepMilliseconds { get; set; } = 300;

    /// <summary>The protocol version the client pins, or none for the SDK's default.</summary>
    public string? ProtocolVersion { get; set; }
}
