using FunctionApp.Api;

namespace LocalHost.TryIt;

/// <summary>The page's static files, embedded in the app (<c>TryIt/wwwroot</c>), served with a strict content security policy.</summary>
internal sealed class TryItFiles
{
    private const string ResourcePrefix = "TryIt/";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    // Same-origin scripts, styles and calls only; the page never loads anything from elsewhere.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private readonly Dictionary<string, (byte[] Content, string ContentType)> files;

    private TryItFiles(Dictionary<string, (byte[] Content, string ContentType)> files) => this.files = files;

    public static TryItFiles Load()
    {
        var assembly = typeof(TryItFiles).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var fileName = name[ResourcePrefix.Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(fileName), out var contentType))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            files[fileName] = (buffer.ToArray(), contentType);
        }

        return files.ContainsKey("index.html")
            ? new TryItFiles(files)
            : throw new InvalidOperationException("The try-it page's files are not embedded in the app.");
    }

    public IResult Serve(HttpContext context, string fileName)
    {
        if (!files.TryGetValue(fileName, out var file))
        {
            return ApiProblems.NotFound("The file");
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache";
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Bytes(file.Content, file.ContentType);
    }
}
