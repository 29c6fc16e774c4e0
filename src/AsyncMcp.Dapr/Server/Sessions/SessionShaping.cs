using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>
/// How a durable host (actors, workflows) keeps and rebuilds a session's server. Which messages of a session change its
/// state, kept in order so that a server rebuilt elsewhere reaches the same state by replaying them: initialize (first),
/// notifications/initialized, the last logging/setLevel, and the resources/subscribe not undone by an unsubscribe. And
/// what a rebuild does: start a server on the session's reply route, replay those messages into it, and answer every
/// request a server that is gone left in flight.
/// </summary>
internal static class SessionShaping
{
    // logging/setLevel is obsolete in 2026-07-28 but part of the 2025-11-25 sessions the durable hosts serve.
#pragma warning disable MCP9005
    /// <summary>Updates <paramref name="replay"/> with <paramref name="message"/> (its JSON text is <paramref name="text"/>).</summary>
    public static void Shape(List<string> replay, JsonRpcMessage message, string text)
    {
        switch (message)
        {
            case JsonRpcNotification { Method: NotificationMethods.InitializedNotification }:
                replay.Add(text);
                break;
            case JsonRpcRequest { Method: RequestMethods.LoggingSetLevel }:
                replay.RemoveAll(m => SessionMessages.Read(m) is JsonRpcRequest { Method: RequestMethods.LoggingSetLevel });
                replay.Add(text);
                break;
            case JsonRpcRequest { Method: RequestMethods.ResourcesSubscribe }:
                replay.Add(text);
                break;
            case JsonRpcRequest { Method: RequestMethods.ResourcesUnsubscribe } unsubscribe:
                var uri = SessionMessages.Parameter(unsubscribe, "uri");
                replay.RemoveAll(m => SessionMessages.Read(m) is JsonRpcRequest { Method: RequestMethods.ResourcesSubscribe } s
                    && SessionMessages.Parameter(s, "uri") == uri);
                break;
        }
    }
#pragma warning restore MCP9005

    /// <summary>Starts a server for a session, replying on the route its opener named.</summary>
    /// <param name="outboxes">Opens the session's outbox.</param>
    /// <param name="sessionId">The session id.</param>
    /// <param name="replyTo">The reply address as kept in the host's record.</param>
    /// <param name="connection">The client connection named by the opener.</param>
    /// <param name="answered">Told of each request the server answered: its id, and the CloudEvent id of the answer.</param>
    /// <param name="serverOptions">The MCP server's options.</param>
    /// <param name="loggerFactory">The logger factory of the server.</param>
    /// <param name="services">The app's services, for the server's handlers.</param>
    /// <returns>The running server.</returns>
    public static LiveSession StartServer(
        SessionOutboxFactory outboxes,
        string sessionId,
        string replyTo,
        string? connection,
        Action<RequestId, string?> answered,
        McpServerOptions serverOptions,
        ILoggerFactory loggerFactory,
        IServiceProvider services)
    {
        if (!ReplyAddress.TryParse(replyTo, out var address))
        {
            throw new InvalidOperationException($"Session {sessionId} has an unreadable reply address.");
        }

        // A delivery that fails for good is logged by the outbox; the session stays, and its requests in flight are
        // answered when a later rebuild runs.
        var outbox = outboxes.Open(sessionId, address, connection, onFailed: static _ => { });
        var transport = new DurableSessionTransport(sessionId, outbox, answered, loggerFactory);
        var live = new LiveSession(transport, McpServer.Create(transport, serverOptions, loggerFactory, services));
        live.Start();
        return live;
    }

    /// <summary>
    /// Brings a fresh server to the state of the session: replays the shaping messages into it (their answers go to
    /// nobody), then deals with the requests in flight, which a server that is gone accepted: an idempotent one not run
    /// again yet is returned to run again, every other is answered with -32015 here. The caller records the outcome
    /// before it runs the re-runs, so that a second rebuild gives up on them instead of running them a third time.
    /// </summary>
    /// <param name="live">The fresh server.</param>
    /// <param name="replay">The session's shaping messages, in order.</param>
    /// <param name="inFlight">The requests in flight in the host's record.</param>
    /// <param name="delivering">The message the rebuild is for, when it is in flight already (it is delivered, not answered).</param>
    /// <param name="replayTimeout">How long the replay may take.</param>
    /// <returns>How many messages were replayed, the requests answered with -32015, and those to run again.</returns>
    public static async Task<RebuildOutcome> RebuildAsync(
        LiveSession live,
        IEnumerable<string> replay,
        IEnumerable<InFlightRequest> inFlight,
        string? delivering,
        TimeSpan replayTimeout)
    {
        using var timeout = new CancellationTokenSource(replayTimeout);
        var replayed = 0;
        foreach (var text in replay)
        {
            var message = SessionMessages.Read(text);
            if (message is JsonRpcRequest request)
            {
                message = new JsonRpcRequest { Id = new RequestId($"asyncmcp-replay-{replayed}"), Method = request.Method, Params = request.Params };
            }

            await live.Transport.ReplayAsync(message, timeout.Token).ConfigureAwait(false);
            replayed++;
        }

        var failed = new List<InFlightRequest>();
        var rerun = new List<InFlightRequest>();
        foreach (var request in inFlight.ToList())
        {
            if (delivering is not null && request.Message == delivering)
            {
                continue;
            }

            if (request.Idempotent && request.Reruns == 0)
            {
                rerun.Add(request);
                continue;
            }

            failed.Add(request);
            await live.Transport.Outbox.SendAsync(Interrupted(request), CancellationToken.None).ConfigureAwait(false);
        }

        return new RebuildOutcome(replayed, failed, rerun);
    }

    /// <summary>The error that answers a request whose replica stopped before it answered, when it is not run again (-32015).</summary>
    public static JsonRpcError Interrupted(InFlightRequest request) => new()
    {
        Id = SessionMessages.ParseId(request.Id),
        Error = new JsonRpcErrorDetail
        {
            Code = McpWireErrorCodes.RequestInterrupted,
            Message = $"The server replica that was running '{request.Method}' stopped before it answered. The request was not run again; send it again if it is safe to.",
        },
    };
}

/// <summary>What <see cref="SessionShaping.RebuildAsync"/> did.</summary>
/// <param name="Replayed">How many shaping messages were replayed.</param>
/// <param name="Failed">The requests in flight answered with -32015.</param>
/// <param name="Rerun">The idempotent requests in flight to run again (not run yet).</param>
internal sealed record RebuildOutcome(int Replayed, IReadOnlyList<InFlightRequest> Failed, IReadOnlyList<InFlightRequest> Rerun);
