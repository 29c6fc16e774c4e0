namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>What a measured run cost the process: CPU time and managed bytes allocated.</summary>
internal readonly record struct CallCost(double CpuMicroseconds, long BytesAllocated);
