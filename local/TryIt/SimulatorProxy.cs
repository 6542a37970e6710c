using System.Net.Http.Headers;
using FunctionApp.Api;
using Gateway.Client.Http;
using Gateway.Simulator.Hosting;

namespace LocalHost.TryIt;

/// <summary>
/// Same-origin access for the try-it page to the embedded simulator, which allows no cross-origin calls: the SDK
/// screens (<c>/_sdk/transactions/{id}/{step}</c>) and the market clock (<c>/_sim/clock</c>), nothing else of its
/// control API.
/// </summary>
internal static class SimulatorProxy
{
    public const string AuthTokenHeader = "x-gateway-authtoken";
    private const int MaxBodyBytes = 64 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly HashSet<string> SdkSteps = new(["open", "broker", "login", "edit", "order-type", "confirm", "cancel"], StringComparer.Ordinal);

    public static void Map(RouteGroupBuilder routes, RunningSimulator simulator)
    {
        routes.MapGet("/_sim/clock", (HttpContext context, IHttpClientFactory http) =>
            ForwardAsync(context, http, simulator, "/_sim/clock", withBody: false));
        routes.MapPost("/_sim/clock", (HttpContext context, IHttpClientFactory http) =>
            ForwardAsync(context, http, simulator, "/_sim/clock", withBody: true));
        routes.MapPost("/_sdk/transactions/{transactionId}/{step}", (string transactionId, string step, HttpContext context, IHttpClientFactory http) =>
            GatewayTransactionId.IsValid(transactionId) && SdkSteps.Contains(step)
                ? ForwardAsync(context, http, simulator, $"/_sdk/transactions/{transactionId}/{step}", withBody: true)
                : Task.FromResult(ApiProblems.NotFound("The SDK step")));
    }

    public static HttpClient Client(IHttpClientFactory http, RunningSimulator simulator)
    {
        var client = http.CreateClient(nameof(SimulatorProxy));
        client.BaseAddress = simulator.BaseUri;
        client.Timeout = Timeout;
        return client;
    }

    private static async Task<IResult> ForwardAsync(HttpContext context, IHttpClientFactory http, RunningSimulator simulator, string path, bool withBody)
    {
        var incoming = context.Request;
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(path, UriKind.Relative));
        if (withBody)
        {
            var (status, bytes) = await JsonBody.ReadAsync(incoming, MaxBodyBytes, context.RequestAborted);
            if (status == JsonBody.ReadStatus.TooLarge)
            {
                return TransactionsApi.BodyProblem(status);
            }

            request.Content = new ByteArrayContent(status == JsonBody.ReadStatus.Ok ? bytes : "{}"u8.ToArray());
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        if (incoming.Headers.TryGetValue(AuthTokenHeader, out var token))
        {
            request.Headers.TryAddWithoutValidation(AuthTokenHeader, token.ToString());
        }

        using var client = Client(http, simulator);
        try
        {
            using var response = await client.SendAsync(request, context.RequestAborted);
            var body = await response.Content.ReadAsStringAsync(context.RequestAborted);
            return Results.Content(body, response.Content.Headers.ContentType?.ToString(), statusCode: (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !context.RequestAborted.IsCancellationRequested))
        {
            return ApiProblems.Status(StatusCodes.Status502BadGateway, "The embedded Gateway simulator did not answer.", "Try again; if it keeps failing, restart the app.");
        }
    }
}
