namespace Gateway.Simulator.Clock;

/// <summary>What the simulated clock says, and how it moves.</summary>
public sealed record ClockState(DateTimeOffset Now, bool Frozen);

/// <summary>
/// The simulator's notion of now: the real time plus an offset, or frozen at an instant. Tests freeze it and
/// move it explicitly; people running the simulator can leave it running and jump it forward.
/// Only <see cref="GetUtcNow"/> is simulated: timers created through this provider run in real time.
/// </summary>
public sealed class SimulatorClock : TimeProvider
{
    private readonly TimeProvider realTime;
    private readonly Lock gate = new();
    private TimeSpan offset;
    private DateTimeOffset frozenAt;
    private bool frozen;

    public SimulatorClock(DateTimeOffset? start = null, bool freeze = false, TimeProvider? realTime = null)
    {
        this.realTime = realTime ?? System;
        var now = this.realTime.GetUtcNow();
        offset = start is { } s ? s - now : TimeSpan.Zero;
        frozenAt = now + offset;
        frozen = freeze;
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return frozen ? frozenAt : realTime.GetUtcNow() + offset;
        }
    }

    public ClockState State
    {
        get
        {
            lock (gate)
            {
                return new ClockState(frozen ? frozenAt : realTime.GetUtcNow() + offset, frozen);
            }
        }
    }

    /// <summary>Moves the clock forward (or back, with a negative span).</summary>
    public void AdvanceBy(TimeSpan delta)
    {
        lock (gate)
        {
            if (frozen)
            {
                frozenAt += delta;
            }
            else
            {
                offset += delta;
            }
        }
    }

    public void SetTo(DateTimeOffset instant)
    {
        lock (gate)
        {
            if (frozen)
            {
                frozenAt = instant;
            }
            else
            {
                offset = instant - realTime.GetUtcNow();
            }
        }
    }

    /// <summary>Freezes the clock at its current reading, or lets it run on from the frozen instant.</summary>
    public void Freeze(bool freeze)
    {
        lock (gate)
        {
            if (freeze == frozen)
            {
                return;
            }

            var realNow = realTime.GetUtcNow();
            if (freeze)
            {
                frozenAt = realNow + offset;
            }
            else
            {
                offset = frozenAt - realNow;
            }

            frozen = freeze;
        }
    }
}
