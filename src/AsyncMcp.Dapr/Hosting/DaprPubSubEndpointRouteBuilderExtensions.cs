using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Transports;
using Dapr;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Dapr subscription endpoints of MCP servers and clients.</summary>
public static class DaprPubSubEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the endpoint the sidecar delivers MCP requests to (<see cref="DaprPubSubServerOptions.Route"/>) and, unless
    /// <see cref="DaprPubSubServerOptions.SubscribeProgrammatically"/> is off, declares its topic subscription with its
    /// dead-letter topic. The endpoint reads the whole CloudEvent, so do not put <c>UseCloudEvents()</c> in front of it.
    /// </summary>
    /// <param name="endpoints">The app's endpoint builder.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapMcpPubSub(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<DaprPubSubServerOptions>>().Value;
        var endpoint = endpoints.ServiceProvider.GetRequiredService<PubSubRequestEndpoint>();
        var builder = endpoints.MapPost(options.Route, (RequestDelegate)endpoint.HandleAsync);
        if (options.SubscribeProgrammatically)
        {
            builder.WithTopic(new TopicOptions
            {
                PubsubName = options.PubSubName,
                Name = options.Topic,
                DeadLetterTopic = options.DeadLetterTopic,
            });
        }

        ActorSessionEndpoints.MapIfEnabled(endpoints);
        return builder;
    }

    /// <summary>
    /// Maps an endpoint that reads the server's dead-letter topic (<see cref="DaprPubSubServerOptions.DeadLetterTopic"/>)
    /// at <see cref="DaprPubSubServerOptions.DeadLetterRoute"/>, so that every event the sidecar dead-letters is counted
    /// (<c>asyncmcp.messages.dead_lettered</c>, tagged with the topic it was first published to) and logged with its
    /// message id, session and publisher. Unless <see cref="DaprPubSubServerOptions.SubscribeProgrammatically"/> is off,
    /// it subscribes with <c>rawPayload</c>, so that dead letters that are not CloudEvents arrive too. Each dead letter
    /// is acknowledged; other apps that subscribe to the dead-letter topic get their own copy (one per app-id).
    /// Without a dead-letter topic nothing is delivered here.
    /// </summary>
    /// <param name="endpoints">The app's endpoint builder.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapMcpDeadLetters(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<DaprPubSubServerOptions>>().Value;
        var endpoint = endpoints.ServiceProvider.GetRequiredService<DeadLetterEndpoint>();
        var builder = endpoints.MapPost(options.DeadLetterRoute, (RequestDelegate)endpoint.HandleAsync);
        if (options.SubscribeProgrammatically && options.DeadLetterTopic is { } deadLetterTopic)
        {
            builder.WithTopic(new TopicOptions { PubsubName = options.PubSubName, Name = deadLetterTopic, EnableRawPayload = true });
        }

        return builder;
    }

    /// <summary>
    /// Maps the endpoint the sidecar delivers replies to (<see cref="DaprPubSubClientOptions.Route"/>) and, unless
    /// <see cref="DaprPubSubClientOptions.SubscribeProgrammatically"/> is off, declares the reply topic subscription.
    /// </summary>
    /// <param name="endpoints">The app's endpoint builder.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapMcpPubSubReplies(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<DaprPubSubClientOptions>>().Value;
        var endpoint = endpoints.ServiceProvider.GetRequiredService<PubSubReplyEndpoint>();
        var builder = endpoints.MapPost(options.Route, (RequestDelegate)endpoint.HandleAsync);
        if (options.SubscribeProgrammatically)
        {
            builder.WithTopic(new TopicOptions { PubsubName = options.PubSubName, Name = options.EffectiveReplyTopic });
        }

        return builder;
    }

    /// <summary>
    /// Maps the endpoint where signed webhook replies arrive (<see cref="DaprWebhookReceiverOptions.Route"/>), for
    /// clients whose <see cref="DaprPubSubClientOptions.ReplyBinding"/> is set. It verifies every delivery before
    /// anything reaches an MCP client. Register it with <c>AddMcpWebhookReplies</c>.
    /// </summary>
    /// <param name="endpoints">The app's endpoint builder.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapMcpWebhookReplies(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<DaprWebhookReceiverOptions>>().Value;
        var endpoint = endpoints.ServiceProvider.GetRequiredService<AsyncMcp.Dapr.Transports.Webhooks.WebhookReplyEndpoint>();
        return endpoints.MapPost(options.Route, (RequestDelegate)endpoint.HandleAsync);
    }
}
