using AsyncMcpDaprServer;

await ServerApp.Build(args).RunAsync();
