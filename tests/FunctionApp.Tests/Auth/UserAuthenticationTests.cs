using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using FunctionApp.Auth;
using FunctionApp.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TestSupport;
using Transactions.Storage;

namespace FunctionApp.Tests.Auth;

[Collection(SharedAzurite.Name)]
public sealed class UserAuthenticationTests(AzuriteFixture azurite)
{
    private const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    public static TheoryData<string> ProtectedEndpoints => new()
    {
        "POST /api/transactions",
        "GET /api/transactions",
        "GET /api/transactions/TRX_0123456789abcdef0123456789abcdef",
        "POST /api/transactions/TRX_0123456789abcdef0123456789abcdef/sdk-result",
        "POST /api/transactions/TRX_0123456789abcdef0123456789abcdef/cancellations",
        "POST /api/session-token",
    };

    public static TheoryData<string> RejectedTokens => new() { "expired", "wrong key", "wrong issuer", "wrong audience", "unsigned", "not a JWT" };

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task ProtectedEndpoint_NoToken_Returns401ProblemDetails(string endpoint)
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (method, path) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]);

        var response = await harness.SendAsync(null, new HttpMethod(method), path, method == "POST" ? AppRequests.Json("{}") : null, r => r.Headers.Add("Idempotency-Key", "k1"));

        response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal(0, harness.GatewayTransactionCount());
    }

    [Theory]
    [MemberData(nameof(RejectedTokens))]
    public async Task CreateTransaction_InvalidUserToken_Returns401AndCreatesNothing(string kind)
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var token = RejectedToken(kind);

        var response = await harness.SendAsync(null, HttpMethod.Post, "/api/transactions", AppRequests.Json("""{"securities":[{"ticker":"ITC"}]}"""), request =>
        {
            request.Headers.Add("Idempotency-Key", "k1");
            request.Headers.Authorization = new("Bearer", token);
        });

        response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal(0, harness.GatewayTransactionCount());
    }

    [Theory]
    [InlineData("expired", "Expired")]
    [InlineData("wrong key", "Signature")]
    [InlineData("wrong issuer", "Issuer")]
    [InlineData("wrong audience", "Audience")]
    [InlineData("unsigned", "Signature")]
    [InlineData("not a JWT", "Malformed")]
    public async Task InvalidUserToken_401SaysOnlyInvalidTokenAndTheReasonIsLogged(string kind, string reason)
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var logs = new FakeLogCollector();
        harness.Services.GetRequiredService<ILoggerFactory>().AddProvider(new FakeLoggerProvider(logs));
        var token = RejectedToken(kind);

        var response = await harness.SendAsync(null, HttpMethod.Get, "/api/transactions", configure: request => request.Headers.Authorization = new("Bearer", token));

        var problem = response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer error=\"invalid_token\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
        Assert.Equal("Invalid token.", problem.GetProperty("title").GetString());
        Assert.Equal("The token sent with the request is invalid.", problem.GetProperty("detail").GetString());
        foreach (var leak in (string[])["error_description", "signature", "issuer", "audience", "expired", "lifetime", "key", "IDX", "malformed"])
        {
            Assert.DoesNotContain(leak, response.Body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(leak, response.Headers.WwwAuthenticate.ToString(), StringComparison.OrdinalIgnoreCase);
        }

        var entry = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 2001);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal(reason, entry.StructuredState!.Single(p => p.Key == "Reason").Value);
        Assert.DoesNotContain(token, entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[0], entry.Message, StringComparison.Ordinal);
        Assert.Null(entry.Exception);
    }

    [Fact]
    public async Task NoUserToken_401ChallengesWithoutAnErrorCode()
    {
        await using var harness = await AppHarness.StartAsync(azurite);

        var response = await harness.SendAsync(null, HttpMethod.Get, "/api/transactions");

        response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    [Fact]
    public async Task AppServicePrincipal_MalformedHeader_401IsGenericAndTheReasonIsLogged()
    {
        await using var harness = await AppHarness.StartAsync(azurite, new Dictionary<string, string?> { ["UserAuth:AcceptAppServiceAuthentication"] = "true" });
        var logs = new FakeLogCollector();
        harness.Services.GetRequiredService<ILoggerFactory>().AddProvider(new FakeLoggerProvider(logs));

        var response = await CreateAsPrincipalAsync(harness, "bm90IGpzb24=");

        var problem = response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.DoesNotContain("malformed", response.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("principal", response.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Invalid token.", problem.GetProperty("title").GetString());
        var entry = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 2001);
        Assert.Equal("MalformedPrincipal", entry.StructuredState!.Single(p => p.Key == "Reason").Value);
    }

    [Fact]
    public async Task Start_RunsNoDataProtectionKeyRingLoad()
    {
        await using var harness = await AppHarness.StartAsync(azurite);

        // Bearer tokens do not use data protection; its hosted service would load the key ring at every start.
        var dataProtection = typeof(DataProtectionOptions).Assembly;
        Assert.DoesNotContain(harness.Services.GetServices<IHostedService>(), service => service.GetType().Assembly == dataProtection);
    }

    [Fact]
    public async Task AppServicePrincipal_Accepted_UserIdIsTheSubClaim()
    {
        await using var harness = await AppHarness.StartAsync(azurite, new Dictionary<string, string?> { ["UserAuth:AcceptAppServiceAuthentication"] = "true" });
        var principal = Principal(("name", "Alice"), ("sub", "aad-alice"));

        var created = (await CreateAsPrincipalAsync(harness, principal)).AssertStatus(HttpStatusCode.Created).Json;

        var stored = await harness.Service<TransactionStore>().GetAsync(created.Property("transactionId"), CancellationToken.None);
        Assert.Equal("aad-alice", stored!.Record.UserId);
        var mine = await harness.SendAsync(null, HttpMethod.Get, "/api/transactions", configure: r => r.Headers.Add(PrincipalHeader, principal));
        Assert.Equal([created.Property("transactionId")], mine.AssertStatus(HttpStatusCode.OK).Json.GetProperty("items").EnumerateArray().Select(i => i.Property("transactionId")));
        var someoneElse = await harness.SendAsync(null, HttpMethod.Get, "/api/transactions", configure: r => r.Headers.Add(PrincipalHeader, Principal(("sub", "aad-bob"))));
        Assert.Empty(someoneElse.AssertStatus(HttpStatusCode.OK).Json.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task AppServicePrincipal_ConfiguredUserIdClaim_UsesThatClaim()
    {
        await using var harness = await AppHarness.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["UserAuth:AcceptAppServiceAuthentication"] = "true",
            ["UserAuth:UserIdClaim"] = "oid",
        });

        var created = (await CreateAsPrincipalAsync(harness, Principal(("sub", "pairwise-subject"), ("oid", "object-id-7")))).AssertStatus(HttpStatusCode.Created).Json;

        var stored = await harness.Service<TransactionStore>().GetAsync(created.Property("transactionId"), CancellationToken.None);
        Assert.Equal("object-id-7", stored!.Record.UserId);
    }

    [Fact]
    public async Task AppServicePrincipal_WithoutTheUserIdClaim_IsForbidden()
    {
        await using var harness = await AppHarness.StartAsync(azurite, new Dictionary<string, string?> { ["UserAuth:AcceptAppServiceAuthentication"] = "true" });

        var response = await CreateAsPrincipalAsync(harness, Principal(("name", "Alice")));

        response.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(0, harness.GatewayTransactionCount());
    }

    [Fact]
    public async Task AppServicePrincipal_NotEnabled_Returns401()
    {
        await using var harness = await AppHarness.StartAsync(azurite);

        var response = await CreateAsPrincipalAsync(harness, Principal(("sub", "aad-alice")));

        response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal(0, harness.GatewayTransactionCount());
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("bm90IGpzb24=")] // "not json"
    [InlineData("WzEsMiwzXQ==")] // [1,2,3]
    [InlineData("eyJjbGFpbXMiOlt7InR5cCI6bnVsbCwidmFsIjoieCJ9XX0=")] // {"claims":[{"typ":null,"val":"x"}]}
    [InlineData("eyJjbGFpbXMiOlt7InR5cCI6InN1YiIsInZhbCI6N31dfQ==")] // {"claims":[{"typ":"sub","val":7}]}
    [InlineData("eyJjbGFpbXMiOlt7InR5cCI6InN1YiJ9XX0=")] // {"claims":[{"typ":"sub"}]}
    public async Task AppServicePrincipal_MalformedHeader_Returns401(string header)
    {
        await using var harness = await AppHarness.StartAsync(azurite, new Dictionary<string, string?> { ["UserAuth:AcceptAppServiceAuthentication"] = "true" });

        var response = await CreateAsPrincipalAsync(harness, header);

        response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal(0, harness.GatewayTransactionCount());
    }

    private static Task<ApiResponse> CreateAsPrincipalAsync(AppHarness harness, string principal) =>
        harness.SendAsync(null, HttpMethod.Post, "/api/transactions", AppRequests.Json("""{"securities":[{"ticker":"ITC","quantity":1,"type":"BUY"}]}"""), request =>
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            request.Headers.Add(PrincipalHeader, principal);
        });

    private static string Principal(params (string Type, string Value)[] claims) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            auth_typ = "aad",
            name_typ = "name",
            role_typ = "roles",
            claims = claims.Select(c => new { typ = c.Type, val = c.Value }),
        })));

    private static string RejectedToken(string kind) => kind switch
    {
        "expired" => DevelopmentUserTokens.Mint(AppHarness.UserSigningKey, "alice", new FakeTimeProvider(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)), TimeSpan.FromHours(1)),
        "wrong key" => DevelopmentUserTokens.Mint("some-other-signing-key", "alice", TimeProvider.System),
        "wrong issuer" => Token(issuer: "https://attacker.example/", DevelopmentUserTokens.Audience, signed: true),
        "wrong audience" => Token(DevelopmentUserTokens.Issuer, audience: "another-api", signed: true),
        "unsigned" => Token(DevelopmentUserTokens.Issuer, DevelopmentUserTokens.Audience, signed: false),
        _ => "not-a-jwt",
    };

    private static string Token(string issuer, string audience, bool signed)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", "alice")]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = signed ? new SigningCredentials(DevelopmentUserTokens.SigningKey(AppHarness.UserSigningKey), SecurityAlgorithms.HmacSha256) : null,
        });
    }
}
