namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>What a measured run cost the process: CPU time, managed bytes allocated, the sidecars' state and reminder
/// work, lock contentions, and the thread pool's state.</summary>
internal readonly record struct CallCost(double CpuMicroseconds, long BytesAllocated, SidecarWork Sidecar, long LockContentions, ThreadPoolSample Pool);
