using FunctionApp.Hosting;

namespace FunctionApp;

/// <summary>Builds the web app the Functions host (or the standalone runner) talks to.</summary>
public static class FunctionAppBuilder
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var mode = HostingMode.Detect(builder.Configuration);
        if (mode.HostPort is { } port)
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        builder.Services.AddSingleton(mode);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<IEnumerable<FunctionDefinition>>(FunctionCatalog.All);
        builder.Services.AddSingleton<FunctionInvoker>();
        builder.Services.AddOptions<StandaloneOptions>().BindConfiguration(StandaloneOptions.Section);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapFunctions(FunctionCatalog.All);
        return app;
    }
}
