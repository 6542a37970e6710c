using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionApp.Api;
using FunctionApp.Auth;
using Gateway.Simulator.Hosting;

namespace LocalHost.TryIt;

/// <summary>
/// The "Try it" page at <c>/try/</c>: a person signs in as a demo user, builds a basket, goes through the simulated
/// Gateway SDK screens and watches the tracker follow the transaction, all against the app's real API. Local and
/// runs of the local host only: the page mints user tokens and moves the market clock, so it is refused unless the app runs
/// the embedded Gateway simulator.
/// </summary>
public static partial class TryItPage
{
    public const string EnabledSetting = "TryIt:Enabled";
    public const string BasePath = "/try";

    private static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    /// <summary>Maps the page and its development endpoints when <see cref="EnabledSetting"/> is true.</summary>
    /// <param name="simulator">The embedded simulator; null when the app talks to a real Gateway or runs under the Functions host.</param>
    /// <exception cref="InvalidOperationException">The page is enabled without the embedded simulator or a development signing key.</exception>
    public static void MapTryIt(this WebApplication app, RunningSimulator? simulator)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Configuration.GetValue(EnabledSetting, false))
        {
            return;
        }

        if (simulator is null)
        {
            throw new InvalidOperationException(
                $"{EnabledSetting} is for local runs with the embedded Gateway simulator only (no Gateway:BaseUrl, not under the Functions host): " +
                "the page mints user tokens and moves the simulated market clock.");
        }

        var signingKey = app.Services.GetRequiredService<UserAuthOptions>().DevelopmentSigningKey;
        if (string.IsNullOrWhiteSpace(signingKey))
        {
            throw new InvalidOperationException($"{EnabledSetting} needs {UserAuthOptions.Section}:DevelopmentSigningKey to sign in demo users.");
        }

        var files = TryItFiles.Load();
        var page = app.MapGroup(BasePath).ExcludeFromDescription();
        page.MapGet("/", (HttpContext context) => files.Serve(context, "index.html"));
        page.MapGet("/{file}", (string file, HttpContext context) => files.Serve(context, file));
        page.MapPost("/api/session", (SessionRequest? request) => SignIn(request, signingKey));
        page.MapGet("/api/config", (IHttpClientFactory http, CancellationToken ct) => ConfigAsync(simulator, http, ct));
        SimulatorProxy.Map(page.MapGroup("/sim"), simulator);

        Log.TryItEnabled(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TryItPage).FullName!), BasePath + "/");
    }

    /// <summary>Signs in a demo user: any well-formed name becomes a user id with a development token.</summary>
    private static IResult SignIn(SessionRequest? request, string signingKey)
    {
        var userName = request?.UserName?.Trim();
        if (userName is null || !DemoUserName().IsMatch(userName))
        {
            return ApiProblems.Validation("userName", "Enter a name of 1-40 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        // User tokens are checked against the real time (the bearer handler's clock), not the simulated market's.
        var expiresAt = TimeProvider.System.GetUtcNow() + SessionLifetime;
        var token = DevelopmentUserTokens.Mint(signingKey, userName, TimeProvider.System, SessionLifetime);
        return TypedResults.Ok(new SessionResponse(userName, token, expiresAt));
    }

    /// <summary>What the page needs from the simulator: where it is, its brokers, and its market clock.</summary>
    private static async Task<IResult> ConfigAsync(RunningSimulator simulator, IHttpClientFactory http, CancellationToken cancellationToken)
    {
        using var client = SimulatorProxy.Client(http, simulator);
        using var response = await client.GetAsync(new Uri("/_sim/clock", UriKind.Relative), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return ApiProblems.Unavailable("The embedded Gateway simulator did not answer its clock.");
        }

        var clock = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var marketOpen = clock.TryGetProperty("marketOpen", out var open) && open.ValueKind == JsonValueKind.True;
        return TypedResults.Ok(new ConfigResponse(simulator.BaseUri, simulator.Options.Brokers, simulator.Options.LimitOrderBrokers, marketOpen, clock));
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DemoUserName();
}

public sealed record SessionRequest(string? UserName);

public sealed record SessionResponse(string UserId, string Token, DateTimeOffset ExpiresAt);

public sealed record ConfigResponse(Uri SimulatorUrl, IReadOnlyList<string> Brokers, IReadOnlyList<string> LimitOrderBrokers, bool MarketOpen, JsonElement Clock);
