using FunctionApp.Api;

namespace FunctionApp.Tests.Api;

public sealed class JsonBodyTests
{
    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json;charset=UTF-8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("Application/JSON")]
    [InlineData("application/problem+json")]
    [InlineData("application/vnd.smallcase.webhook+json; charset=utf-8")]
    public void IsJson_JsonMediaTypes_AreAccepted(string contentType)
    {
        Assert.True(JsonBody.IsJson(contentType));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("text/plain")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("text/json")]
    [InlineData("application/jsonp")]
    [InlineData("application/json-patch")]
    [InlineData("application/*+json")]
    [InlineData("application/*")]
    [InlineData("*/*")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("json")]
    public void IsJson_AnythingElse_IsRefused(string? contentType)
    {
        Assert.False(JsonBody.IsJson(contentType));
    }
}
