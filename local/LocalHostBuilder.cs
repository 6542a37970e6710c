using FunctionApp;
using FunctionApp.Api;
using LocalHost.Durable;
using LocalHost.TryIt;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Transactions.Storage;

namespace LocalHost;

/// <summary>
/// The function app without the Functions host: the same services, HTTP functions, timer functions, orchestration and
/// activities, on ASP.NET Core and a Durable Task runtime over Azure Storage (Azurite locally). With no
/// <c>Gateway:BaseUrl</c> it embeds the Gateway simulator, and it can serve the Try-it page.
/// </summary>
public static class LocalHostBuilder
{
    /// <param name="configure">Runs before anything reads the configuration (e.g. to add settings).</param>
    /// <param name="replaceServices">Runs after the app's services are added (e.g. a test's instrumented Durable Task client).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, Action<IServiceCollection>? replaceServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (LocalSettings.Find(Directory.GetCurrentDirectory()) is { } localSettings)
        {
            // Lowest precedence: command line and environment variables override the file.
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = LocalSettings.Read(localSettings) });
        }

        configure?.Invoke(builder);
        var configuration = builder.Configuration;
        var simulator = EmbeddedSimulator.IsWanted(configuration) ? EmbeddedSimulator.Start(configuration) : null;

        var services = builder.Services;
        if (simulator is not null)
        {
            // The tracker lives in the simulated market's time, so expiry, AMO wake-ups and polls agree with it.
            services.TryAddSingleton<TimeProvider>(simulator.Clock);
            services.AddSingleton(simulator);
        }

        services.AddTransactionsApp(configuration);
        services.AddLocalDurableRuntime(configuration, StorageOptions.FromConfiguration(configuration));
        services.AddHostedService<TimerFunctions>();
        replaceServices?.Invoke(services);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHttpFunctions(typeof(AppServices).Assembly);
        if (simulator is not null)
        {
            EmbeddedSimulator.Attach(app, simulator, WebhookApi.Route);
        }

        app.MapTryIt(simulator);
        return app;
    }
}
