namespace FunctionApp.Hosting;

/// <summary>
/// Under the Functions host the handler listens on the port the host gives it and the host owns the triggers;
/// standalone, the app listens on its own URLs and runs the queue and timer triggers itself.
/// </summary>
public sealed record HostingMode(bool UnderFunctionsHost, int? HostPort)
{
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public static HostingMode Detect(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return int.TryParse(configuration[PortVariable], out var port)
            ? new HostingMode(true, port)
            : new HostingMode(false, null);
    }
}
