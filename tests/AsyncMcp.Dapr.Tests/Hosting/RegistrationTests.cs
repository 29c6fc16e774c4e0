using AsyncMcp.Dapr.Actors.Hosting;
using AsyncMcp.Dapr.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Tests.Hosting;

public sealed class RegistrationTests
{
    [Fact]
    public async Task MapMcpPubSub_without_the_transport_names_the_missing_registration()
    {
        await using var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapMcpPubSub());

        Assert.Contains("WithDaprPubSubTransport()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapMcpPubSubReplies_without_the_client_names_the_missing_registration()
    {
        await using var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapMcpPubSubReplies());

        Assert.Contains("AddMcpPubSubClient()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapMcpActorSessions_without_actor_sessions_names_the_missing_registration()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddMcpServer().WithDaprPubSubTransport(o => o.AppId = "server");
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapMcpActorSessions());

        Assert.Contains("WithActorSessions()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapMcpWebhookReplies_without_the_receiver_names_the_missing_registration()
    {
        await using var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapMcpWebhookReplies());

        Assert.Contains("AddMcpWebhookReplies()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AppId_defaults_to_APP_ID_from_configuration_and_the_app_may_override_it()
    {
        var fromConfiguration = Resolve<DaprPubSubServerOptions>(
            services => services.AddMcpServer().WithDaprPubSubTransport(), new() { ["APP_ID"] = "configured-app" });
        var overridden = Resolve<DaprPubSubClientOptions>(
            services => services.AddMcpPubSubClient(o => o.AppId = "explicit-app"), new() { ["APP_ID"] = "configured-app" });

        Assert.Equal("configured-app", fromConfiguration.AppId);
        Assert.Equal("explicit-app", overridden.AppId);
    }

    [Fact]
    public void A_section_overload_binds_the_options_and_its_configure_runs_after()
    {
        var options = Resolve<DaprPubSubServerOptions>(
            services => services.AddMcpServer().WithDaprPubSubTransport(McpDaprConfiguration.PubSubSection, o => o.MaxSessions = 7),
            new() { ["APP_ID"] = "server", ["Mcp:PubSub:Topic"] = "orders-mcp", ["Mcp:PubSub:MaxSessions"] = "3" });

        Assert.Equal("orders-mcp", options.Topic);
        Assert.Equal(7, options.MaxSessions);
    }

    [Fact]
    public void Actor_session_options_are_checked_by_a_validator_that_names_each_bad_value()
    {
        var result = new ActorSessionOptionsValidator().Validate(null, new ActorSessionOptions
        {
            DeduplicationWindow = 0,
            ReplayTimeout = TimeSpan.Zero,
            StateStoreName = " ",
        });

        Assert.True(result.Failed);
        Assert.Contains("DeduplicationWindow", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("ReplayTimeout", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("StateStoreName", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new ActorSessionOptionsValidator().Validate(null, new ActorSessionOptions()).Succeeded);
    }

    private static T Resolve<T>(Action<IServiceCollection> register, Dictionary<string, string?> settings)
        where T : class
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        register(services);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<T>>().Value;
    }
}
