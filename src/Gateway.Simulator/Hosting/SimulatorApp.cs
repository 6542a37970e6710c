using Gateway.Client.Auth;
using Gateway.Simulator.Api;
using Gateway.Simulator.Clock;
using Gateway.Simulator.Engine;
using Gateway.Simulator.Json;
using Gateway.Simulator.Market;
using Gateway.Simulator.Scenarios;
using Gateway.Simulator.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Simulator.Hosting;

/// <summary>The one place the simulator app is put together, shared by <c>Program</c> and <see cref="SimulatorHost"/>.</summary>
public static class SimulatorApp
{
    public static WebApplication Build(WebApplicationBuilder builder, SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid simulator options: " + string.Join(" ", problems));
        }

        var clock = new SimulatorClock(options.ClockStart, options.FreezeClock);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(clock);
        services.AddSingleton(new MarketCalendar(options.Holidays));
        services.AddSingleton(new GatewayTokens(options.Secret, clock));
        services.AddSingleton<ApiFaultBoard>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<Simulation>();
        services.AddSingleton<GatewayAuth>();
        services.AddHostedService<MarketPump>();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json => SimulatorJson.ApplyControlSettings(json.SerializerOptions));

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        GatewayEndpoints.Map(app);
        SdkEndpoints.Map(app);
        ControlEndpoints.Map(app);

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SimulatorApp).FullName!);
        if (options.UsesLocalOnlySecrets)
        {
            Log.LocalOnlySecrets(logger);
        }

        return app;
    }
}
