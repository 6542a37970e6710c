using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;

namespace Transactions.Storage.Tests;

/// <summary>A SecretClient over an in-memory vault (SecretClient is mockable: protected ctor, virtual methods).</summary>
internal sealed class FakeSecretClient : SecretClient
{
    private readonly Dictionary<string, string> _secrets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _disabled = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public static readonly Uri Vault = new("https://unit-test-vault.vault.azure.net/");

    /// <summary>When set, every read throws this (an unreachable or forbidding vault).</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, reads wait for it: a slow vault.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public int Reads { get; private set; }

    public override Uri VaultUri => Vault;

    public void Set(string name, string value)
    {
        lock (_lock)
        {
            _secrets[name] = value;
        }
    }

    /// <summary>A disabled secret: Key Vault answers 403 SecretDisabled.</summary>
    public void Disable(string name)
    {
        lock (_lock)
        {
            _disabled.Add(name);
        }
    }

    public void Remove(string name)
    {
        lock (_lock)
        {
            _secrets.Remove(name);
        }
    }

    public override async Task<Response<KeyVaultSecret>> GetSecretAsync(
        string name, string? version = null, CancellationToken cancellationToken = default)
    {
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        lock (_lock)
        {
            Reads++;
            if (Failure is not null)
            {
                throw Failure;
            }

            if (_disabled.Contains(name))
            {
                throw new RequestFailedException(403, $"Operation get is not allowed on a disabled secret.", "SecretDisabled", null);
            }

            if (!_secrets.TryGetValue(name, out var value))
            {
                throw new RequestFailedException(404, $"A secret with (name/id) {name} was not found in this key vault.", "SecretNotFound", null);
            }

            var secret = SecretModelFactory.KeyVaultSecret(new SecretProperties(name), value);
            return Response.FromValue(secret, new OkResponse());
        }
    }

    private sealed class OkResponse : Response
    {
        public override int Status => 200;

        public override string ReasonPhrase => "OK";

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = string.Empty;

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => false;

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = null;
            return false;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = null;
            return false;
        }
    }
}
