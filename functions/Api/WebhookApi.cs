using FunctionApp.Hosting;
using FunctionApp.Webhooks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace FunctionApp.Api;

/// <summary>The function URL the Gateway posts webhooks to. 2xx only once the hit is durably handed to its transaction's tracking.</summary>
public sealed class WebhookApi(HttpFunctionRunner http, RequestDeadlines deadlines, WebhookIntake intake)
{
    /// <summary>The route to register with smallcase, under the host's <c>api/</c> prefix.</summary>
    public const string Route = "gateway/webhooks";

    [Function(nameof(GatewayWebhook))]
    public Task<IResult> GatewayWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest request,
        [DurableClient] DurableTaskClient tracking) =>
        http.RunAsync(request, nameof(GatewayWebhook), deadlines.Webhook, ct => ReceiveAsync(request, tracking, ct));

    private async Task<IResult> ReceiveAsync(HttpRequest request, DurableTaskClient tracking, CancellationToken cancellationToken)
    {
        var (status, bytes) = await JsonBody.ReadAsync(request, WebhookIntake.MaxBodyBytes, cancellationToken);
        if (status != JsonBody.ReadStatus.Ok)
        {
            return TransactionsApi.BodyProblem(status);
        }

        var receipt = await intake.ReceiveAsync(bytes, tracking, cancellationToken);
        return receipt.Rejection switch
        {
            WebhookRejection.None => TypedResults.Ok(new { received = true, duplicate = receipt.Duplicate }),
            WebhookRejection.TooLarge => ApiProblems.Status(StatusCodes.Status413PayloadTooLarge, "The webhook body is too large."),
            WebhookRejection.Malformed => ApiProblems.Validation("body", "The webhook body is not a JSON object."),
            WebhookRejection.MissingTransactionId => ApiProblems.Validation("transactionId", "The webhook names no transaction."),
            WebhookRejection.BadChecksum => ApiProblems.Status(StatusCodes.Status401Unauthorized, "The webhook checksum is missing or wrong.", receipt.ChecksumFailure.ToString()),
            WebhookRejection.UnreadableTimestamp => ApiProblems.Status(StatusCodes.Status401Unauthorized, "The webhook timestamp is not an instant."),
            WebhookRejection.TimestampOutsideWindow => ApiProblems.Status(StatusCodes.Status401Unauthorized, "The webhook timestamp is outside the accepted window."),
            WebhookRejection.UnknownTransaction => ApiProblems.NotFound("The transaction"),
            WebhookRejection.NotesMismatch => ApiProblems.Status(StatusCodes.Status403Forbidden, "The webhook's notes do not match the transaction."),
            WebhookRejection.AuthIdOwnedByAnotherUser => ApiProblems.Status(StatusCodes.Status403Forbidden, "The webhook's smallcaseAuthId belongs to another user."),
            _ => throw new InvalidOperationException($"Unhandled webhook rejection {receipt.Rejection}."),
        };
    }
}
