using Gateway.Simulator.Scenarios;

namespace Gateway.Simulator.Webhooks;

/// <summary>One delivery attempt of one copy of a webhook, at a simulated instant.</summary>
public sealed record WebhookAttempt(int Copy, int Attempt, DateTimeOffset At, int? StatusCode, string? Error)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>
/// A webhook as generated: its body is fixed at generation (timestamp and checksum included) and every copy and
/// retry sends the same bytes. Mutated only under the simulation's lock.
/// </summary>
internal sealed class WebhookMessage(string id, string transactionId, WebhookKind kind, string timestamp, byte[] body)
{
    public string Id { get; } = id;

    public string TransactionId { get; } = transactionId;

    public WebhookKind Kind { get; } = kind;

    public string Timestamp { get; } = timestamp;

    public byte[] Body { get; } = body;

    /// <summary>Dropped by the scenario: never delivered.</summary>
    public bool Dropped { get; set; }

    /// <summary>Held back by the reorder fault, waiting for the completed webhook.</summary>
    public bool Held { get; set; }

    public List<WebhookAttempt> Attempts { get; } = [];
}
