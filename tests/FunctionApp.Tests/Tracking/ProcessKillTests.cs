using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FunctionApp.Tests.Infrastructure;
using Gateway.Simulator;
using Gateway.Simulator.Hosting;
using TestSupport;

namespace FunctionApp.Tests.Tracking;

/// <summary>
/// The local host as its own process, killed (SIGKILL) while a tracking orchestration waits on a durable timer, then
/// started again on the same task hub: the orchestration resumes from its history and finishes.
/// </summary>
[Collection(SharedAzurite.Name)]
public sealed class ProcessKillTests(AzuriteFixture azurite)
{
    private const string UserId = "killed-process-user";

    /// <summary>The read a signal asks for waits this long: long enough to kill the process while its timer is pending.</summary>
    private static readonly TimeSpan SignalReadDelay = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task ProcessKilled_WhileAReadTimerIsPending_RestartedProcessResumesAndFinishes()
    {
        // The simulator keeps the real time, as the app process does: the tokens each mints must be valid on the
        // other's clock. Outside market hours or not, a cancelled SDK flow ends the same way.
        await using var simulator = await SimulatorHost.StartAsync(
            new SimulatorOptions { Secret = AppHarness.Secret, ApiSecret = AppHarness.ApiSecret }, CancellationToken.None);
        var prefix = "p" + Guid.NewGuid().ToString("N")[..10];
        string transactionId;
        using (var first = await LocalHostProcess.StartAsync(azurite, simulator, prefix))
        {
            using var http = Client(first.BaseUri);
            (transactionId, var token) = await CreateAsync(http);
            foreach (var (step, body) in new (string, object?)[] { ("open", null), ("broker", new { broker = "kite" }), ("login", new { accountId = (string?)null }), ("cancel", null) })
            {
                await SdkStepAsync(simulator, transactionId, token, step, body);
            }

            using var reported = await http.PostAsync(
                $"/api/transactions/{transactionId}/sdk-result",
                JsonContent.Create(new { transactionId, error = new { code = "user_cancelled", message = "User cancelled" } }));
            Assert.Equal(System.Net.HttpStatusCode.Accepted, reported.StatusCode);
            var waiting = await ViewAsync(http, transactionId);
            Assert.Equal("AwaitingUser", waiting.GetProperty("status").GetString());

            // Meanwhile the orchestration takes the signal (it polls every 0.5 s) and waits on its 8 s read timer.
            await Task.Delay(TimeSpan.FromSeconds(3));
            first.Kill();
        }

        using var second = await LocalHostProcess.StartAsync(azurite, simulator, prefix);
        using var client = Client(second.BaseUri);
        JsonElement view = default;
        await Eventually.Until(
            async () => (view = await ViewAsync(client, transactionId)).GetProperty("final").GetBoolean(),
            TimeSpan.FromSeconds(90),
            "the restarted process to finish the tracking");

        Assert.Equal("Failed", view.GetProperty("status").GetString());
        Assert.Equal("user_cancelled", view.GetProperty("error").GetProperty("code").GetString());
    }

    private static HttpClient Client(Uri baseUri)
    {
        var client = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AppHarness.UserToken(UserId));
        return client;
    }

    /// <summary>Creates a transaction; returns its id and the Gateway token the app hands to the SDK.</summary>
    private static async Task<(string TransactionId, string GatewayToken)> CreateAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/transactions")
        {
            Content = new StringContent("""{"securities":[{"ticker":"ITC","quantity":5,"type":"BUY"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return (body.GetProperty("transactionId").GetString()!, body.GetProperty("gatewayToken").GetString()!);
    }

    private static async Task SdkStepAsync(RunningSimulator simulator, string transactionId, string token, string step, object? body)
    {
        using var client = new HttpClient { BaseAddress = simulator.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/_sdk/transactions/{transactionId}/{step}") { Content = JsonContent.Create(body ?? new { }) };
        request.Headers.Add("x-gateway-authtoken", token);
        using var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"SDK step {step}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static Task<JsonElement> ViewAsync(HttpClient http, string transactionId) =>
        http.GetFromJsonAsync<JsonElement>($"/api/transactions/{transactionId}");

    /// <summary>The local host (LocalHost.dll beside the tests) in its own process, on Azurite and the given simulator.</summary>
    private sealed class LocalHostProcess : IDisposable
    {
        private readonly Process process;

        private LocalHostProcess(Process process, Uri baseUri)
        {
            this.process = process;
            BaseUri = baseUri;
        }

        public Uri BaseUri { get; }

        public static async Task<LocalHostProcess> StartAsync(AzuriteFixture azurite, RunningSimulator simulator, string prefix)
        {
            var baseUri = new Uri($"http://127.0.0.1:{FreePort.Next()}");
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Directory.CreateTempSubdirectory("local-host-").FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LocalHost.dll"));
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add(baseUri.ToString());
            foreach (var (key, value) in new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["Storage__NamePrefix"] = prefix,
                ["Gateway__BaseUrl"] = simulator.BaseUri.ToString(),
                ["Gateway__Name"] = simulator.Options.GatewayName,
                ["Gateway__Secret"] = AppHarness.Secret,
                ["Gateway__ApiSecret"] = AppHarness.ApiSecret,
                ["UserAuth__DevelopmentSigningKey"] = AppHarness.UserSigningKey,
                ["Tracker__SignalReadDelay"] = SignalReadDelay.ToString("c", CultureInfo.InvariantCulture),
                ["Durable__MaxQueuePollingInterval"] = "00:00:00.500",
                ["Logging__LogLevel__Default"] = "Warning",
            })
            {
                start.Environment[key] = value;
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("The local host did not start.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var host = new LocalHostProcess(process, baseUri);
            simulator.Simulation.WebhookUrl = new Uri(baseUri, "/api/gateway/webhooks");
            using var probe = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                await Eventually.Until(
                    async () =>
                    {
                        Assert.False(process.HasExited, $"the local host exited with {(process.HasExited ? process.ExitCode : 0)}");
                        try
                        {
                            using var response = await probe.GetAsync("/api/health");
                            return response.IsSuccessStatusCode;
                        }
                        catch (HttpRequestException)
                        {
                            return false;
                        }
                    },
                    TimeSpan.FromSeconds(60),
                    "the local host to answer its health check");
            }
            catch
            {
                host.Dispose();
                throw;
            }

            return host;
        }

        /// <summary>SIGKILL: nothing runs on the way out, as when a machine dies.</summary>
        public void Kill()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                Kill();
            }

            process.Dispose();
        }
    }
}
