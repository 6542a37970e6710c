using FunctionApp;
using FunctionApp.Hosting;

if (args is ["--write-function-metadata", var scriptRoot])
{
    FunctionMetadata.WriteAll(FunctionCatalog.All, scriptRoot);
    return;
}

var app = FunctionAppBuilder.Build(args);
await app.RunAsync();
