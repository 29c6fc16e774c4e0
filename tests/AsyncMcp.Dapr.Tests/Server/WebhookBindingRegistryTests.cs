using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Webhooks;
using Dapr.Client;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Tests.Server;

/// <summary>
/// The reply-binding allow-list reads the sidecar's components through a real <see cref="DaprClient"/>, whose gRPC
/// calls reach a handler that holds the metadata answer until the test lets it go.
/// </summary>
public sealed class WebhookBindingRegistryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_refresh_in_flight_when_the_host_stops_still_answers()
    {
        var sidecar = new HeldMetadataHandler();
        var services = Services(sidecar);
        var refusal = services.GetRequiredService<WebhookBindingRegistry>().RefusalAsync("client-replies", Ct);
        await sidecar.Asked.WaitAsync(Ct);

        await services.DisposeAsync();
        sidecar.Answer();

        // The read began before the stop and finishes as a read, instead of failing on the refresh gate's release.
        Assert.Null(await refusal.WaitAsync(Ct));
    }

    [Fact]
    public async Task Callers_during_one_refresh_share_one_read_of_the_sidecars_components()
    {
        var sidecar = new HeldMetadataHandler();
        await using var services = Services(sidecar);
        var registry = services.GetRequiredService<WebhookBindingRegistry>();
        var first = registry.RefusalAsync("client-replies", Ct);
        await sidecar.Asked.WaitAsync(Ct);
        var others = Enumerable.Range(0, 4).Select(_ => registry.RefusalAsync("undeclared", Ct)).ToList();

        sidecar.Answer();

        Assert.Null(await first.WaitAsync(Ct));
        foreach (var refusal in await Task.WhenAll(others).WaitAsync(Ct))
        {
            Assert.Equal("Binding 'undeclared' is not declared as a bindings.http component in this server's Dapr sidecar (declared: client-replies).", refusal);
        }

        Assert.Equal(1, sidecar.Reads);
    }

    private static ServiceProvider Services(HeldMetadataHandler sidecar)
    {
        var options = new DaprWebhookReplyOptions();
        options.Secrets["client-replies"] = "whsec_" + Convert.ToBase64String("a-secret-of-thirty-two-bytes!!!!"u8);
        return new ServiceCollection()
            .AddSingleton(new DaprClientBuilder()
                .UseGrpcEndpoint("http://127.0.0.1:50001")
                .UseGrpcChannelOptions(new GrpcChannelOptions { HttpHandler = sidecar })
                .Build())
            .AddSingleton(Options.Create(options))
            .AddSingleton(TimeProvider.System)
            .AddSingleton<WebhookBindingRegistry>()
            .BuildServiceProvider();
    }

    /// <summary>Answers the sidecar's GetMetadata call with one http binding, once the test says so.</summary>
    private sealed class HeldMetadataHandler : HttpMessageHandler
    {
        private readonly TaskCompletionSource _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reads;

        public Task Asked => _asked.Task;

        public int Reads => Volatile.Read(ref _reads);

        public void Answer() => _answer.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("/dapr.proto.runtime.v1.Dapr/GetMetadata", request.RequestUri!.AbsolutePath);
            Interlocked.Increment(ref _reads);
            _asked.TrySetResult();
            await _answer.Task.WaitAsync(cancellationToken);

            var payload = new GetMetadataResponse
            {
                RegisteredComponents = { new RegisteredComponents { Name = "client-replies", Type = "bindings.http", Version = "v1" } },
            }.ToByteArray();
            // One gRPC message: an uncompressed flag, its length (big-endian) and the message.
            var frame = new byte[5 + payload.Length];
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
            payload.CopyTo(frame, 5);
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent(frame) };
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            response.TrailingHeaders.Add("grpc-status", "0");
            return response;
        }
    }
}
