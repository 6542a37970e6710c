using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FunctionApp.Auth;

// Walks one basket through the running app and its embedded Gateway simulator, as a platform's app and its user would:
// create the transaction, go through the Gateway SDK screens, report the SDK result, then watch the tracker follow
// the webhooks to a final state.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: Demo <app-url> <simulator-url> <user-signing-key>");
    return 2;
}

var app = new Uri(args[0]);
var simulator = new Uri(args[1]);
var signingKey = args[2];
const string User = "demo-user-1";

using var http = new HttpClient { BaseAddress = app, Timeout = TimeSpan.FromSeconds(30) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevelopmentUserTokens.Mint(signingKey, User, TimeProvider.System));

Step("1. The app creates a basket for its signed-in user (POST /api/transactions)");
var basket = new
{
    securities = new object[]
    {
        new { ticker = "RELIANCE", quantity = 2, type = "BUY" },
        new { ticker = "ITC", quantity = 10, type = "SELL" },
        new { ticker = "NIFTYBEES", quantity = 25, type = "BUY" },
    },
};
Console.WriteLine("   BUY 2 RELIANCE, SELL 10 ITC, BUY 25 NIFTYBEES (an ETF)");
using var create = new HttpRequestMessage(HttpMethod.Post, "/api/transactions") { Content = JsonContent.Create(basket) };
create.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
var created = await ReadAsync(await http.SendAsync(create));
var transactionId = created.GetProperty("transactionId").GetString()!;
var gatewayToken = created.GetProperty("gatewayToken").GetString()!;
Console.WriteLine($"   transaction {transactionId}, expires {Ist(created.GetProperty("expireAt").GetDateTimeOffset())} (simulated market time)");

Step("2. The user goes through the Gateway SDK screens (the simulator stands in for them)");
using var sdk = new HttpClient { BaseAddress = simulator };
sdk.DefaultRequestHeaders.Add("x-gateway-authtoken", gatewayToken);
await SdkAsync("open", new { });
await SdkAsync("broker", new { broker = "kite" });
var login = await SdkAsync("login", new { });
Console.WriteLine($"   chose broker kite, logged in as smallcaseAuthId {login.GetProperty("smallcaseAuthId").GetString()}");
var sdkResult = await SdkAsync("confirm", new { });
Console.WriteLine("   confirmed the orders");

Step("3. The app reports the SDK result (POST /api/transactions/{id}/sdk-result): the broker account is linked");
await ReadAsync(await http.PostAsJsonAsync($"/api/transactions/{transactionId}/sdk-result", sdkResult));

Step("4. The Gateway's webhooks arrive; each makes the tracker read the Gateway, whose answers alone move the transaction");
var seen = 0;
JsonElement view = default;
var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
while (DateTimeOffset.UtcNow < deadline)
{
    view = await ReadAsync(await http.GetAsync($"/api/transactions/{transactionId}"));
    var timeline = view.GetProperty("timeline").EnumerateArray().ToList();
    foreach (var entry in timeline.Skip(seen))
    {
        Console.WriteLine($"   {Ist(entry.GetProperty("at").GetDateTimeOffset())}  {entry.GetProperty("event").GetString()}");
    }

    seen = timeline.Count;
    if (view.GetProperty("final").GetBoolean())
    {
        break;
    }

    await Task.Delay(TimeSpan.FromMilliseconds(500));
}

Step($"5. GET /api/transactions/{transactionId}: {view.GetProperty("status").GetString()}");
foreach (var batch in view.GetProperty("batches").EnumerateArray())
{
    foreach (var order in batch.GetProperty("orders").EnumerateArray())
    {
        Console.WriteLine($"   {order.GetProperty("transactionType").GetString(),-4} {order.GetProperty("ticker").GetString(),-10} {order.GetProperty("filledQuantity").GetInt32(),3}/{order.GetProperty("quantity").GetInt32(),-3} {order.GetProperty("status").GetString(),-10} avg {Inr(order.GetProperty("averagePrice").GetDecimal())}");
    }

    Console.WriteLine($"   bought {Inr(batch.GetProperty("buyAmount").GetDecimal())}, sold {Inr(batch.GetProperty("sellAmount").GetDecimal())}");
}

return view.GetProperty("final").GetBoolean() ? 0 : 1;

async Task<JsonElement> SdkAsync(string step, object body) =>
    await ReadAsync(await sdk.PostAsJsonAsync($"/_sdk/transactions/{transactionId}/{step}", body));

static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
{
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {text}");
    }

    return JsonDocument.Parse(text).RootElement.Clone();
}

// Indian digit grouping (12,34,567.89); the app runs with invariant globalization, so no en-IN culture data.
static string Inr(decimal amount)
{
    var text = Math.Abs(amount).ToString("0.00", CultureInfo.InvariantCulture);
    var whole = text[..^3];
    var grouped = whole.Length <= 3 ? whole : string.Join(',', Chunks(whole[..^3])) + "," + whole[^3..];
    return (amount < 0 ? "-" : "") + "\u20b9" + grouped + text[^3..];

    static IEnumerable<string> Chunks(string digits)
    {
        var first = digits.Length % 2;
        if (first > 0)
        {
            yield return digits[..first];
        }

        for (var i = first; i < digits.Length; i += 2)
        {
            yield return digits.Substring(i, 2);
        }
    }
}

static string Ist(DateTimeOffset instant) =>
    instant.ToOffset(TimeSpan.FromHours(5.5)).ToString("ddd HH:mm:ss 'IST'", CultureInfo.InvariantCulture);

static void Step(string text) => Console.WriteLine($"\n{text}");
