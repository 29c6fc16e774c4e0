using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AsyncMcp.Dapr.Emulator.RunFiles;

/// <summary>
/// Reads the YAML of a run file with the keys, defaults, merge and path rules of dapr/cli
/// (<c>pkg/runfileconfig/run_file_config.go</c>, <c>run_file_config_parser.go</c>, <c>pkg/standalone/run.go</c>).
/// </summary>
internal static class RunFileParser
{
    private static readonly HashSet<string> TopKeys = ["version", "name", "common", "apps"];

    // SharedRunConfig: allowed in common and in each app. Value: null when the emulator acts on the key, else why not.
    private static readonly Dictionary<string, string?> SharedKeys = new(StringComparer.Ordinal)
    {
        ["appProtocol"] = null,
        ["resourcesPath"] = null,
        ["resourcesPaths"] = null,
        ["enableAppHealthCheck"] = null,
        ["appHealthCheckPath"] = null,
        ["appHealthProbeInterval"] = null,
        ["appHealthProbeTimeout"] = null,
        ["appHealthThreshold"] = null,
        ["env"] = null,
        ["daprdLogDestination"] = null,
        ["appLogDestination"] = null,
        ["configFilePath"] = "Dapr Configuration files are not read by the emulator",
        ["apiListenAddresses"] = "the emulated sidecars listen on 127.0.0.1",
        ["enableProfiling"] = "the emulated sidecars have no profiler",
        ["logLevel"] = "the emulator logs warnings and errors",
        ["appMaxConcurrency"] = "the emulator's delivery concurrency is its own option",
        ["placementHostAddress"] = "the emulator places actors itself",
        ["schedulerHostAddress"] = "the emulator keeps reminders itself",
        ["appSSL"] = "the emulator calls apps over plain HTTP",
        ["maxBodySize"] = "the emulator does not limit request bodies",
        ["readBufferSize"] = "the emulator does not limit header sizes",
        ["enableApiLogging"] = "the emulator does not log API calls",
        ["runtimePath"] = "no daprd binary is used",
    };

    // RunConfig and App: allowed in apps only.
    private static readonly Dictionary<string, string?> AppKeys = new(StringComparer.Ordinal)
    {
        ["appID"] = null,
        ["appDirPath"] = null,
        ["appPort"] = null,
        ["appChannelAddress"] = null,
        ["command"] = null,
        ["daprHTTPPort"] = null,
        ["daprGRPCPort"] = null,
        ["profilePort"] = "the emulated sidecars have no profiler",
        ["metricsPort"] = "the emulated sidecars serve no metrics",
        ["unixDomainSocket"] = "the emulated sidecars listen on TCP only",
        ["daprInternalGRPCPort"] = "the emulated sidecars share one process and need no internal port",
        ["containerImage"] = "apps run as processes, not containers",
        ["containerImagePullPolicy"] = "apps run as processes, not containers",
        ["createService"] = "apps run as processes, not containers",
    };

    public static RunFile Parse(string file, string yaml)
    {
        var baseDir = Path.GetDirectoryName(file)!;
        var warnings = new List<string>();
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode mapping
                ? mapping
                : throw new RunFileException($"{file}: expected one YAML document holding a mapping (version, common, apps)");
        }
        catch (YamlException e)
        {
            throw new RunFileException($"{file}: error in parsing the run file: {e.Message}", e);
        }

        var context = new Context(file, warnings);
        context.CheckKeys(root, "", TopKeys.ToDictionary(k => k, _ => (string?)null));
        var version = context.Int(root, "version") ?? 0;
        if (version == 0)
        {
            throw new RunFileException($"{file}: required field 'version' not found in the provided run template file");
        }

        var common = context.Map(root, "common") ?? new YamlMappingNode();
        context.CheckKeys(common, "common.", SharedKeys, AppKeys);
        var commonResources = context.Paths(common, baseDir);
        var appsNode = root.Children.TryGetValue(new YamlScalarNode("apps"), out var node) ? node as YamlSequenceNode : null;
        if (appsNode is null || appsNode.Children.Count == 0)
        {
            throw new RunFileException($"{file}: no apps: the run file needs an 'apps' list");
        }

