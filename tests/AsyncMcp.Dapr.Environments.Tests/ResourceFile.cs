using YamlDotNet.RepresentationModel;

namespace AsyncMcp.Dapr.Environments.Tests;

/// <summary>One YAML document of a Dapr resources folder.</summary>
internal sealed record ResourceFile(string Path, YamlMappingNode Root)
{
    public string? Kind => Scalar(Root, "kind");

    public string? Name => Scalar(Mapping(Root, "metadata"), "name");

    public YamlMappingNode? Spec => Mapping(Root, "spec");

    public IReadOnlyList<string> Scopes =>
        Root.Children.TryGetValue(new YamlScalarNode("scopes"), out var node) && node is YamlSequenceNode list
            ? list.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty).ToList()
            : [];

    /// <summary>spec.metadata of a Component: name, and value or secretKeyRef.</summary>
    public IReadOnlyList<(string Name, string? Value, bool IsSecretRef)> Metadata =>
        Spec is not null && Spec.Children.TryGetValue(new YamlScalarNode("metadata"), out var node) && node is YamlSequenceNode list
            ? list.OfType<YamlMappingNode>()
                .Select(item => (Scalar(item, "name") ?? string.Empty, Scalar(item, "value"), Mapping(item, "secretKeyRef") is not null))
                .ToList()
            : [];

    /// <summary>Every document of every YAML file under <paramref name="folder"/> (subfolders included).</summary>
    public static IEnumerable<ResourceFile> LoadAll(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(file))
            {
                stream.Load(reader);
            }

            foreach (var document in stream.Documents)
            {
                yield return new ResourceFile(file, (YamlMappingNode)document.RootNode);
            }
        }
    }

    public static YamlMappingNode? Mapping(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child as YamlMappingNode : null;

    public static string? Scalar(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlScalarNode scalar ? scalar.Value : null;

    public override string ToString() => $"{System.IO.Path.GetRelativePath(Repository.Root, Path)} ({Kind} '{Name}')";
}
