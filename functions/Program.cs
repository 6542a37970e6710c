using FunctionApp;
using Microsoft.Azure.Functions.Worker.Builder;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddTransactionsApp(builder.Configuration);
await builder.Build().RunAsync();
