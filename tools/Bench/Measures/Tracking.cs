namespace Bench.Measures;

/// <summary>The tracking section: measure 3 (every webhook lost).</summary>
public sealed record TrackingResult(LostWebhooksResult LostWebhooks);
