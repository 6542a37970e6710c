using System.Globalization;

namespace Soak;

/// <summary>The soak command's arguments.</summary>
internal sealed record SoakOptions(int Count, int Concurrency, int Seed, TimeSpan Timeout, bool Verbose)
{
    public const string Usage =
        "usage: dotnet run --project tools/Soak -c Release -- [--count 1000] [--concurrency 16] [--seed N] [--timeout 00:15:00] [--verbose]";

    public static (SoakOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var options = new SoakOptions(1000, 16, Environment.TickCount & int.MaxValue, TimeSpan.FromMinutes(15), Verbose: false);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--verbose")
            {
                options = options with { Verbose = true };
                continue;
            }

            if (i + 1 >= args.Count)
            {
                return (null, $"{name} needs a value.");
            }

            var value = args[++i];
            switch (name)
            {
                case "--count" when int.TryParse(value, CultureInfo.InvariantCulture, out var count) && count > 0:
                    options = options with { Count = count };
                    break;
                case "--concurrency" when int.TryParse(value, CultureInfo.InvariantCulture, out var concurrency) && concurrency > 0:
                    options = options with { Concurrency = concurrency };
                    break;
                case "--seed" when int.TryParse(value, CultureInfo.InvariantCulture, out var seed):
                    options = options with { Seed = seed };
                    break;
                case "--timeout" when TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var timeout) && timeout > TimeSpan.Zero:
                    options = options with { Timeout = timeout };
                    break;
                default:
                    return (null, $"Unknown option or invalid value: {name} {value}");
            }
        }

        return (options, null);
    }
}
