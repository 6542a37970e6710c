namespace FunctionApp.Api;

public static class HealthEndpoint
{
    public static IResult HandleAsync() => TypedResults.Ok(new { status = "healthy" });
}
