using FunctionApp;
using FunctionApp.Hosting;

if (args is ["--write-function-metadata", var scriptRoot])
{
    var settings = new ConfigurationBuilder().AddEnvironmentVariables().Build();
    FunctionMetadata.WriteAll(FunctionCatalog.Create(settings), scriptRoot);
    return;
}

var app = FunctionAppBuilder.Build(args);
await app.RunAsync();
