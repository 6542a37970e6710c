using FunctionApp.Tests.Infrastructure;
using Gateway.Simulator;
using Soak;
using TestSupport;

// The soak command: many transactions with random baskets and faults through the simulator, the app and Azurite,
// each compared with the simulator's ground truth at the end. See tools/Soak/README.md.
var (options, error) = SoakOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(SoakOptions.Usage);
    return 2;
}

using var cancellation = new CancellationTokenSource(options.Timeout + TimeSpan.FromMinutes(5));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

// The in-process simulator reads its log levels from the environment; keep its per-request logs out of the report.
Environment.SetEnvironmentVariable("Logging__LogLevel__Default", options.Verbose ? "Information" : "Warning");
using var counter = new HttpRequestCounter();
var azurite = new AzuriteFixture();
await azurite.InitializeAsync();
try
{
    var settings = new Dictionary<string, string?>
    {
        ["Tracker:PollRetryInitial"] = "00:00:01",
        ["Logging:LogLevel:Default"] = options.Verbose ? "Warning" : "Error",
        // Retries of injected Gateway 5xx are expected; the tracker logs what matters.
        ["Logging:LogLevel:Polly"] = options.Verbose ? "Warning" : "None",
    };
    // Thursday 10:00 IST: the market is open for the whole run. The tracker's timers run in real time, so abandoned
    // transactions expire 3 real minutes after they are created (plus the harness's 1 s grace), not 15.
    var simulatorOptions = new SimulatorOptions
    {
        ClockStart = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.FromHours(5.5)),
        TransactionLifetime = TimeSpan.FromMinutes(3),
    };
    await using var harness = await AppHarness.StartAsync(azurite, settings, simulatorOptions);
    using var run = new SoakRun(harness, azurite, options, counter);
    var result = await run.RunAsync(cancellation.Token);
    result.Print(Console.Out);
    return result.Passed ? 0 : 1;
}
finally
{
    await azurite.DisposeAsync();
}
