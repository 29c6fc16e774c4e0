using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>A request the test app received.</summary>
public sealed record ReceivedRequest(string Path, string Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A tiny subscriber app: a Kestrel WebApplication on 127.0.0.1:0 answering GET /dapr/subscribe with a fixed JSON
/// and every POST with <see cref="Handler"/> (default: 200 with no body).
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>Every request of any method, with its headers (body not read).</summary>
    public ConcurrentQueue<ReceivedRequest> Calls { get; } = new();

    public Func<ReceivedRequest, HttpResponse, Task> Handler { get; set; } = (_, r) => { r.StatusCode = 200; return Task.CompletedTask; };

    public static async Task<TestApp> StartAsync(string subscribeJson)
    {
        var builder = LoopbackApp.CreateBuilder();
        var app = builder.Build();
        TestApp? self = null;
        app.Use((context, next) =>
        {
            self?.Calls.Enqueue(new ReceivedRequest($"{context.Request.Method} {context.Request.Path}", string.Empty,
                context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));
            return next(context);
        });
        app.MapGet("/dapr/subscribe", () => Results.Text(subscribeJson, "application/json"));
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            var request = new ReceivedRequest(context.Request.Path, body, headers);
            self!.Received.Enqueue(request);
            await self.Handler(request, context.Response);
        });
        self = new TestApp(app, await LoopbackApp.StartAsync(app));
        return self;
    }

    public static Task Json(HttpResponse response, string json, int status = 200)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        return response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
