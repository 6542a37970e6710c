// Built like the function app (slim builder, minimal API), with nothing else: the floor for process start to first 2xx.
var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();
app.MapGet("/health", () => TypedResults.Ok(new { status = "healthy" }));
await app.RunAsync();
