using Gateway.Simulator;
using Gateway.Simulator.Hosting;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    // Loopback only: the control routes are unauthenticated.
    builder.WebHost.UseUrls("http://127.0.0.1:5088");
}

var options = SimulatorOptions.FromConfiguration(builder.Configuration.GetSection("Simulator"));
var app = SimulatorApp.Build(builder, options);
await app.RunAsync().ConfigureAwait(false);
