using TestSupport;

namespace Transactions.Storage.Tests.TestSupport;

public sealed class EventuallyTests
{
    [Fact]
    public async Task Until_ConditionBecomesTrue_Returns()
    {
        var calls = 0;

        await Eventually.Until(() => ++calls == 3, TimeSpan.FromSeconds(10));

        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Until_ConditionNeverTrue_ThrowsTimeoutWithTheReason()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => Eventually.Until(() => false, TimeSpan.FromMilliseconds(100), "the sky falls"));

        Assert.Contains("the sky falls", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UntilNotNull_ReturnsTheFirstNonNullValue()
    {
        var calls = 0;

        var value = await Eventually.UntilNotNull(() => Task.FromResult(++calls < 2 ? null : "ready"), TimeSpan.FromSeconds(10));

        Assert.Equal("ready", value);
    }
}
