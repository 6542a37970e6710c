namespace Bench.Measures;

/// <summary>The tracking section: measure 3 (every webhook lost) and measure 6 (burst throughput).</summary>
public sealed record TrackingResult(LostWebhooksResult LostWebhooks, BurstResult Burst);
