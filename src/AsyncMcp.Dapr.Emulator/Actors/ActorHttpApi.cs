using System.Runtime.InteropServices;
using System.Text.Json;
using AsyncMcp.Dapr.Emulator.Api;
using AsyncMcp.Dapr.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>
/// daprd's actor HTTP API (v1.0), as Dapr.Actors 1.19 calls it (DaprHttpInteractor): method invocation, state get and
/// transaction, reminders and timers (dapr/dapr pkg/api/http/http.go, the /v1.0/actors routes).
/// </summary>
internal static class ActorHttpApi
{
    private const string Prefix = "/v1.0/actors/{type}/{id}";

    public static void Map(IEndpointRouteBuilder endpoints, SidecarApi api, Func<DaprSidecar> sidecar)
    {
        var system = api.Emulator.Actors;
        endpoints.MapMethods(Prefix + "/method/{**method}", ["GET", "POST", "PUT", "DELETE", "PATCH"],
            (HttpContext c) => HttpErrors.Handle(c, () => InvokeAsync(c, api, system)));
        endpoints.MapGet(Prefix + "/state/{key}", (HttpContext c) => HttpErrors.Handle(c, () => GetStateAsync(c, system, sidecar())));
        endpoints.MapMethods(Prefix + "/state", ["POST", "PUT"], (HttpContext c) => HttpErrors.Handle(c, () => TransactAsync(c, system, sidecar())));
        MapSchedule(endpoints, api.AppId, "reminders", system.RegisterReminder, system.UnregisterReminder);
        endpoints.MapGet(Prefix + "/reminders/{name}", (HttpContext c) => HttpErrors.Handle(c, () => GetReminderAsync(c, api, system)));
        MapSchedule(endpoints, api.AppId, "timers", system.RegisterTimer, system.UnregisterTimer);
    }

    // Reminders and timers share one shape: PUT/POST registers from the JSON body, DELETE unregisters; both answer 204.
    private static void MapSchedule(
        IEndpointRouteBuilder endpoints,
        string appId,
        string kind,
        Action<string, string, string, string, JsonElement> register,
        Action<string, string, string, string> unregister)
    {
        endpoints.MapMethods($"{Prefix}/{kind}/{{name}}", ["POST", "PUT"], (HttpContext c) => HttpErrors.Handle(c, async () =>
        {
            using var body = await ReadJsonAsync(c).ConfigureAwait(false);
            register(appId, Route(c, "type"), Route(c, "id"), Route(c, "name"), body.RootElement);
            c.Response.StatusCode = 204;
        }));
        endpoints.MapDelete($"{Prefix}/{kind}/{{name}}", (HttpContext c) => HttpErrors.Handle(c, () =>
        {
            unregister(appId, Route(c, "type"), Route(c, "id"), Route(c, "name"));
            c.Response.StatusCode = 204;
            return Task.CompletedTask;
        }));
    }

    private static async Task InvokeAsync(HttpContext context, SidecarApi api, ActorSystem system)
    {
        var request = context.Request;
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        var headers = request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())).ToList();
        var result = await system.InvokeAsync(api.AppId, Route(context, "type"), Route(context, "id"), Route(context, "method"),
            body.Length == 0 ? null : body, request.ContentType, headers, context.RequestAborted).ConfigureAwait(false);

        // The app's status, headers and body go back to the caller unchanged.
        context.Response.StatusCode = result.Status;
        foreach (var (name, value) in result.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (result.ContentType is not null)
        {
            context.Response.ContentType = result.ContentType;
        }

        await context.Response.Body.WriteAsync(result.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task GetStateAsync(HttpContext context, ActorSystem system, DaprSidecar sidecar)
    {
        var item = system.GetState(sidecar, Route(context, "type"), Route(context, "id"), Route(context, "key"));
        if (item is null)
        {
            context.Response.StatusCode = 204;
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(item.Value, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task TransactAsync(HttpContext context, ActorSystem system, DaprSidecar sidecar)
    {
        using var document = await ReadJsonAsync(context).ConfigureAwait(false);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw DaprErrors.MalformedRequest("failed deserializing HTTP body: expected an array of operations");
        }

        var operations = new List<StateOperation>();
        foreach (var operation in document.RootElement.EnumerateArray())
        {
            var kind = operation.TryGetProperty("operation", out var k) ? k.GetString() : null;
            if (!operation.TryGetProperty("request", out var request) || !request.TryGetProperty("key", out var keyElement))
            {
                throw DaprErrors.MalformedRequest("missing request or key in actor state operation");
            }

            var key = keyElement.GetString() ?? string.Empty;
            operations.Add(kind switch
            {
                // The value's own bytes, as the app sent them: no text copy of a record that may be kilobytes long.
                "upsert" => new StateOperation(key, request.TryGetProperty("value", out var v) ? JsonMarshal.GetRawUtf8Value(v).ToArray() : "null"u8.ToArray(), null, false),
                "delete" => new StateOperation(key, null, null, false),
                _ => throw ActorErrors.StateTransaction($"operation type {kind} not supported"),
            });
        }

        system.Transact(sidecar, Route(context, "type"), Route(context, "id"), operations);
        context.Response.StatusCode = 204;
    }

    private static async Task GetReminderAsync(HttpContext context, SidecarApi api, ActorSystem system)
    {
        var reminder = system.GetReminder(api.AppId, Route(context, "type"), Route(context, "id"), Route(context, "name"));
        if (reminder is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.ContentType = "application/json";
        var body = new Dictionary<string, object?> { ["dueTime"] = reminder.DueTime, ["period"] = reminder.Period, ["data"] = reminder.Data };
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body), context.RequestAborted).ConfigureAwait(false);
    }

    private static string Route(HttpContext context, string name) => context.GetRouteValue(name) as string ?? string.Empty;

    private static async Task<JsonDocument> ReadJsonAsync(HttpContext context) =>
        JsonDocument.Parse(await ReadBodyAsync(context).ConfigureAwait(false));

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
