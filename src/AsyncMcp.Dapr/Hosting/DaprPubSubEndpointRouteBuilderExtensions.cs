using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Client.Webhooks;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server;
using Dapr;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Maps the Dapr subscription endpoints of MCP servers and clients. Each method fails at once, saying which
/// registration is missing, when the matching <c>With…()</c>/<c>Add…()</c> was not called, and returns a convention
/// builder that covers every endpoint it mapped.
/// </summary>
public static class DaprPubSubEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the endpoint the sidecar delivers MCP requests to (<see cref="DaprPubSubServerOptions.Route"/>) and, unless
    /// <see cref="DaprPubSubServerOptions.SubscribeProgrammatically"/> is off, declares its topic subscription with its
    /// dead-letter topic. When a durable session host needs endpoints of its own (the Dapr actor endpoints of
    /// <c>WithActorSessions()</c> or <c>WithWorkflowSessions()</c>), it maps them too. The endpoint reads the whole CloudEvent, so do not put
    /// <c>UseCloudEvents()</c> in front of it.
    /// </summary>
    /// <param name="endpoints">The app's endpoint builder.</param>
    /// <returns>A convention builder covering every endpoint mapped.</returns>
    /// <exception cref="InvalidOperationException"><c>WithDaprPubSubTransport()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMcpPubSub(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var endpoint = Required<PubSubRequestEndpoint>(endpoints, nameof(MapMcpPubSub), "builder.Services.AddMcpServer().WithDaprPubSubTransport()");
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<DaprPubSubServerOptions>>().Value;
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

        List<IEndpointConventionBuilder> mapped = [builder];
        foreach (var contributor in endpoints.ServiceProvider.GetServices<IMcpDaprEndpointContributor>())
        {
            if (contributor.Map(endpoints) is { } contributed)
            {
                mapped.Add(contributed);
            }
        }

        return new McpDaprEndpointConventionBuilder(mapped);
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
    /// <exception cref="InvalidOperationException"><c>WithDaprPubSubTransport()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMcpDeadLetters(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var endpoint = Required<DeadLetterEndpoint>(endpoints, nameof(MapMcpDeadLetters), "builder.Services.AddMcpServer().WithDaprPubSubTransport()");
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<DaprPubSubServerOptions>>().Value;
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
    /// <exception cref="InvalidOperationException"><c>AddMcpPubSubClient()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMcpPubSubReplies(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var endpoint = Required<PubSubReplyEndpoint>(endpoints, nameof(MapMcpPubSubReplies), "builder.Services.AddMcpPubSubClient()");
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<DaprPubSubClientOptions>>().Value;
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
    /// <exception cref="InvalidOperationException"><c>AddMcpWebhookReplies()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMcpWebhookReplies(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var endpoint = Required<WebhookReplyEndpoint>(endpoints, nameof(MapMcpWebhookReplies), "builder.Services.AddMcpWebhookReplies()");
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<DaprWebhookReceiverOptions>>().Value;
        return endpoints.MapPost(options.Route, (RequestDelegate)endpoint.HandleAsync);
    }

    /// <summary>
    /// Maps the endpoint where the server's task completion webhooks arrive (<c>POST</c>): each is verified as a webhook
    /// reply is, then handed to <see cref="AsyncMcp.Dapr.Client.Tasks.McpTaskWebhooks"/>. Ask for them when creating a task, naming a
    /// reply binding whose URL leads to this route.
    /// </summary>
    /// <param name="endpoints">The app's endpoint builder.</param>
    /// <param name="route">The HTTP route. Default: <c>/mcp/webhooks/tasks</c>.</param>
    /// <returns>The endpoint's convention builder.</returns>
    /// <exception cref="InvalidOperationException"><c>AddMcpWebhookReplies()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMcpTaskWebhooks(this IEndpointRouteBuilder endpoints, string route = "/mcp/webhooks/tasks")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(route);
        var endpoint = Required<AsyncMcp.Dapr.Client.Tasks.TaskWebhookEndpoint>(endpoints, nameof(MapMcpTaskWebhooks), "builder.Services.AddMcpWebhookReplies()");
        return endpoints.MapPost(route, (RequestDelegate)endpoint.HandleAsync);
    }

    private static T Required<T>(IEndpointRouteBuilder endpoints, string map, string registration)
        where T : class =>
        endpoints.ServiceProvider.GetService<T>() ?? throw new InvalidOperationException(
            $"Unable to find the services that {map}() needs. Call {registration} in the application's service configuration before app.{map}().");
}
