using System.Security.Cryptography;
using System.Text;
using FunctionApp.Api;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace LocalHost;

/// <summary>One HTTP-triggered function as its <c>[Function]</c> and <c>[HttpTrigger]</c> attributes declare it.</summary>
public sealed record HttpFunctionRoute(string Name, string Route, IReadOnlyList<string> Methods, AuthorizationLevel AuthLevel, MethodInfo Method)
{
    /// <summary>The Functions host's default route prefix (host.json <c>extensions.http.routePrefix</c>).</summary>
    public const string RoutePrefix = "api";

    public string Path => $"/{RoutePrefix}/{Route}";
}

/// <summary>
/// Serves the function app's HTTP functions as the Functions host would: each <c>[Function]</c> method with an
/// <c>[HttpTrigger]</c> on its route and methods, its class created per request from the app's services. A function
/// takes its <see cref="HttpRequest"/>, route values as strings, a <c>[DurableClient]</c> and a cancellation token;
/// anything else fails the start, so a new kind of binding cannot be silently served wrong.
/// </summary>
public static class HttpFunctionRoutes
{
    public static IReadOnlyList<HttpFunctionRoute> Discover(Assembly functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        var routes = new List<HttpFunctionRoute>();
        foreach (var method in functions.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)))
        {
            var function = method.GetCustomAttribute<FunctionAttribute>();
            var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(a => a is not null);
            if (function is null || trigger is null)
            {
                continue;
            }

            if (method.ReturnType != typeof(Task<IResult>))
            {
                throw new InvalidOperationException($"HTTP function {function.Name} must return Task<IResult>.");
            }

            var route = trigger.Route ?? function.Name;
            foreach (var parameter in method.GetParameters())
            {
                _ = ArgumentFor(parameter, route);
            }

            var methods = (trigger.Methods ?? ["get", "post"]).Select(m => m.ToUpperInvariant()).ToArray();
            routes.Add(new HttpFunctionRoute(function.Name, route, methods, trigger.AuthLevel, method));
        }

        return routes;
    }

    public static void MapHttpFunctions(this WebApplication app, Assembly functions)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var function in Discover(functions))
        {
            app.MapMethods(function.Path, function.Methods, context => InvokeAsync(context, function))
                .WithName(function.Name)
                .WithMetadata(function);
        }
    }

    /// <summary>The setting holding the key a function or admin level function needs (the Functions host checks its own keys).</summary>
    public const string FunctionKeySetting = "LocalHost:FunctionKey";

    private static async Task InvokeAsync(HttpContext context, HttpFunctionRoute function)
    {
        if (function.AuthLevel != AuthorizationLevel.Anonymous && !HasFunctionKey(context))
        {
            await ApiProblems.Status(
                StatusCodes.Status401Unauthorized,
                "A function key is required.",
                "Send it in the x-functions-key header or the code query parameter (locally: the LocalHost__FunctionKey setting).").ExecuteAsync(context);
            return;
        }

        var method = function.Method;
        var instance = method.IsStatic ? null : ActivatorUtilities.CreateInstance(context.RequestServices, method.DeclaringType!);
        var arguments = method.GetParameters().Select(p => ArgumentFor(p, function.Route)(context)).ToArray();
        var result = await (Task<IResult>)method.Invoke(instance, arguments)!;
        await result.ExecuteAsync(context);
    }

    private static bool HasFunctionKey(HttpContext context)
    {
        var configured = context.RequestServices.GetRequiredService<IConfiguration>()[FunctionKeySetting];
        var given = context.Request.Headers["x-functions-key"].FirstOrDefault() ?? context.Request.Query["code"].FirstOrDefault();
        return !string.IsNullOrEmpty(configured) && given is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(configured), Encoding.UTF8.GetBytes(given));
    }

    private static Func<HttpContext, object?> ArgumentFor(ParameterInfo parameter, string route)
    {
        if (parameter.ParameterType == typeof(HttpRequest))
        {
            return context => context.Request;
        }

        if (parameter.ParameterType == typeof(DurableTaskClient) && parameter.GetCustomAttribute<DurableClientAttribute>() is not null)
        {
            return context => context.RequestServices.GetRequiredService<DurableTaskClient>();
        }

        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return context => context.RequestAborted;
        }

        if (parameter.ParameterType == typeof(string) && route.Contains($"{{{parameter.Name}}}", StringComparison.Ordinal))
        {
            return context => context.Request.RouteValues[parameter.Name!]?.ToString();
        }

        throw new InvalidOperationException($"The local host cannot bind parameter {parameter.Name} ({parameter.ParameterType.Name}) of {parameter.Member.DeclaringType?.Name}.{parameter.Member.Name}.");
    }
}
