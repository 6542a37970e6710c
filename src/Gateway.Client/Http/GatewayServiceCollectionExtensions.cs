using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Gateway.Client.Http;

public static class GatewayServiceCollectionExtensions
{
    public const string PipelineName = "gateway";

    /// <summary>
    /// Registers <see cref="GatewayClient"/> (also as <see cref="IGatewayClient"/>) with options validated at start and a
    /// resilience pipeline: an overall timeout, then retries with exponential back-off and jitter, then a per-attempt
    /// timeout. The caller registers an <see cref="Auth.IGatewaySecretSource"/>.
    /// </summary>
    /// <remarks>
    /// Reads (GET) are retried on transient failures: 5xx, 408, 429, a broken connection, an attempt that timed out.
    /// The create call is retried ONLY when its connection failed before the request was sent (connection refused,
    /// host not found): never on a timeout, a reset or a 5xx, because the Gateway may already have created the
    /// transaction and a second one would give the user two live transactions for one intent. Such failures surface as
    /// a <see cref="GatewayApiException"/> whose outcome the caller must resolve, not retry blindly.
    /// </remarks>
    /// <returns>The client builder, e.g. to set the primary handler in tests.</returns>
    public static IHttpClientBuilder AddGatewayClient(this IServiceCollection services, Action<GatewayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<GatewayOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddClient(services, options);
    }

    /// <inheritdoc cref="AddGatewayClient(IServiceCollection, Action{GatewayOptions}?)"/>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section with the <see cref="GatewayOptions"/> values, e.g. <c>Gateway</c>.</param>
    public static IHttpClientBuilder AddGatewayClient(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        return AddClient(services, services.AddOptions<GatewayOptions>().Bind(section));
    }

    private static IHttpClientBuilder AddClient(IServiceCollection services, OptionsBuilder<GatewayOptions> options)
    {
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.TryAddTransient<IGatewayClient>(provider => provider.GetRequiredService<GatewayClient>());

        var builder = services.AddHttpClient<GatewayClient>()
            // The pipeline's overall timeout governs; HttpClient's own would cut retries short.
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            // A redirected POST becomes a GET; the Gateway does not redirect, so treat a redirect as an error.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // Header values carry the API secret and the user's token. The factory's default request logger redacts
            // them in the message text only: its structured state, which OpenTelemetry and Application Insights export,
            // keeps the raw values. So this client has no request logger (GatewayClient logs failures, the resilience
            // pipeline logs retries); the redaction still masks the message text of a logger added to the returned builder.
            .RemoveAllLoggers()
            .RedactLoggedHeaders(_ => true);

        builder.AddResilienceHandler(PipelineName, static (pipeline, context) =>
        {
            var settings = context.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value;
            pipeline.AddTimeout(settings.OverallTimeout);
            if (settings.MaxGetRetries > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = settings.MaxGetRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = settings.RetryBaseDelay,
                    ShouldHandle = arguments => ValueTask.FromResult(
                        GatewayRetryRules.ShouldRetry(arguments.Context.GetRequestMessage(), arguments.Outcome)),
                });
            }

            pipeline.AddTimeout(settings.AttemptTimeout);
        });

        return builder;
    }
}
