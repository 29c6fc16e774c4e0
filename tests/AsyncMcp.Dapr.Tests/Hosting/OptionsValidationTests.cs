using AsyncMcp.Dapr.Hosting;

namespace AsyncMcp.Dapr.Tests.Hosting;

public sealed class OptionsValidationTests
{
    [Fact]
    public void Valid_server_options_pass()
    {
        var result = new DaprPubSubServerOptionsValidator().Validate(null, new DaprPubSubServerOptions { AppId = "server" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Every_bad_server_option_is_named_in_the_failure()
    {
        var result = new DaprPubSubServerOptionsValidator().Validate(null, new DaprPubSubServerOptions
        {
            AppId = null,
            Topic = "has space",
            Route = "no-slash",
            MaxMessageBytes = 10,
            SessionIdleTimeout = TimeSpan.Zero,
            MaxSessions = 0,
        });

        Assert.True(result.Failed);
        Assert.Contains("AppId is not set", result.FailureMessage);
        Assert.Contains("'has space'", result.FailureMessage);
        Assert.Contains("Route must start with '/'", result.FailureMessage);
        Assert.Contains("MaxMessageBytes", result.FailureMessage);
        Assert.Contains("SessionIdleTimeout", result.FailureMessage);
        Assert.Contains("MaxSessions", result.FailureMessage);
    }

    [Fact]
    public void A_client_whose_reply_topic_is_the_server_topic_is_refused()
    {
        var result = new DaprPubSubClientOptionsValidator().Validate(null, new DaprPubSubClientOptions
        {
            AppId = "client",
            ServerTopic = "same",
            ReplyTopic = "same",
        });

        Assert.True(result.Failed);
        Assert.Contains("ReplyTopic must differ", result.FailureMessage);
    }

    [Fact]
    public void The_default_reply_topic_is_derived_from_the_app_id()
    {
        Assert.Equal("mcp-replies-client", new DaprPubSubClientOptions { AppId = "client" }.EffectiveReplyTopic);
    }

    [Fact]
    public void Publish_options_default_to_bulk_publish_within_daprds_limits_and_every_bad_one_is_named()
    {
        var defaults = new McpPublishOptions();
        Assert.True(new McpPublishOptionsValidator().Validate(null, defaults).Succeeded);
        Assert.True(defaults.BulkPublish);

        var result = new McpPublishOptionsValidator().Validate(null, new McpPublishOptions { MaxBulkMessages = 1, MaxBulkBytes = 100, MaxConcurrentPublishes = 0 });

        Assert.True(result.Failed);
        Assert.Contains("Mcp:Publish:MaxBulkMessages must be between 2 and 10000; it is 1.", result.FailureMessage);
        Assert.Contains("Mcp:Publish:MaxBulkBytes must be between 1024", result.FailureMessage);
        Assert.Contains("Mcp:Publish:MaxConcurrentPublishes must be between 1 and 1024; it is 0.", result.FailureMessage);
    }
}
