namespace AsyncMcp.Dapr.Server;

/// <summary>Settings of the sample server (configuration section <c>SampleServer</c>).</summary>
public sealed class SampleServerOptions
{
    /// <summary>How long each step of <c>slow_job</c> takes by default, in milliseconds.</summary>
    public int SlowJobStepMilliseconds { get; set; } = 1000;
}
