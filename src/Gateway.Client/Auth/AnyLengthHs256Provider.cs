using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Client.Auth;

/// <summary>
/// HS256 over a key of any length. Microsoft.IdentityModel refuses HMAC keys under 256 bits, but the Gateway's
/// Secret is issued by smallcase and its length is not ours to choose; RFC 7518 accepts the key as given.
/// </summary>
internal sealed class AnyLengthHs256Provider : ICryptoProvider
{
    public static CryptoProviderFactory Factory { get; } = new() { CustomCryptoProvider = new AnyLengthHs256Provider() };

    public bool IsSupportedAlgorithm(string algorithm, params object[] args) =>
        string.Equals(algorithm, SecurityAlgorithms.HmacSha256, StringComparison.Ordinal)
        && args.Length > 0 && args[0] is SymmetricSecurityKey;

    public object Create(string algorithm, params object[] args) =>
        new Hs256SignatureProvider((SymmetricSecurityKey)args[0]);

    public void Release(object cryptoInstance)
    {
        if (cryptoInstance is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private sealed class Hs256SignatureProvider(SymmetricSecurityKey key)
        : SignatureProvider(key, SecurityAlgorithms.HmacSha256)
    {
        public override byte[] Sign(byte[] input) => HMACSHA256.HashData(key.Key, input);

        public override bool Sign(ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten) =>
            HMACSHA256.TryHashData(key.Key, data, destination, out bytesWritten);

        public override bool Verify(byte[] input, byte[] signature) =>
            CryptographicOperations.FixedTimeEquals(Sign(input), signature);

        public override bool Verify(byte[] input, int inputOffset, int inputLength, byte[] signature, int signatureOffset, int signatureLength) =>
            CryptographicOperations.FixedTimeEquals(
                HMACSHA256.HashData(key.Key, input.AsSpan(inputOffset, inputLength)),
                signature.AsSpan(signatureOffset, signatureLength));

        protected override void Dispose(bool disposing)
        {
        }
    }
}
