using System.Net;
using System.Net.Sockets;
using AsyncMcp.Dapr.Emulator.RunFiles;

namespace AsyncMcp.Dapr.Emulator.Cli.Tests;

/// <summary>
/// What an app gets from the run, with small real processes (sh, node) instead of the sample apps: the Dapr CLI's
/// environment (dapr/cli pkg/standalone/run.go, getEnv), its output prefixed by app-id (dapr/cli cmd/run.go,
/// startAppProcess), and a sidecar that waits for the app as daprd does (dapr/dapr pkg/runtime/runtime.go,
/// blockUntilAppIsReady; pkg/apphealth for appHealthCheckPath).
/// </summary>
public sealed class AppProcessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("runfile-app-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task An_app_gets_the_environment_dapr_run_gives_and_its_output_is_prefixed_by_app_id()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "The test app is a POSIX shell command.");
        var ct = TestContext.Current.CancellationToken;
        var runFile = Write("""
            version: 1
            common:
              resourcesPaths: [./res]
              env:
                FROM_COMMON: c
            apps:
            - appID: printer
              appDirPath: ./app
              daprHTTPPort: {HTTP}
              appLogDestination: fileAndConsole
              command: ["sh", "-c", "env | grep -E '^(APP_|DAPR_|FROM_)' | sort; pwd"]
              env:
                FROM_APP: a
            """.Replace("{HTTP}", FreePort().ToString(), StringComparison.Ordinal));
        var output = new RecordedOutput();

        await using var run = await MultiAppRun.StartAsync(runFile, new MultiAppRunOptions { Output = output }, ct);
        var printer = run.Replica("printer");
        await printer.Exited.WaitAsync(ct);

        var sidecar = run.Emulator;
        var lines = output.Lines.Where(l => l.StartsWith("== APP - printer == ", StringComparison.Ordinal)).Select(l => l["== APP - printer == ".Length..]).ToList();
        Assert.Contains("APP_ID=printer", lines);
        Assert.Contains("APP_PROTOCOL=http", lines);
        Assert.Contains($"DAPR_HTTP_PORT={runFile.Apps[0].DaprHttpPort}", lines);
        Assert.Contains(lines, l => l.StartsWith("DAPR_GRPC_PORT=", StringComparison.Ordinal) && l != "DAPR_GRPC_PORT=0");
        Assert.Contains("FROM_COMMON=c", lines);
        Assert.Contains("FROM_APP=a", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("APP_PORT=", StringComparison.Ordinal));
        Assert.Contains(Path.Combine(_folder, "app"), lines);
        Assert.Equal(0, printer.ExitCode);

        // fileAndConsole: the same prefixed lines in {appDirPath}/.dapr/logs/printer_app_{timestamp}.log.
        var log = Assert.Single(Directory.GetFiles(Path.Combine(_folder, "app", ".dapr", "logs"), "printer_app_*.log"));
        Assert.Contains("== APP - printer == APP_ID=printer", await File.ReadAllTextAsync(log, ct), StringComparison.Ordinal);

        // The app ended, so its sidecar went with it.
        Assert.Null(printer.Sidecar);
    }

    [Fact]
    public async Task The_sidecar_attaches_only_once_the_app_listens_and_its_health_path_answers()
    {
        Assert.SkipUnless(Node.Available, "node is not on PATH: the test app is a small node server.");
        var ct = TestContext.Current.CancellationToken;
        var port = FreePort();

        // Listens after 300 ms; /healthz fails twice, then answers 200; /dapr/subscribe has one subscription.
        var script = Path.Combine(_folder, "app", "app.js");
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        await File.WriteAllTextAsync(script, """
            const http = require('http');
            let probes = 0;
            setTimeout(() => http.createServer((req, res) => {
              if (req.url === '/healthz') { probes++; console.log('probe ' + probes); res.statusCode = probes > 2 ? 200 : 503; return res.end(); }
              if (req.url === '/dapr/subscribe') { console.log('subscriptions read after probe ' + probes); res.setHeader('content-type', 'application/json'); return res.end('[{"pubsubname":"pubsub","topic":"t","route":"/t"}]'); }
              if (req.url === '/dapr/config') { res.statusCode = 404; return res.end(); }
              res.statusCode = 200; res.end();
            }).listen(Number(process.env.APP_PORT), '127.0.0.1', () => console.log('listening')), 300);
            """, ct);
        var runFile = Write($$"""
            version: 1
            apps:
            - appID: slow
              appDirPath: ./app
              resourcesPaths: [../res]
              appPort: {{port}}
              enableAppHealthCheck: true
              appHealthProbeInterval: 1
              command: ["node", "app.js"]
            """);
        await File.WriteAllTextAsync(Path.Combine(_folder, "res", "pubsub.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pubsub
            spec:
              type: pubsub.in-memory
              version: v1
            """, ct);
        var output = new RecordedOutput();

        await using var run = await MultiAppRun.StartAsync(runFile, new MultiAppRunOptions { Output = output }, ct);

        var app = output.Lines.Where(l => l.StartsWith("== APP - slow == ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["listening", "probe 1", "probe 2", "probe 3", "subscriptions read after probe 3"],
            app.Select(l => l["== APP - slow == ".Length..]).Where(l => l is "listening" || l.StartsWith("probe", StringComparison.Ordinal) || l.StartsWith("subscriptions", StringComparison.Ordinal)));

        // Attached: daprd's /v1.0/healthz answers 204 now (it answered 500 ERR_HEALTH_NOT_READY while waiting).
        using var http = new HttpClient();
        var sidecar = run.Replica("slow").Sidecar!;
        Assert.Equal(HttpStatusCode.NoContent, (await http.GetAsync(new Uri(sidecar.HttpEndpoint, "/v1.0/healthz"), ct)).StatusCode);
        Assert.Equal(port.ToString(), run.Replica("slow").Environment["APP_PORT"]);
    }

    [Fact]
    public async Task An_app_that_exits_before_it_listens_fails_the_start_with_its_exit_code()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "The test app is a POSIX shell command.");
        // A port free a moment ago may be taken by another listener of the test run (another app, a sidecar) before the
        // readiness check dials it, which would then find the app "ready": the port stays bound, not listening, so that
        // every dial is refused and nobody else can take it.
        using var appPort = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        appPort.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var runFile = Write($"""
            version: 1
            common:
              resourcesPaths: [./res]
            apps:
            - appID: broken
              appDirPath: ./app
              appPort: {((IPEndPoint)appPort.LocalEndPoint!).Port}
              command: ["sh", "-c", "echo cannot start; exit 3"]
            """);
        var output = new RecordedOutput();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => MultiAppRun.StartAsync(runFile, new MultiAppRunOptions { Output = output }, TestContext.Current.CancellationToken));

        Assert.Contains("App 'broken' exited with code 3 before it was ready", error.Message, StringComparison.Ordinal);
        Assert.Contains("== APP - broken == cannot start", output.Lines);
    }

    [Fact]
    public async Task Lines_of_apps_that_print_at_the_same_time_never_mix_even_through_a_writer_that_is_not_synchronized()
    {
        // The Dapr CLI writes each app's output line by line (dapr/cli cmd/run.go, startAppProcess); the run's writer is
        // shared by every app and written from each process's output threads. RecordedOutput, like most writers, is not
        // safe for whole lines from two threads, so this fails if a replica writes to it unsynchronized.
        Assert.SkipWhen(OperatingSystem.IsWindows(), "The test apps are POSIX shell commands.");
        const int LinesPerStream = 5000;
        var runFile = Write("""
            version: 1
            common:
              resourcesPaths: [./res]
            apps:
            - appID: first
              appDirPath: ./app
              command: ["sh", "print.sh"]
            - appID: second
              appDirPath: ./app
              command: ["sh", "print.sh"]
            """);
        await File.WriteAllTextAsync(Path.Combine(_folder, "app", "print.sh"), $$"""
            sleep 0.5
            i=0
            while [ $i -lt {{LinesPerStream}} ]; do
              echo "out-$i-abcdefghijklmnopqrstuvwxyz"
              echo "err-$i-abcdefghijklmnopqrstuvwxyz" >&2
              i=$((i+1))
            done
            """, TestContext.Current.CancellationToken);
        var output = new RecordedOutput();

        await using var run = await MultiAppRun.StartAsync(runFile, new MultiAppRunOptions { Output = output }, TestContext.Current.CancellationToken);
        await Task.WhenAll(run.Replica("first").Exited, run.Replica("second").Exited).WaitAsync(TestContext.Current.CancellationToken);

        foreach (var app in new[] { "first", "second" })
        {
            var lines = output.Lines.Where(l => l.StartsWith($"== APP - {app} == ", StringComparison.Ordinal)).Select(l => l[$"== APP - {app} == ".Length..]).ToList();
            var printed = lines.Where(l => l.StartsWith("out-", StringComparison.Ordinal) || l.StartsWith("err-", StringComparison.Ordinal)).ToList();
            Assert.All(printed, l => Assert.Matches("^(out|err)-[0-9]+-abcdefghijklmnopqrstuvwxyz$", l));
            Assert.Equal(2 * LinesPerStream, printed.Count);
        }
    }

    private RunFile Write(string yaml)
    {
        Directory.CreateDirectory(Path.Combine(_folder, "app"));
        Directory.CreateDirectory(Path.Combine(_folder, "res"));
        var path = Path.Combine(_folder, "dapr.yaml");
        File.WriteAllText(path, yaml);
        return RunFile.Load(path);
    }

    internal static int FreePort() => Emulator.RunFiles.FreePorts.Next();
}
