namespace Lookout.Host.Reporting;

/// <summary>Latency samples of one pipeline stage: mean over the whole run, percentiles over the most recent samples.</summary>
/// <remarks>Recording does not allocate: samples go into a fixed ring. Not thread-safe; one writer.</remarks>
public sealed class StageStats
{
    private readonly double[] _ring;
    private long _count;
    private double _sum;

    public StageStats(string name, int window = 8192)
    {
        Name = name;
        _ring = new double[window];
    }

    public string Name { get; }

    public long Count => _count;

    public double Mean => _count == 0 ? 0 : _sum / _count;

    public void Record(double ms)
    {
        _ring[_count % _ring.Length] = ms;
        _count++;
        _sum += ms;
    }

    /// <summary>The <paramref name="p"/>-th percentile (0–100) over the recent window, nearest-rank.</summary>
    public double Percentile(double p)
    {
        var n = (int)Math.Min(_count, _ring.Length);
        if (n == 0)
        {
            return 0;
        }

        var copy = new double[n];
        Array.Copy(_ring, copy, n);
        Array.Sort(copy);
        var rank = (int)Math.Ceiling(p / 100.0 * n) - 1;
        return copy[Math.Clamp(rank, 0, n - 1)];
    }
}
