namespace Gateway.Simulator.Scenarios;

/// <summary>A fault still armed on one API, with the calls it has left.</summary>
public sealed record ArmedApiFault(ApiFault Fault, int Remaining);

/// <summary>The API faults currently armed, consumed one call at a time. Thread-safe.</summary>
public sealed class ApiFaultBoard
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, ArmedApiFault> armed = new(StringComparer.Ordinal);

    /// <summary>Arms each fault, replacing whatever was armed on the same API.</summary>
    public void Arm(IReadOnlyDictionary<string, ApiFault> faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        lock (gate)
        {
            foreach (var (api, fault) in faults)
            {
                armed[api] = new ArmedApiFault(fault, fault.Count);
            }
        }
    }

    /// <summary>The fault for this call of <paramref name="api"/>, if one is armed; counts the call against it.</summary>
    public ApiFault? TryTake(string api)
    {
        lock (gate)
        {
            if (!armed.TryGetValue(api, out var current))
            {
                return null;
            }

            if (current.Remaining <= 1)
            {
                armed.Remove(api);
            }
            else
            {
                armed[api] = current with { Remaining = current.Remaining - 1 };
            }

            return current.Fault;
        }
    }

    public IReadOnlyDictionary<string, ArmedApiFault> Snapshot()
    {
        lock (gate)
        {
            return new Dictionary<string, ArmedApiFault>(armed, StringComparer.Ordinal);
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            armed.Clear();
        }
    }
}
