using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AsyncMcp.Dapr.Tests.Common;

/// <summary>One webhook delivery as it passed the gate, and the status the gate answered.</summary>
internal sealed record GatedDelivery(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, int Status);

/// <summary>
/// A stand-in for the network between the server's sidecar and the client's webhook receiver: the reply binding's
/// URL points here, and the gate forwards each delivery to the client app, or answers with a failure instead (a
/// receiver that is down), and records what passed.
/// </summary>
internal sealed class WebhookGate : IAsyncDisposable
{
    private static readonly string[] ForwardedHeaders = ["content-type", "webhook-id", "webhook-timestamp", "webhook-signature"];
    private readonly WebApplication _app;
    private readonly HttpClient _http = new();

    private WebhookGate(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Where deliveries go when they pass: the client app's base URL.</summary>
    public Uri? Target { get; set; }

    /// <summary>Deliveries for which this returns true get a 503, as from a receiver that is down.</summary>
    public Func<string, bool> FailWhen { get; set; } = _ => false;

    public ConcurrentQueue<GatedDelivery> Deliveries { get; } = new();

    public static async Task<WebhookGate> StartAsync()
    {
        var builder = LoopbackApp.CreateBuilder();
        var app = builder.Build();
        WebhookGate? self = null;
        app.MapPost("/{**path}", (HttpContext context) => self!.ForwardAsync(context));
        self = new WebhookGate(app, await LoopbackApp.StartAsync(app));
        return self;
    }

    /// <summary>Sends a delivery straight to the receiver, as an attacker with network access could.</summary>
    public async Task<int> SendAsync(string path, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Target!, path)) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in headers)
        {
            if (name == "content-type")
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await _http.SendAsync(request);
        return (int)response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var headers = ForwardedHeaders
            .Where(name => context.Request.Headers.ContainsKey(name))
            .ToDictionary(name => name, name => context.Request.Headers[name].ToString());
        var path = context.Request.Path.Value!.TrimStart('/');
        var status = FailWhen(System.Text.Encoding.UTF8.GetString(body)) ? 503 : await SendAsync(path, headers, body);
        Deliveries.Enqueue(new GatedDelivery(path, headers, body, status));
        context.Response.StatusCode = status;
    }
}
