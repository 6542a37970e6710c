using Azure;

namespace Transactions.Storage;

/// <summary>The expected outcomes of a table write; failures of the service itself are exceptions.</summary>
public enum WriteOutcome
{
    /// <summary>The row was inserted or replaced.</summary>
    Written,

    /// <summary>Insert found a row with the same key (HTTP 409): a duplicate, nothing was written.</summary>
    AlreadyExists,

    /// <summary>Replace found a newer row than the caller read (HTTP 412): reload, re-apply, try again.</summary>
    Conflict,

    /// <summary>Replace found no row (HTTP 404).</summary>
    NotFound,
}

/// <summary>A write's outcome and, when <see cref="WriteOutcome.Written"/>, the row's new ETag.</summary>
public readonly record struct WriteResult(WriteOutcome Outcome, ETag ETag = default)
{
    public bool Written => Outcome == WriteOutcome.Written;
}
