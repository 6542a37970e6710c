using FunctionApp.Auth;
using FunctionApp.Hosting;
using FunctionApp.Telemetry;
using FunctionApp.Tracking;
using FunctionApp.Transactions;
using FunctionApp.Webhooks;
using Gateway.Client.Http;
using Gateway.Client.Sdk;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Transactions.Orchestration;
using Transactions.Storage;
using Transactions.Tracking;

namespace FunctionApp;

/// <summary>The app's services, composed once for every host (the Functions host, the local host).</summary>
public static class AppServices
{
    public static IServiceCollection AddTransactionsApp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddSingleton(RequestDeadlines.FromConfiguration(configuration));
        services.AddSingleton<HttpFunctionRunner>();
        services.AddAppTelemetry(configuration);
        services.AddUserAuthentication(configuration);
        services.AddTransactionStorage(configuration);
        services.AddGatewaySecrets(configuration);
        services.AddGatewayClient(configuration.GetSection(GatewayOptions.SectionName));
        services.AddSingleton(TrackerConfiguration.Timings(configuration));
        services.AddSingleton(TrackerConfiguration.Calendar(configuration));
        services.AddSingleton(TrackingMaintenance.FromConfiguration(configuration));
        services.TryAddSingleton(new DurableRuntimeClock(TimeProvider.System));
        services.AddSingleton<TrackerEngine>();

        services.AddOptions<SdkOptions>().Bind(configuration.GetSection(SdkOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SdkOptions>, SdkOptionsValidator>());
        services.AddSingleton<GatewaySessions>();
        services.AddSingleton<TransactionCreation>();
        services.AddSingleton<SdkResultIntake>();
        services.AddSingleton<OrderCancellation>();
        services.AddSingleton<KnownTransactions>();
        services.AddSingleton<KnownAuthIdOwners>();
        services.AddSingleton<HandedOverHits>();
        services.AddSingleton(WebhookOptions.FromConfiguration(configuration));
        services.AddSingleton<WebhookIntake>();
        services.AddSingleton<TransactionTracking>();
        services.AddSingleton<ITrackingObserver, TrackingObserver>();
        services.AddSingleton<TrackingActivities>();
        services.AddSingleton<OutcomePublisher>();

        services.AddHostedService<StorageStartup>();
        services.AddHostedService<DependencyWarmUp>();
        return services;
    }
}
