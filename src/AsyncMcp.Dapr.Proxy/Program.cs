using AsyncMcp.Dapr.Proxy;

await ProxyApp.Build(args).RunAsync();
