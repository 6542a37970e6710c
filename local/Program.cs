using LocalHost;

var app = LocalHostBuilder.Build(args);
await app.RunAsync();
