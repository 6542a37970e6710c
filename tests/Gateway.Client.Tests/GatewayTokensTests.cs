using System.Text;
using Gateway.Client.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Client.Tests;

public sealed class GatewayTokensTests
{
    private const string Secret = "test-secret";
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task MintGuest_ThenVerify_IsGuest()
    {
        var tokens = new GatewayTokens(Secret, clock);

        var result = await tokens.VerifyAsync(tokens.MintGuest());

        Assert.True(result.IsValid);
        Assert.True(result.Claims!.Guest);
        Assert.Null(result.Claims.SmallcaseAuthId);
    }

    [Fact]
    public async Task MintConnected_ThenVerify_CarriesAuthId()
    {
        var tokens = new GatewayTokens(Secret, clock);

        var result = await tokens.VerifyAsync(tokens.MintConnected("611a21465fc1af22353c1395"));

        Assert.True(result.IsValid);
        Assert.False(result.Claims!.Guest);
        Assert.Equal("611a21465fc1af22353c1395", result.Claims.SmallcaseAuthId);
    }

    [Fact]
    public void MintGuest_KnownSecretAndTime_HasIndependentlyComputedHs256Signature()
    {
        var token = new GatewayTokens(Secret, clock).MintGuest();
        var parts = token.Split('.');

        var expected = System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(Secret), Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));

        Assert.Equal(Base64Url(expected), parts[2]);
        Assert.Contains("\"alg\":\"HS256\"", Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[0]))), StringComparison.Ordinal);
    }

    [Fact]
    public void Mint_HasIatAndExpOneDayApart()
    {
        var token = new GatewayTokens(Secret, clock).MintGuest();

        var payload = Payload(token);

        Assert.Contains($"\"iat\":{clock.GetUtcNow().ToUnixTimeSeconds()}", payload, StringComparison.Ordinal);
        Assert.Contains($"\"exp\":{clock.GetUtcNow().AddDays(1).ToUnixTimeSeconds()}", payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WrongSecret_IsBadSignature()
    {
        var token = new GatewayTokens("another-secret", clock).MintConnected("abc");

        var result = await new GatewayTokens(Secret, clock).VerifyAsync(token);

        Assert.Equal(TokenFailure.BadSignature, result.Failure);
    }

    [Fact]
    public async Task Verify_AfterExpiry_IsExpired()
    {
        var tokens = new GatewayTokens(Secret, clock);
        var token = tokens.MintConnected("abc", TimeSpan.FromMinutes(5));

        clock.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal(TokenFailure.Expired, (await tokens.VerifyAsync(token)).Failure);
    }

    [Fact]
    public async Task Verify_AlgNone_IsWrongAlgorithm()
    {
        var header = Base64Url("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64Url("""{"smallcaseAuthId":"abc"}""");

        var result = await new GatewayTokens(Secret, clock).VerifyAsync($"{header}.{payload}.");

        Assert.Equal(TokenFailure.WrongAlgorithm, result.Failure);
    }

    [Fact]
    public async Task Verify_Hs512_IsWrongAlgorithm()
    {
        var header = Base64Url("""{"alg":"HS512","typ":"JWT"}""");
        var payload = Base64Url("""{"smallcaseAuthId":"abc"}""");

        var result = await new GatewayTokens(Secret, clock).VerifyAsync($"{header}.{payload}.c2ln");

        Assert.Equal(TokenFailure.WrongAlgorithm, result.Failure);
    }

    [Fact]
    public async Task Verify_TamperedPayload_IsBadSignature()
    {
        var tokens = new GatewayTokens(Secret, clock);
        var parts = tokens.MintConnected("victim").Split('.');
        var forged = Base64Url(Payload(string.Join('.', parts)).Replace("victim", "attacker", StringComparison.Ordinal));

        var result = await tokens.VerifyAsync($"{parts[0]}.{forged}.{parts[2]}");

        Assert.Equal(TokenFailure.BadSignature, result.Failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    public async Task Verify_Garbage_IsMalformed(string token)
    {
        Assert.Equal(TokenFailure.Malformed, (await new GatewayTokens(Secret, clock).VerifyAsync(token)).Failure);
    }

    private static string Payload(string token) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(Pad(token.Split('.')[1].Replace('-', '+').Replace('_', '/'))));

    private static string Pad(string s) => s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');

    private static string Base64Url(string json) => Base64Url(Encoding.UTF8.GetBytes(json));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
