using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace FunctionApp.Tests.Hosting;

/// <summary>The framework's per-request logs stay off by default; configuration can still turn them on.</summary>
public sealed class LoggingDefaultsTests
{
    private const string RequestLogs = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Fact]
    public async Task Build_NoLoggingSettings_FrameworkRequestLogsOnlyFromWarnings()
    {
        await using var app = Build(new Dictionary<string, string?>());
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLogs);

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
        Assert.True(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FunctionApp.Tracking.TransactionTracker").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public async Task Build_SettingForTheFramework_Wins()
    {
        await using var app = Build(new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information" });

        Assert.True(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLogs).IsEnabled(LogLevel.Information));
    }

    private static WebApplication Build(IDictionary<string, string?> settings) =>
        FunctionAppBuilder.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["Gateway:BaseUrl"] = "http://127.0.0.1:9/",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["UserAuth:DevelopmentSigningKey"] = "logging-defaults-test-key",
            ["Gateway:Secret"] = "logging-defaults-secret",
            ["Gateway:ApiSecret"] = "logging-defaults-api-secret",
            ["Gateway:Name"] = "logging-defaults",
        }));
}
