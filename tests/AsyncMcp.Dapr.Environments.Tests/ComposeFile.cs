using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace AsyncMcp.Dapr.Environments.Tests;

/// <summary>
/// docker-compose.yml as service definitions (image with its ${VAR:-default} resolved to the default, command, user),
/// so the Testcontainers environment runs the same Dapr control plane and sidecars as Compose does.
/// </summary>
internal static partial class ComposeFile
{
    private static readonly Lazy<YamlMappingNode> Services = new(() =>
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Repository.PathOf("docker-compose.yml"));
        stream.Load(reader);
        return ResourceFile.Mapping((YamlMappingNode)stream.Documents.Single().RootNode, "services")!;
    });

    /// <summary>The Dapr runtime version Compose defaults to: the one version of the repository (see <c>DaprVersionTests</c>).</summary>
    public static string DaprVersion => VersionOf(Service("placement").Image, "daprio/placement");

    public static ComposeService Service(string name)
    {
        var service = ResourceFile.Mapping(Services.Value, name) ?? throw new InvalidOperationException($"docker-compose.yml has no service '{name}'.");

        // YamlDotNet resolves the <<: *daprd merge key only when asked; read the anchor's keys by hand.
        var merged = service.Children.TryGetValue(new YamlScalarNode("<<"), out var anchor) ? (YamlMappingNode)anchor : null;
        string? Read(string key) => ResourceFile.Scalar(service, key) ?? (merged is null ? null : ResourceFile.Scalar(merged, key));
        var command = service.Children.TryGetValue(new YamlScalarNode("command"), out var node)
            ? ((YamlSequenceNode)node).OfType<YamlScalarNode>().Select(n => n.Value!).ToList()
            : [];
        var image = Read("image") ?? throw new InvalidOperationException($"Service '{name}' has no image.");
        return new ComposeService(name, Defaulted().Replace(image, m => m.Groups[1].Value), command, Read("user"));
    }

    public static string VersionOf(string image, string repository) =>
        image.StartsWith(repository + ":", StringComparison.Ordinal) ? image[(repository.Length + 1)..] : throw new InvalidOperationException($"{image} is not {repository}.");

    [GeneratedRegex(@"\$\{[A-Z_]+:-([^}]+)\}")]
    private static partial Regex Defaulted();
}

/// <summary>One service of docker-compose.yml.</summary>
internal sealed record ComposeService(string Name, string Image, IReadOnlyList<string> Command, string? User)
{
    /// <summary>The value after a flag of the command, e.g. <c>--placement-host-address</c>.</summary>
    public string Flag(string flag) => Command[Command.ToList().IndexOf(flag) + 1];
}
