using AsyncMcp.Dapr.Emulator.RunFiles;

// dapr-emulator run -f dapr.yaml: Ctrl+C and SIGTERM stop the apps, then their sidecars.
return await MultiAppRunCommand.RunUntilSignalAsync(stop => MultiAppRunCommand.RunAsync(args, Console.Out, stop));
