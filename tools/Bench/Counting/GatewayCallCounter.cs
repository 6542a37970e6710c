using System.Collections.Concurrent;
using Gateway.Client.Http;
using Microsoft.Extensions.Http;

namespace Bench.Counting;

/// <summary>
/// Counts the requests the app's Gateway client sends (every attempt, retries included), by API. Installed as the
/// innermost handler of the <see cref="GatewayClient"/> pipeline, so it sees exactly what reaches the Gateway.
/// </summary>
public sealed class GatewayCallCounter : IHttpMessageHandlerBuilderFilter
{
    public const string Create = "create transaction";
    public const string TransactionDetails = "transaction details";
    public const string OrderDetails = "order details";

    private readonly ConcurrentQueue<(string Api, DateTimeOffset At)> calls = new();

    public int Count => calls.Count;

    /// <summary>Calls recorded after <paramref name="mark"/> (a value of <see cref="Count"/> taken earlier), by API.</summary>
    public IReadOnlyDictionary<string, int> Since(int mark) =>
        calls.Skip(mark).GroupBy(call => call.Api, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>Calls recorded after <paramref name="mark"/>, in order, each with when it was sent (the system clock).</summary>
    public IReadOnlyList<(string Api, DateTimeOffset At)> CallsSince(int mark) => [.. calls.Skip(mark)];

    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        if (builder.Name == nameof(GatewayClient))
        {
            builder.AdditionalHandlers.Add(new CountingHandler(this));
        }
    };

    private static string ApiOf(HttpRequestMessage request)
    {
        var path = request.RequestUri?.AbsolutePath ?? string.Empty;
        if (path.EndsWith("/engine/transactiondetails", StringComparison.Ordinal))
        {
            return TransactionDetails;
        }

        if (path.EndsWith("/engine/orders/sst", StringComparison.Ordinal))
        {
            return OrderDetails;
        }

        return path.EndsWith("/transaction", StringComparison.Ordinal) ? Create : $"{request.Method} {path}";
    }

    private sealed class CountingHandler(GatewayCallCounter counter) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            counter.calls.Enqueue((ApiOf(request), DateTimeOffset.UtcNow));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
