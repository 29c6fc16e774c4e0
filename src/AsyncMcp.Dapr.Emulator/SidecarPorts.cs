namespace AsyncMcp.Dapr.Emulator;

/// <summary>Where an emulated sidecar listens, and whether it waits for an app before it reports ready.</summary>
/// <param name="Http">The HTTP API port; 0 for a free one.</param>
/// <param name="Grpc">The gRPC API port; 0 for a free one.</param>
/// <param name="WaitsForApp">True when the sidecar was started for an app with a port: /v1.0/healthz then answers 500
/// until the app is attached, as daprd's does until it has found its app.</param>
internal readonly record struct SidecarPorts(int Http = 0, int Grpc = 0, bool WaitsForApp = false);
