using System.Globalization;
using System.Text.Json;
using FunctionApp.Tests.Tracking;
using Gateway.Simulator.Engine;

namespace Soak;

/// <summary>How one transaction ended, compared with the ground truth.</summary>
/// <param name="Lost">Never final in the app, or final without its transaction.* event.</param>
/// <param name="Problems">Differences in the view or the event content (empty when it matches, and when it is lost).</param>
/// <param name="Duplicates">Deliveries beyond the first of the same event or the same stock change.</param>
internal sealed record TransactionCheck(
    TransactionPlan Plan, string TransactionId, bool Final, bool Lost, IReadOnlyList<string> Problems, IReadOnlyList<DuplicateEvent> Duplicates)
{
    public int DuplicatedEvents => Duplicates.Sum(d => d.ExtraCopies);

    public bool Mismatched => Problems.Count > 0;

    public static TransactionCheck Of(TransactionPlan plan, string transactionId, JsonElement view, TransactionTruth truth, IReadOnlyList<OutcomeEvent> events)
    {
        var final = view.GetProperty("final").GetBoolean();
        var duplicates = GroundTruthComparison.Duplicates(events, transactionId);
        var content = GroundTruthComparison.CompareEventContent(events, truth);
        var lost = !final || content.Any(p => p.StartsWith(GroundTruthComparison.MissingFinalEvent, StringComparison.Ordinal));
        IReadOnlyList<string> problems = lost ? [] : [.. GroundTruthComparison.CompareView(view, truth), .. content];
        return new TransactionCheck(plan, transactionId, final, lost, problems, duplicates);
    }
}

internal sealed record SoakResult(
    IReadOnlyList<TransactionPlan> Plans,
    IReadOnlyList<TransactionCheck> Checks,
    IReadOnlyList<string> DriverErrors,
    long GatewayCalls,
    StorageCounts Storage,
    TimeSpan Elapsed)
{
    private const int DetailsShown = 10;

    public int Final => Checks.Count(c => c.Final);

    public int Mismatched => Checks.Count(c => c.Mismatched);

    /// <summary>Transactions lost by the app, plus any the driver could not even start.</summary>
    public int Lost => Checks.Count(c => c.Lost) + DriverErrors.Count;

    public int Duplicated => Checks.Sum(c => c.DuplicatedEvents);

    public bool Passed => Mismatched == 0 && Lost == 0 && Duplicated == 0 && Final == Plans.Count;

    public void Print(TextWriter output)
    {
        var n = Math.Max(1, Plans.Count);
        output.WriteLine();
        Row(output, "transactions", Plans.Count);
        Row(output, "final", Final);
        Row(output, "mismatched", Mismatched);
        Row(output, "lost", Lost);
        Row(output, "duplicated outcome events", Duplicated);
        Row(output, "Gateway calls per transaction", (double)GatewayCalls / n);
        Row(output, "storage operations per transaction", (double)Storage.Total / n);
        Row(output, "elapsed", Elapsed.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture));
        output.WriteLine();
        output.WriteLine($"Gateway calls: {GatewayCalls} HTTP requests to the simulator's APIs (create, details, orders; retries included).");
        output.WriteLine(
            $"Storage operations: {Storage.Total} HTTP requests to Azurite, retries and the queue listeners' idle polls included, counted with " +
            $".NET's HttpClient metric on the app's storage ports: table {Storage.TableRequests} ({Storage.TableMethods}), queue {Storage.QueueRequests} ({Storage.QueueMethods}).");
        output.WriteLine("Mix: " + string.Join(", ", Plans.SelectMany(p => p.Faults).GroupBy(f => f).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}")));
        foreach (var error in DriverErrors.Take(DetailsShown))
        {
            output.WriteLine($"driver error {error}");
        }

        foreach (var check in Checks.Where(c => c.Lost || c.Mismatched || c.DuplicatedEvents > 0).Take(DetailsShown))
        {
            var what = check.Lost ? "lost" : check.Mismatched ? "mismatched" : "duplicated events";
            output.WriteLine($"#{check.Plan.Index} {check.TransactionId} {what} [{string.Join(", ", check.Plan.Faults)}]");
            foreach (var problem in check.Problems.Concat(check.Duplicates.Select(d => d.Description)))
            {
                output.WriteLine($"    {problem}");
            }
        }

        output.WriteLine(Passed ? "PASSED" : "FAILED");
    }

    private static void Row(TextWriter output, string name, object value) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-36}{(value is double d ? d.ToString("0.0", CultureInfo.InvariantCulture) : value),12}"));
}
