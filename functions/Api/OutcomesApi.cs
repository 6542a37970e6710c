using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionApp.Hosting;
using Gateway.Client.Http;
using Microsoft.Azure.Functions.Worker;
using FunctionApp.Tracking;
using Transactions.Storage;

namespace FunctionApp.Api;

/// <summary>
/// Replay for consumers of the outcome events (an operator or service endpoint, never for end users: it needs a
/// function key): <c>GET /api/outcomes?since=</c> an instant or the id of the last event the consumer processed, then
/// <c>?cursor=</c> from each answer. Events come in the order they were logged, each once across pages, up to
/// <c>completeUntil</c> (<see cref="OutcomeLogStore.SettledAfter"/> ago): every event logged before it is in the
/// answers, none later is, and nothing can still appear before it (see <see cref="OutcomeLogStore"/>).
/// </summary>
public sealed partial class OutcomesApi(
    HttpFunctionRunner http, RequestDeadlines deadlines, OutcomeLogStore log, OutboxStore outbox, TrackingMaintenance retention, TimeProvider clock)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 200;

    [Function(nameof(ReplayOutcomes))]
    public Task<IResult> ReplayOutcomes([HttpTrigger(AuthorizationLevel.Function, "get", Route = "outcomes")] HttpRequest request) =>
        http.RunAsync(request, nameof(ReplayOutcomes), deadlines.Api, ct => ReplayAsync(request.Query, ct));

    private async Task<IResult> ReplayAsync(IQueryCollection query, CancellationToken cancellationToken)
    {
        var (since, cursor, limitText) = (Query.Single(query, "since"), Query.Single(query, "cursor"), Query.Single(query, "limit"));
        var errors = new List<Gateway.Client.Transactions.ValidationError>();
        var limit = DefaultPageSize;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxPageSize))
        {
            errors.Add(new("limit", $"Limit must be between 1 and {MaxPageSize}."));
        }

        if ((since is null) == (cursor is null))
        {
            errors.Add(new("since", "Give since (an ISO 8601 instant, or the id of the last event processed) or the cursor of an earlier answer, not both."));
        }

        OutcomeLogPosition? after = null;
        if (cursor is not null && !OutcomeLogPosition.TryParseCursor(cursor, out after))
        {
            errors.Add(new("cursor", "The cursor is not one this API returned."));
        }

        if (since is not null && errors.Count == 0)
        {
            after = await PositionOfAsync(since, cancellationToken);
            if (after is null)
            {
                errors.Add(new("since", "Since must be an ISO 8601 instant with an offset, or the id of an event this app published."));
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        // Nothing older is kept; starting there also bounds the days a page walks.
        var horizon = clock.GetUtcNow() - retention.KeepFinishedFor;
        if (after!.LoggedAt < horizon)
        {
            after = OutcomeLogPosition.Before(horizon);
        }

        var completeUntil = clock.GetUtcNow() - OutcomeLogStore.SettledAfter;
        var page = completeUntil > after.LoggedAt
            ? await log.ReadAsync(after, completeUntil, limit, cancellationToken)
            : new OutcomeLogPage([], after);
        var items = page.PayloadsJson.Select(json => JsonSerializer.Deserialize<JsonElement>(json)).ToList();
        return TypedResults.Ok(new { items, nextCursor = page.Next.ToString(), completeUntil });
    }

    /// <summary>
    /// An instant, or the event with that CloudEvents id (<c>transactionId/eventId</c>) where it was last logged (an event
    /// not yet marked logged starts from its recording: the consumer may get it again); null when it is neither.
    /// </summary>
    private async Task<OutcomeLogPosition?> PositionOfAsync(string since, CancellationToken cancellationToken)
    {
        if (InstantWithOffset().IsMatch(since) && DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return OutcomeLogPosition.Before(instant);
        }

        var slash = since.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !GatewayTransactionId.IsValid(since[..slash]) || since.Length - slash - 1 is < 1 or > 200)
        {
            return null;
        }

        return await outbox.GetAsync(since[..slash], since[(slash + 1)..], cancellationToken) is { } recorded
            ? recorded.LoggedAt is { } loggedAt ? OutcomeLogPosition.Of(recorded, loggedAt) : OutcomeLogPosition.Before(recorded.CreatedAt)
            : null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex InstantWithOffset();
}
