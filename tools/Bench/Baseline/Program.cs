// Built like the function app (slim builder, minimal API), with nothing else: the floor for process start to first 2xx.
var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();
app.MapGet("/health", () => TypedResults.Ok(new HealthStatus("healthy")));
await app.RunAsync();

/// <summary>A named type, not an anonymous one: the trimmed publish generates the endpoint's code and must name it.</summary>
internal sealed record HealthStatus(string Status);
