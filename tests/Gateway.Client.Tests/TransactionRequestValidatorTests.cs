using Gateway.Client.Orders;
using Gateway.Client.Transactions;

namespace Gateway.Client.Tests;

public sealed class TransactionRequestValidatorTests
{
    private static IReadOnlyList<ValidationError> Validate(params SecurityOrder[] securities) =>
        TransactionRequestValidator.Validate(new CreateTransactionRequest(securities));

    private static SecurityOrder Buy(string ticker, int quantity = 1) => new(ticker, quantity, TradeType.Buy);

    [Fact]
    public void Validate_MixedBuySellBasket_HasNoErrors()
    {
        var errors = Validate(Buy("RELIANCE", 10), new SecurityOrder("ITC", 5, TradeType.Sell), Buy("NIFTYBEES", 100));

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_TickersOnly_HasNoErrors() =>
        Assert.Empty(Validate(new SecurityOrder("RELIANCE"), new SecurityOrder("ITC")));

    [Fact]
    public void Validate_NullRequest_ReportsTheBody()
    {
        var error = Assert.Single(TransactionRequestValidator.Validate(null));

        Assert.Equal("", error.Field);
    }

    [Fact]
    public void Validate_EmptyList_ReportsSecurities()
    {
        var error = Assert.Single(Validate());

        Assert.Equal("securities", error.Field);
    }

    [Fact]
    public void Validate_NullList_ReportsSecurities()
    {
        var error = Assert.Single(TransactionRequestValidator.Validate(new CreateTransactionRequest(null!)));

        Assert.Equal("securities", error.Field);
    }

    [Fact]
    public void Validate_AtTheBasketLimit_HasNoErrors() =>
        Assert.Empty(Validate([.. Enumerable.Range(0, TransactionRequestValidator.MaxSecurities).Select(i => Buy($"S{i}"))]));

    [Fact]
    public void Validate_OverTheBasketLimit_ReportsSecurities()
    {
        var errors = Validate([.. Enumerable.Range(0, TransactionRequestValidator.MaxSecurities + 1).Select(i => Buy($"S{i}"))]);

        Assert.Equal("securities", Assert.Single(errors).Field);
    }

    [Theory]
    [InlineData("RELIANCE")]
    [InlineData("M&M")]
    [InlineData("M&MFIN")]
    [InlineData("BAJAJ-AUTO")]
    [InlineData("360ONE")]
    [InlineData("NIFTYBEES")]
    [InlineData("EMBASSY")]
    [InlineData("INDIGRID")]
    [InlineData("NAM_INDIA")]
    [InlineData("ABCDEFGHIJKLMNOPQRST")]
    public void Validate_NseSymbol_IsAccepted(string ticker) => Assert.Empty(Validate(Buy(ticker)));

    [Theory]
    [InlineData("reliance")]
    [InlineData("Reliance")]
    [InlineData("RELIANCE.NS")]
    [InlineData("NSE:RELIANCE")]
    [InlineData("RELI ANCE")]
    [InlineData(" RELIANCE")]
    [InlineData("RELIANCE ")]
    [InlineData("ITC\n")]
    [InlineData("-ITC")]
    [InlineData("&ITC")]
    [InlineData("ITC$")]
    [InlineData("ITC'")]
    [InlineData("ÄBC")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTU")]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_BadTicker_ReportsTicker(string ticker)
    {
        var error = Assert.Single(Validate(Buy(ticker)));

        Assert.Equal("securities[0].ticker", error.Field);
    }

    [Fact]
    public void Validate_DuplicateTicker_ReportsTheSecondOccurrence()
    {
        var error = Assert.Single(Validate(Buy("ITC"), Buy("RELIANCE"), new SecurityOrder("ITC", 2, TradeType.Sell)));

        Assert.Equal("securities[2].ticker", error.Field);
        Assert.Contains("ITC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NullSecurity_ReportsItsPosition()
    {
        var errors = Validate(Buy("ITC"), null!);

        Assert.Equal("securities[1]", Assert.Single(errors).Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(TransactionRequestValidator.MaxQuantity + 1)]
    [InlineData(int.MaxValue)]
    public void Validate_QuantityOutOfRange_ReportsQuantity(int quantity)
    {
        var error = Assert.Single(Validate(Buy("ITC", quantity)));

        Assert.Equal("securities[0].quantity", error.Field);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(TransactionRequestValidator.MaxQuantity)]
    public void Validate_QuantityAtTheBounds_IsAccepted(int quantity) => Assert.Empty(Validate(Buy("ITC", quantity)));

    [Theory]
    [InlineData("HOLD")]
    [InlineData("buy")]
    [InlineData("Sell")]
    [InlineData("")]
    public void Validate_UnknownType_ReportsType(string type)
    {
        var error = Assert.Single(Validate(new SecurityOrder("ITC", 1, TradeType.From(type))));

        Assert.Equal("securities[0].type", error.Field);
    }

    [Fact]
    public void Validate_QuantityOnSomeSecuritiesOnly_ReportsAllOrNone()
    {
        var errors = Validate(new SecurityOrder("ITC", 5), new SecurityOrder("RELIANCE"));

        Assert.Contains(errors, e => e.Field == "securities" && e.Message.Contains("Quantity must be given for every security", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.Equal("securities", e.Field));
    }

    [Fact]
    public void Validate_TypeOnSomeSecuritiesOnly_ReportsAllOrNone()
    {
        var errors = Validate(new SecurityOrder("ITC", Type: TradeType.Buy), new SecurityOrder("RELIANCE"));

        Assert.Contains(errors, e => e.Field == "securities" && e.Message.Contains("Type must be given for every security", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_QuantityWithoutTypeEverywhere_ReportsThatTheyGoTogether()
    {
        var error = Assert.Single(Validate(new SecurityOrder("ITC", 5), new SecurityOrder("RELIANCE", 2)));

        Assert.Equal("securities", error.Field);
        Assert.Contains("go together", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NotesAtTheLimit_IsAccepted() =>
        Assert.Empty(TransactionRequestValidator.Validate(new CreateTransactionRequest([Buy("ITC")], new string('x', 256))));

    [Fact]
    public void Validate_NotesOverTheLimit_ReportsNotes()
    {
        var error = Assert.Single(TransactionRequestValidator.Validate(new CreateTransactionRequest([Buy("ITC")], new string('x', 257))));

        Assert.Equal("notes", error.Field);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOneWithItsPath()
    {
        var request = new CreateTransactionRequest(
            [
                new SecurityOrder("itc", 0, TradeType.Buy),
                new SecurityOrder("RELIANCE", 5, TradeType.From("HOLD")),
                new SecurityOrder("RELIANCE", TransactionRequestValidator.MaxQuantity + 1, TradeType.Sell),
                new SecurityOrder("TCS"),
            ],
            new string('x', 300));

        var fields = TransactionRequestValidator.Validate(request).Select(e => e.Field).ToList();

        Assert.Equal(
            [
                "securities[0].ticker",
                "securities[0].quantity",
                "securities[1].type",
                "securities[2].ticker",
                "securities[2].quantity",
                "securities",
                "securities",
                "notes",
            ],
            fields);
    }

    [Theory]
    [InlineData("Tech Leaders", "https://cdn.example.com/logo.png")]
    [InlineData("Tech Leaders", null)]
    [InlineData(null, "https://cdn.example.com/logo.svg")]
    public void Validate_BasketBranding_Accepted(string? name, string? logoUrl) =>
        Assert.Empty(TransactionRequestValidator.Validate(new CreateTransactionRequest([new("ITC", 1, TradeType.Buy)], Basket: new BasketBranding(name, logoUrl))));

    [Theory]
    [InlineData(null, null, "basket")]
    [InlineData("", null, "basket.name")]
    [InlineData(" Padded", null, "basket.name")]
    [InlineData("Line\nbreak", null, "basket.name")]
    [InlineData(null, "http://cdn.example.com/logo.png", "basket.logoUrl")]
    [InlineData(null, "javascript:alert(1)", "basket.logoUrl")]
    [InlineData(null, "/relative/logo.png", "basket.logoUrl")]
    [InlineData(null, "https://user:pass@cdn.example.com/logo.png", "basket.logoUrl")]
    public void Validate_BadBasketBranding_ReportsTheField(string? name, string? logoUrl, string field)
    {
        var errors = TransactionRequestValidator.Validate(new CreateTransactionRequest([new("ITC", 1, TradeType.Buy)], Basket: new BasketBranding(name, logoUrl)));

        Assert.Equal(field, Assert.Single(errors).Field);
    }

    [Fact]
    public void Validate_BasketNameAtTheLimit_AcceptedAndOneOver_Refused()
    {
        var atLimit = new string('N', TransactionRequestValidator.MaxBasketNameLength);
        var request = new CreateTransactionRequest([new("ITC", 1, TradeType.Buy)], Basket: new BasketBranding(atLimit, null));

        Assert.Empty(TransactionRequestValidator.Validate(request));
        Assert.Equal("basket.name", Assert.Single(TransactionRequestValidator.Validate(request with { Basket = new BasketBranding(atLimit + "N", null) })).Field);
    }

    [Fact]
    public void WireBody_CarriesTheBasketUnderOrderConfig_AndOmitsItWhenAbsent()
    {
        var securities = new SecurityOrder[] { new("ITC", 1, TradeType.Buy) };
        var branded = System.Text.Json.JsonSerializer.SerializeToElement(
            CreateTransactionBody.From(new CreateTransactionRequest(securities, Basket: new BasketBranding("Tech Leaders", "https://cdn.example.com/logo.png"))), Gateway.Client.Json.GatewayJson.Options);
        var plain = System.Text.Json.JsonSerializer.SerializeToElement(CreateTransactionBody.From(new CreateTransactionRequest(securities)), Gateway.Client.Json.GatewayJson.Options);

        var basket = branded.GetProperty("orderConfig").GetProperty("basket");
        Assert.Equal("Tech Leaders", basket.GetProperty("name").GetString());
        Assert.Equal("https://cdn.example.com/logo.png", basket.GetProperty("logoUrl").GetString());
        Assert.False(plain.GetProperty("orderConfig").TryGetProperty("basket", out _));
    }
}
