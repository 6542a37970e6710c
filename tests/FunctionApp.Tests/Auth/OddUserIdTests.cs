using System.Net;
using System.Text;
using System.Text.Json;
using FunctionApp.Auth;
using FunctionApp.Tests.Infrastructure;
using TestSupport;

namespace FunctionApp.Tests.Auth;

/// <summary>
/// A validly signed user token can carry any user id. Every id the app accepts keys the tables safely (readable when
/// short and ordinary, hashed otherwise); empty, whitespace-only and over-long ids are refused at authentication.
/// </summary>
[Collection(SharedAzurite.Name)]
public sealed class OddUserIdTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";
    private const string OneStock = """[{"ticker":"RELIANCE","quantity":2,"type":"BUY"}]""";

    private static readonly Dictionary<string, string> OddIds = new(StringComparer.Ordinal)
    {
        ["600 characters"] = new string('u', 600),
        ["the longest accepted"] = new string('v', UserAuthentication.MaxUserIdLength),
        ["unicode"] = "ユーザー-Müller-😀-مرحبا",
        ["key-forbidden characters"] = @"a/b#c?d\e",
        ["control characters"] = "tab\there\nnul\0del\u007fc1\u0085",
        ["percent and quotes"] = "o'brien%41\"x",
        ["looks like a hashed key"] = "%sha256:" + new string('0', 64),
        ["surrounding spaces"] = "  padded  ",
    };

    private AppHarness harness = null!;

    public static TheoryData<string> OddIdNames => [.. OddIds.Keys];

    public static TheoryData<string> UnusableIds => ["empty", "spaces", "tabs and newlines", "1025 characters"];

    public async Task InitializeAsync() => harness = await AppHarness.StartAsync(azurite, new Dictionary<string, string?> { ["UserAuth:AcceptAppServiceAuthentication"] = "true" });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Theory]
    [MemberData(nameof(OddIdNames))]
    public async Task OddButValidUserId_CreateListGetLinkAndSessionToken_SucceedAndSeeOnlyTheirOwn(string name)
    {
        var userId = OddIds[name];
        var alices = await harness.CreateTransactionAsync("alice", OneStock);

        var created = await harness.CreateTransactionAsync(userId, OneStock, "key-1");
        var replayed = await harness.PostTransactionAsync(userId, $$"""{"securities":{{OneStock}}}""", "key-1");

        Assert.Equal(created.TransactionId, replayed.AssertStatus(HttpStatusCode.OK).Json.Property("transactionId"));
        Assert.Equal([created.TransactionId], await ListAsync(userId));
        (await harness.GetAsync(userId, $"/api/transactions/{created.TransactionId}")).AssertStatus(HttpStatusCode.OK);
        (await harness.GetAsync(userId, $"/api/transactions/{alices.TransactionId}")).AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal([alices.TransactionId], await ListAsync("alice"));
        var guest = (await harness.PostSessionTokenAsync(userId)).AssertStatus(HttpStatusCode.OK).Json;
        Assert.False(guest.GetProperty("connected").GetBoolean());

        await harness.LinkBrokerAccountAsync(userId, "AB1234");

        var connected = (await harness.PostSessionTokenAsync(userId)).AssertStatus(HttpStatusCode.OK).Json;
        Assert.True(connected.GetProperty("connected").GetBoolean());
        Assert.False((await harness.PostSessionTokenAsync("alice")).AssertStatus(HttpStatusCode.OK).Json.GetProperty("connected").GetBoolean());
    }

    [Fact]
    public async Task OddUserId_FromTheAppServicePrincipal_IsUsableToo()
    {
        var principal = Principal(OddIds["control characters"] + new string('w', 600));

        var created = await SendAsPrincipalAsync(principal, HttpMethod.Post, "/api/transactions", AppRequests.Json($$"""{"securities":{{OneStock}}}"""));
        var list = await SendAsPrincipalAsync(principal, HttpMethod.Get, "/api/transactions");
        var session = await SendAsPrincipalAsync(principal, HttpMethod.Post, "/api/session-token");

        var transactionId = created.AssertStatus(HttpStatusCode.Created).Json.Property("transactionId");
        Assert.Equal([transactionId], list.AssertStatus(HttpStatusCode.OK).Json.GetProperty("items").EnumerateArray().Select(i => i.Property("transactionId")));
        session.AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TwoLongUserIds_SharingTheirFirst600Characters_NeverSeeEachOthersTransactions()
    {
        var first = new string('x', 600) + "1";
        var second = new string('x', 600) + "2";

        var mine = await harness.CreateTransactionAsync(first, OneStock, "same-key");
        var theirs = await harness.CreateTransactionAsync(second, OneStock, "same-key");

        Assert.NotEqual(mine.TransactionId, theirs.TransactionId);
        Assert.Equal([mine.TransactionId], await ListAsync(first));
        Assert.Equal([theirs.TransactionId], await ListAsync(second));
        (await harness.GetAsync(first, $"/api/transactions/{theirs.TransactionId}")).AssertProblem(HttpStatusCode.NotFound);
        (await harness.GetAsync(second, $"/api/transactions/{mine.TransactionId}")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(UnusableIds))]
    public async Task UnusableUserId_InABearerToken_Returns401ProblemDetailsForEveryEndpoint(string kind)
    {
        var userId = Unusable(kind);
        using var client = harness.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AppHarness.UserToken(userId));

        foreach (var (method, path) in new[] { ("GET", "/api/transactions"), ("POST", "/api/transactions"), ("POST", "/api/session-token") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? AppRequests.Json($$"""{"securities":{{OneStock}}}""") : null };
            request.Headers.Add("Idempotency-Key", "k1");
            (await ApiResponse.ReadAsync(await client.SendAsync(request))).AssertProblem(HttpStatusCode.Unauthorized);
        }

        Assert.Equal(0, harness.GatewayTransactionCount());
    }

    [Theory]
    [MemberData(nameof(UnusableIds))]
    public async Task UnusableUserId_InTheAppServicePrincipal_Returns401ProblemDetails(string kind)
    {
        var principal = Principal(Unusable(kind));

        var list = await SendAsPrincipalAsync(principal, HttpMethod.Get, "/api/transactions");
        var session = await SendAsPrincipalAsync(principal, HttpMethod.Post, "/api/session-token");

        list.AssertProblem(HttpStatusCode.Unauthorized);
        session.AssertProblem(HttpStatusCode.Unauthorized);
    }

    private static string Unusable(string kind) => kind switch
    {
        "empty" => string.Empty,
        "spaces" => "   ",
        "tabs and newlines" => "\t\r\n",
        _ => new string('z', UserAuthentication.MaxUserIdLength + 1),
    };

    private async Task<IReadOnlyList<string>> ListAsync(string userId) =>
        [.. (await harness.GetAsync(userId, "/api/transactions")).AssertStatus(HttpStatusCode.OK).Json.GetProperty("items").EnumerateArray().Select(i => i.Property("transactionId"))];

    private Task<ApiResponse> SendAsPrincipalAsync(string principal, HttpMethod method, string path, HttpContent? content = null) =>
        harness.SendAsync(null, method, path, content, request =>
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            request.Headers.Add(PrincipalHeader, principal);
        });

    private static string Principal(string sub) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            auth_typ = "aad",
            claims = new[] { new { typ = "sub", val = sub } },
        })));
}
