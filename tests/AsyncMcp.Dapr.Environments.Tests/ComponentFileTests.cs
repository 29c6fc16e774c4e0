using AsyncMcp.Dapr.Emulator;
using YamlDotNet.RepresentationModel;

namespace AsyncMcp.Dapr.Environments.Tests;

/// <summary>The component sets of components/: complete, documented keys only, scoped, no credentials in AWS files.</summary>
public sealed class ComponentFileTests
{
    public static TheoryData<string> Environments => new(Repository.Environments);

    private static List<ResourceFile> Load(string environment) =>
        ResourceFile.LoadAll(Repository.PathOf($"components/{environment}")).ToList();

    [Fact]
    public void Components_folder_has_exactly_the_documented_environments()
    {
        var folders = Directory.GetDirectories(Repository.PathOf("components")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(Repository.Environments.Order(StringComparer.Ordinal), folders);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Every_document_is_a_Dapr_resource_with_a_name(string environment)
    {
        var documents = Load(environment);
        Assert.NotEmpty(documents);
        foreach (var document in documents)
        {
            Assert.True(document.Kind is "Component" or "Subscription" or "Resiliency", $"{document}: unexpected kind");
            Assert.False(string.IsNullOrEmpty(document.Name), $"{document}: no metadata.name");
            var apiVersion = ResourceFile.Scalar(document.Root, "apiVersion");
            Assert.Equal(document.Kind == "Subscription" ? "dapr.io/v2alpha1" : "dapr.io/v1alpha1", apiVersion);
        }
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Every_component_uses_only_metadata_keys_Dapr_documents_for_its_type(string environment)
    {
        foreach (var component in Load(environment).Where(d => d.Kind == "Component"))
        {
            var type = ResourceFile.Scalar(component.Spec, "type");
            Assert.True(type is not null && DocumentedMetadata.Keys.ContainsKey(type), $"{component}: type '{type}' has no checked key list");
            Assert.Equal("v1", ResourceFile.Scalar(component.Spec, "version"));
            foreach (var (name, value, isSecretRef) in component.Metadata)
            {
                Assert.True(DocumentedMetadata.Keys[type!].Contains(name), $"{component}: '{name}' is not a documented key of {type}");
                Assert.True(value is not null || isSecretRef, $"{component}: '{name}' has neither value nor secretKeyRef");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Each_set_is_complete_for_the_apps(string environment)
    {
        var components = Load(environment).Where(d => d.Kind == "Component" && !d.Path.Contains("/subscriptions/", StringComparison.Ordinal)).ToList();
        string TypeOf(ResourceFile c) => ResourceFile.Scalar(c.Spec, "type")!;

        var pubsubs = components.Where(c => c.Name == "pubsub").ToList();
        Assert.NotEmpty(pubsubs);
        Assert.All(pubsubs, c => Assert.StartsWith("pubsub.", TypeOf(c), StringComparison.Ordinal));
        foreach (var app in Repository.AppIds)
        {
            Assert.True(pubsubs.Count(c => c.Scopes.Contains(app)) == 1, $"{environment}: app '{app}' must see exactly one 'pubsub'");
        }

        var state = Assert.Single(components, c => TypeOf(c).StartsWith("state.", StringComparison.Ordinal));
        Assert.Contains(state.Metadata, m => m.Name == "actorStateStore" && m.Value == "true");
        Assert.Contains("server", state.Scopes);

        Assert.Contains(components, c => c.Name == "webhook-client" && TypeOf(c) == "bindings.http");
        Assert.Contains(components, c => c.Name == "secretstore" && TypeOf(c).StartsWith("secretstores.", StringComparison.Ordinal));
        Assert.Single(Load(environment), d => d.Kind == "Resiliency");
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Every_resource_is_scoped_to_known_apps(string environment)
    {
        foreach (var document in Load(environment))
        {
            Assert.NotEmpty(document.Scopes);
            Assert.All(document.Scopes, app => Assert.Contains(app, Repository.AppIds));
        }
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Subscriptions_use_documented_keys_and_match_the_apps_routes(string environment)
    {
        var subscriptions = Load(environment).Where(d => d.Kind == "Subscription").ToList();
        Assert.NotEmpty(subscriptions);
        foreach (var subscription in subscriptions)
        {
            Assert.Contains("/subscriptions/", subscription.Path, StringComparison.Ordinal);
            foreach (var key in subscription.Spec!.Children.Keys.OfType<YamlScalarNode>())
            {
                Assert.True(DocumentedMetadata.SubscriptionSpec.Contains(key.Value!), $"{subscription}: '{key.Value}' is not a Subscription spec key");
            }

            Assert.Equal("pubsub", ResourceFile.Scalar(subscription.Spec, "pubsubname"));
        }

        // The routes and topics the apps announce programmatically by default (DaprPubSub*Options).
        var requests = Assert.Single(subscriptions, s => ResourceFile.Scalar(s.Spec, "topic") == "mcp-requests");
        Assert.Equal("/mcp/pubsub/requests", ResourceFile.Scalar(ResourceFile.Mapping(requests.Spec, "routes"), "default"));
        Assert.Equal("mcp-deadletters", ResourceFile.Scalar(requests.Spec, "deadLetterTopic"));
        Assert.Equal(["server"], requests.Scopes);
        var deadLetters = Assert.Single(subscriptions, s => ResourceFile.Scalar(s.Spec, "topic") == "mcp-deadletters");
        Assert.Equal("/mcp/pubsub/deadletters", ResourceFile.Scalar(ResourceFile.Mapping(deadLetters.Spec, "routes"), "default"));
        Assert.Equal("true", ResourceFile.Scalar(ResourceFile.Mapping(deadLetters.Spec, "metadata"), "rawPayload"));
        Assert.Equal(["server"], deadLetters.Scopes);
        var replies = Assert.Single(subscriptions, s => ResourceFile.Scalar(s.Spec, "topic") == "mcp-replies-client");
        Assert.Equal("/mcp/pubsub/replies", ResourceFile.Scalar(ResourceFile.Mapping(replies.Spec, "routes"), "default"));
        Assert.Equal(["client"], replies.Scopes);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Resiliency_targets_existing_components_with_defined_policies(string environment)
    {
        var documents = Load(environment);
        var resiliency = Assert.Single(documents, d => d.Kind == "Resiliency");
        var policies = ResourceFile.Mapping(resiliency.Spec, "policies")!;
        var retries = ResourceFile.Mapping(policies, "retries")!;
        var breakers = ResourceFile.Mapping(policies, "circuitBreakers")!;
        var timeouts = ResourceFile.Mapping(policies, "timeouts")!;
        Assert.All(retries.Children.Values.OfType<YamlMappingNode>(), retry =>
            Assert.All(retry.Children.Keys.OfType<YamlScalarNode>(), key => Assert.Contains(key.Value!, DocumentedMetadata.RetryPolicy)));
        Assert.All(breakers.Children.Values.OfType<YamlMappingNode>(), breaker =>
            Assert.All(breaker.Children.Keys.OfType<YamlScalarNode>(), key => Assert.Contains(key.Value!, DocumentedMetadata.CircuitBreakerPolicy)));

        var componentNames = documents.Where(d => d.Kind == "Component").Select(d => d.Name).ToHashSet();
        var targets = ResourceFile.Mapping(ResourceFile.Mapping(resiliency.Spec, "targets"), "components")!;
        foreach (var (name, target) in targets.Children)
        {
            Assert.Contains(((YamlScalarNode)name).Value, componentNames);
            foreach (var direction in ((YamlMappingNode)target).Children.Values.OfType<YamlMappingNode>())
            {
                foreach (var (kind, policy) in direction.Children)
                {
                    var table = ((YamlScalarNode)kind).Value switch { "retry" => retries, "circuitBreaker" => breakers, _ => timeouts };
                    Assert.True(table.Children.ContainsKey(policy), $"{resiliency}: policy '{policy}' is not defined");
                }
            }
        }
    }

    [Theory]
    [InlineData("aws")]
    public void Aws_set_holds_no_credentials(string environment)
    {
        foreach (var component in Load(environment).Where(d => d.Kind == "Component"))
        {
            foreach (var (name, value, _) in component.Metadata)
            {
                Assert.False(name is "accessKey" or "secretKey" or "sessionToken" && value is not null,
                    $"{component}: '{name}' has a value in the file; use secretKeyRef or the default AWS credential chain");
                Assert.NotEqual("endpoint", name);
            }
        }
    }

    [Fact]
    public void Aws_emulator_endpoints_name_the_localstack_service_of_docker_compose()
    {
        var endpoints = Load("aws-emulator").SelectMany(d => d.Metadata).Where(m => m.Name == "endpoint").Select(m => m.Value).ToList();
        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, endpoint => Assert.Equal("http://localstack:4566", endpoint));
        Assert.Contains("localstack:", File.ReadAllText(Repository.PathOf("docker-compose.yml")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_loads_the_real_local_set()
    {
        await using var emulator = DaprEmulator.FromResources(Repository.PathOf("components/local"));
        await using var sidecar = await emulator.StartSidecarAsync("server", TestContext.Current.CancellationToken);
        using var http = new HttpClient();
        var metadata = await http.GetStringAsync(new Uri(sidecar.HttpEndpoint, "/v1.0/metadata"), TestContext.Current.CancellationToken);
        Assert.Contains("\"pubsub\"", metadata, StringComparison.Ordinal);
        Assert.Contains("statestore", metadata, StringComparison.Ordinal);
    }
}
