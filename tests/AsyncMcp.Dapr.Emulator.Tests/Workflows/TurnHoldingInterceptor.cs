using Dapr.DurableTask.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace AsyncMcp.Dapr.Emulator.Tests.Workflows;

/// <summary>
/// Sits in a replica's workflow gRPC client and holds back the one turn completion the ledger chose, as a worker
/// whose turn is still running would: the sidecar has dispatched the turn and waits for its result.
/// </summary>
public sealed class TurnHoldingInterceptor(ActivityLedger ledger, string replica) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (request is not WorkflowResponse response || ledger.TakeTurnGate(response.InstanceId) is not { } gate)
        {
            return continuation(request, context);
        }

        ledger.TurnHeld.TrySetResult(replica);
        var held = Task.Run(async () =>
        {
            await gate.Task;
            return await continuation(request, context).ResponseAsync;
        });
        return new AsyncUnaryCall<TResponse>(held, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }
}
