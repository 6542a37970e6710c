using FunctionApp.Auth;
using FunctionApp.Hosting;
using FunctionApp.Telemetry;
using FunctionApp.Tracking;
using FunctionApp.Transactions;
using FunctionApp.Webhooks;
using Gateway.Client.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Gateway.Simulator.Hosting;
using Transactions.Storage;
using Transactions.Tracking;

namespace FunctionApp;

/// <summary>Builds the web app the Functions host (or, standalone, the app itself) drives.</summary>
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
        else if (LocalSettings.Find(Directory.GetCurrentDirectory()) is { } localSettings)
        {
            // Lowest precedence: command line and environment variables override the file.
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = LocalSettings.Read(localSettings) });
        }

        configure?.Invoke(builder);
        var configuration = builder.Configuration;
        var functions = FunctionCatalog.Create(configuration);
        var simulator = EmbeddedSimulator.IsWanted(configuration) && !mode.UnderFunctionsHost ? EmbeddedSimulator.Start(configuration) : null;

        var services = builder.Services;
        if (simulator is not null)
        {
            // The tracker lives in the simulated market's time, so expiry, AMO wake-ups and polls agree with it.
            services.TryAddSingleton<TimeProvider>(simulator.Clock);
        }

        services.AddSingleton(mode);
        services.TryAddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddExceptionHandler<DependencyFailureHandler>();
        services.AddSingleton(RequestDeadlines.FromConfiguration(configuration));
        services.AddAppTelemetry(configuration);
        services.AddUserAuthentication(configuration);
        services.AddTransactionStorage(configuration);
        services.AddGatewaySecrets(configuration);
        services.AddGatewayClient(configuration.GetSection(GatewayOptions.SectionName));
        services.AddSingleton(TrackerConfiguration.Timings(configuration));
        services.AddSingleton(TrackerConfiguration.Calendar(configuration));
        services.AddSingleton<TrackerEngine>();

        services.AddSingleton<GatewaySessions>();
        services.AddSingleton<TransactionCreation>();
        services.AddSingleton<SdkResultIntake>();
        services.AddSingleton<KnownTransactions>();
        services.AddSingleton<KnownAuthIdOwners>();
        services.AddSingleton<HandedOverHits>();
        services.AddSingleton(WebhookOptions.FromConfiguration(configuration));
        services.AddSingleton<WebhookIntake>();
        services.AddSingleton<OutcomePublisher>();
        services.AddScoped<OutboxSweepFunction>();
        services.AddDurableTracking(configuration, StorageOptions.FromConfiguration(configuration));

        services.AddSingleton<IEnumerable<FunctionDefinition>>(functions);
        services.AddSingleton<FunctionInvoker>();
        services.AddSingleton<ITriggerQueues, StorageTriggerQueues>();
        services.AddOptions<StandaloneOptions>().BindConfiguration(StandaloneOptions.Section);
        services.AddHostedService<StorageStartup>();
        services.AddHostedService<DependencyWarmUp>();
        if (!mode.UnderFunctionsHost)
        {
            services.AddHostedService<StandaloneTriggers>();
        }

        if (simulator is not null)
        {
            services.AddSingleton(simulator);
        }

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestDeadlineMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapFunctions(functions);
        if (simulator is not null)
        {
            EmbeddedSimulator.Attach(app, simulator, functions.OfType<HttpFunction>().Single(f => f.Name == FunctionCatalog.WebhookFunctionName).Route);
        }

        TryIt.TryItPage.MapTryIt(app, simulator);

        return app;
    }
}

/// <summary>
/// Creates the app's missing tables and queues before anything listens (idempotent), unless the infrastructure creates
/// them (<see cref="StorageOptions.CreateMissingResources"/> false): then the start does not wait for storage at all.
/// </summary>
internal sealed class StorageStartup(StorageOptions options, IServiceProvider services) : IHostedService
{
    // The initializer (and with it the storage clients) is resolved only when it is used.
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.CreateMissingResources
            ? services.GetRequiredService<StorageInitializer>().InitializeAsync(cancellationToken)
            : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The trigger queues are the storage layer's (prefixed) queues.</summary>
internal sealed class StorageTriggerQueues(StorageQueues queues) : ITriggerQueues
{
    public Azure.Storage.Queues.QueueClient Resolve(string queueName) => queues.Queue(queueName);
}
