using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Reflection.V1;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>
/// The .NET SDK probes the runtime's methods with gRPC server reflection v1
/// (dapr/dotnet-sdk src/Dapr.Common/DaprRuntimeCapabilities.cs): the emulated sidecar answers it.
/// </summary>
public sealed class ReflectionTests
{
    [Fact]
    public async Task Server_reflection_lists_the_Dapr_runtime_service()
    {
        await using var emulator = new DaprEmulator();
        await using var sidecar = await emulator.StartSidecarAsync("app", TestContext.Current.CancellationToken);
        using var channel = GrpcChannel.ForAddress(sidecar.GrpcEndpoint);
        var client = new ServerReflection.ServerReflectionClient(channel);
        using var call = client.ServerReflectionInfo(cancellationToken: TestContext.Current.CancellationToken);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, TestContext.Current.CancellationToken);
        await call.RequestStream.CompleteAsync();
        var services = new List<string>();
        await foreach (var response in call.ResponseStream.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            services.AddRange(response.ListServicesResponse.Service.Select(s => s.Name));
        }

        Assert.Contains("dapr.proto.runtime.v1.Dapr", services);
    }
}
