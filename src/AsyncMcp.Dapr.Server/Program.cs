using AsyncMcp.Dapr.Server;

await ServerApp.Build(args).RunAsync();