        var apps = new List<RunFileApp>();
        foreach (var (entry, index) in appsNode.Children.Select((n, i) => (n, i)))
        {
            if (entry is not YamlMappingNode app)
            {
                throw new RunFileException($"{file}: apps[{index}] (line {entry.Start.Line}) is not a mapping");
            }

            apps.Add(context.App(app, index, common, commonResources, baseDir));
        }

        var duplicate = apps.GroupBy(a => a.AppId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new RunFileException($"{file}: app id '{duplicate.Key}' is used by more than one app");
        }

        return new RunFile(file, version, context.String(root, "name"), apps, warnings);
    }

    private sealed class Context(string file, List<string> warnings)
    {
        public void CheckKeys(YamlMappingNode map, string prefix, Dictionary<string, string?> allowed, Dictionary<string, string?>? appOnly = null)
        {
            foreach (var (key, _) in map.Children)
            {
                var name = ((YamlScalarNode)key).Value ?? string.Empty;
                if (allowed.TryGetValue(name, out var why))
                {
                    if (why is not null)
                    {
                        warnings.Add($"{file}:{key.Start.Line}: {prefix}{name} is not emulated ({why}); it is ignored");
                    }
                }
                else if (appOnly is not null && appOnly.ContainsKey(name))
                {
                    warnings.Add($"{file}:{key.Start.Line}: {prefix}{name} belongs to an app, not to common; the Dapr CLI ignores it here");
                }
                else
                {
                    var near = allowed.Keys.Concat(appOnly?.Keys ?? Enumerable.Empty<string>()).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                    warnings.Add($"{file}:{key.Start.Line}: unknown key {prefix}{name}" + (near is null ? string.Empty : $" (did you mean {near}? keys are case-sensitive)") + "; the Dapr CLI ignores it");
                }
            }
        }

        public RunFileApp App(YamlMappingNode app, int index, YamlMappingNode common, IReadOnlyList<string>? commonResources, string baseDir)
        {
            var allowed = SharedKeys.Concat(AppKeys).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            CheckKeys(app, $"apps[{index}].", allowed);
            var dir = String(app, "appDirPath") ?? throw new RunFileException($"{file}: apps[{index}]: required field 'appDirPath' not found in the provided app config file");
            dir = Absolute(baseDir, dir);
            if (!Directory.Exists(dir))
            {
                throw new RunFileException($"{file}: apps[{index}]: appDirPath {dir} does not exist");
            }

            var appId = String(app, "appID") ?? new DirectoryInfo(dir).Name;
            var protocol = (Shared(app, common, "appProtocol") ?? "http").ToLowerInvariant();
            if (protocol != "http")
            {
                throw new RunFileException($"{file}: app '{appId}': appProtocol {protocol} is not emulated (the emulated sidecars call apps over HTTP only)");
            }

            var env = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var source in new[] { Map(common, "env"), Map(app, "env") })
            {
                foreach (var (key, value) in source?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
                {
                    env[((YamlScalarNode)key).Value!] = (value as YamlScalarNode)?.Value ?? string.Empty;
                }
            }

            // The CLI's precedence: app resourcesPaths, then {appDirPath}/.dapr/resources, then common, then ~/.dapr/components.
            IReadOnlyList<string>? resources = Paths(app, dir);
            if (resources is null)
            {
                var local = Path.Combine(dir, ".dapr", "resources");
                var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dapr", "components");
                resources = Directory.Exists(local) ? [local] : commonResources ?? (Directory.Exists(home) ? [home] : null);
            }

            return new RunFileApp
            {
                AppId = appId,
                AppDirPath = dir,
                AppPort = Int(app, "appPort") is > 0 and var port ? port : 0,
                AppChannelAddress = String(app, "appChannelAddress") ?? "127.0.0.1",
                AppProtocol = protocol,
                Command = Strings(app, "command") ?? [],
                Env = env,
                ResourcesPaths = resources ?? throw new RunFileException($"{file}: app '{appId}': no resources folder (resourcesPaths, {dir}/.dapr/resources or ~/.dapr/components)"),
                DaprHttpPort = Int(app, "daprHTTPPort") is > 0 and var http ? http : 0,
                DaprGrpcPort = Int(app, "daprGRPCPort") is > 0 and var grpc ? grpc : 0,
                EnableAppHealthCheck = Bool(app, "enableAppHealthCheck") ?? Bool(common, "enableAppHealthCheck") ?? false,
                AppHealthCheckPath = Shared(app, common, "appHealthCheckPath") is { Length: > 0 } path ? path : "/healthz",
                AppHealthProbeInterval = TimeSpan.FromSeconds(SharedInt(app, common, "appHealthProbeInterval") ?? 5),
                AppHealthProbeTimeout = TimeSpan.FromMilliseconds(SharedInt(app, common, "appHealthProbeTimeout") ?? 500),
                AppHealthThreshold = SharedInt(app, common, "appHealthThreshold") ?? 3,
                AppLogDestination = Destination(Shared(app, common, "appLogDestination"), LogDestination.FileAndConsole),
                DaprdLogDestination = Destination(Shared(app, common, "daprdLogDestination"), LogDestination.File),
            };
        }

        public List<string>? Paths(YamlMappingNode map, string baseDir)
        {
            var paths = Strings(map, "resourcesPaths") ?? [];
            if (String(map, "resourcesPath") is { Length: > 0 } single)
            {
                paths.Add(single);
            }

            var resolved = paths.Select(p => Absolute(baseDir, p)).ToList();
            foreach (var path in resolved.Where(p => !Directory.Exists(p)))
            {
                throw new RunFileException($"{file}: resources path {path} does not exist");
            }

            return resolved.Count == 0 ? null : resolved;
        }

        public YamlMappingNode? Map(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode
                ?? (IsNull(value) ? null : throw Bad(value, key, "a mapping")) : null;

        public string? String(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var value)
                ? value is YamlScalarNode scalar ? (IsNull(scalar) ? null : scalar.Value) : throw Bad(value, key, "a string")
                : null;

        public int? Int(YamlMappingNode map, string key) =>
            String(map, key) is { } text
                ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw Bad(map.Children[new YamlScalarNode(key)], key, "a whole number")
                : null;

        public bool? Bool(YamlMappingNode map, string key) =>
            String(map, key) is { } text
                ? bool.TryParse(text, out var value) ? value : throw Bad(map.Children[new YamlScalarNode(key)], key, "true or false")
                : null;

        private List<string>? Strings(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var value)
                ? value is YamlSequenceNode list ? list.Children.Select(n => (n as YamlScalarNode)?.Value ?? throw Bad(n, key, "a list of strings")).ToList() : throw Bad(value, key, "a list")
                : null;

        // The CLI copies a common setting into every app that leaves it at its zero value.
        private string? Shared(YamlMappingNode app, YamlMappingNode common, string key) =>
            String(app, key) is { Length: > 0 } own ? own : String(common, key);

        private int? SharedInt(YamlMappingNode app, YamlMappingNode common, string key) => Int(app, key) is > 0 and var v ? v : Int(common, key) is > 0 and var c ? c : null;

        private LogDestination Destination(string? value, LogDestination fallback) => value switch
        {
            null or "" => fallback,
            "console" => LogDestination.Console,
            "file" => LogDestination.File,
            "fileAndConsole" => LogDestination.FileAndConsole,
            _ => throw new RunFileException($"{file}: invalid log destination \"{value}\": use console, file or fileAndConsole"),
        };

        private static bool IsNull(YamlNode node) => node is YamlScalarNode { Style: not ScalarStyle.SingleQuoted and not ScalarStyle.DoubleQuoted, Value: null or "" or "~" or "null" };

        private RunFileException Bad(YamlNode node, string key, string expected) =>
            new($"{file}:{node.Start.Line}: {key} must be {expected}");

        private static string Absolute(string baseDir, string path)
        {
            if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
            {
                path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~').TrimStart('/'));
            }

            return Path.GetFullPath(Path.Combine(baseDir, path));
        }
    }
}
