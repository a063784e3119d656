// How the C# codec rows are timed: paired alternating trials of a generated codec and the
// hand-written code it is compared with, as the TS rows (bench/codec-rate.ts). One file for both
// C# codec benches: the Peer's codec-bench compiles it (one of its sources, so copies of dotnet/ have it)
// and bench/codec-cs-gallery.ts copies it into the gallery's temporary project.
using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace Twinmap.Bench;

/// <summary>One row: an implementation's best trial, and its ratio to the group's baseline in each pair of trials (none for the baseline).</summary>
public sealed record CodecRate(string Record, string Op, string Impl, double RecordsPerSec, double[]? Pairs);

/// <summary>Times groups of implementations (a record type and an operation) in paired trials.</summary>
/// <param name="pairs">Rounds per group: in each, one trial of every implementation.</param>
/// <param name="emit">Receives every row once its group is measured.</param>
public sealed class CodecTiming(int pairs, Action<CodecRate> emit)
{
    /// <summary>
    /// Warms every implementation up, then runs <c>pairs</c> rounds; a round runs one trial of
    /// each, the baseline first in even rounds and last in odd ones (the others in reverse order),
    /// so a steady drift of the machine's speed cancels. Each of <paramref name="others"/> gets one
    /// ratio per round: its rate ÷ the baseline's in that round. The rate reported is the best trial's.
    /// </summary>
    public void Group(string record, string op, int n, (string Impl, Action Body) baseline, params (string Impl, Action Body)[] others)
    {
        var all = new List<(string Impl, Action Body)> { baseline };
        all.AddRange(others);
        foreach (var (_, body) in all) Warm(body);
        var best = new double[all.Count];
        Array.Fill(best, double.MaxValue);
        var ratios = new double[others.Length][];
        for (int k = 0; k < others.Length; k++) ratios[k] = new double[pairs];
        var seconds = new double[all.Count];
        for (int round = 0; round < pairs; round++)
        {
            for (int j = 0; j < all.Count; j++)
            {
                int i = round % 2 == 0 ? j : all.Count - 1 - j;
                seconds[i] = Trial(all[i].Body);
                best[i] = Math.Min(best[i], seconds[i]);
            }
            for (int k = 0; k < others.Length; k++) ratios[k][round] = seconds[0] / seconds[k + 1];
        }
        for (int i = 0; i < all.Count; i++)
            emit(new CodecRate(record, op, all[i].Impl, n / best[i], i == 0 ? null : ratios[i - 1]));
    }

    /// <summary>
    /// Calls per trial. A call of a few ms that a neighbour's work preempts (a time slice of the
    /// other core's queue) takes several times as long; the fastest of five is a call that ran
    /// through, for either side of a pair.
    /// </summary>
    public const int CallsPerTrial = 5;

    /// <summary>One trial: the fastest of <see cref="CallsPerTrial"/> calls back to back, in seconds.</summary>
    private static double Trial(Action body)
    {
        double best = double.MaxValue;
        for (int c = 0; c < CallsPerTrial; c++)
        {
            long t0 = Stopwatch.GetTimestamp();
            body();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        return best;
    }

    /// <summary>
    /// Untimed rounds: the runtime compiles a method at tier 1 only after it has been called 30
    /// times past a 100 ms start-up delay, on a background thread, while a loop written inline in
    /// <paramref name="body"/> is promoted on the spot (OSR); without a warm-up the generated
    /// codec's methods were timed at tier 0 against optimized hand-written loops. Rounds run until
    /// 1 s has passed and five rounds in a row were no faster than the best before them (at most
    /// 3 s: a loaded machine starves the compiler thread).
    /// </summary>
    private static void Warm(Action body)
    {
        long warm = Stopwatch.GetTimestamp();
        double warmBest = double.MaxValue;
        int flat = 0;
        while (Stopwatch.GetElapsedTime(warm).TotalSeconds < 3)
        {
            long t = Stopwatch.GetTimestamp();
            body();
            double s = Stopwatch.GetElapsedTime(t).TotalSeconds;
            if (s < warmBest * 0.97) { warmBest = s; flat = 0; }
            else flat++;
            if (flat >= 5 && Stopwatch.GetElapsedTime(warm).TotalSeconds >= 1) break;
        }
    }
}
