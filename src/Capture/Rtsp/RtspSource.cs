using System.Diagnostics;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lookout.Capture.Rtsp;

/// <summary>
/// Frames of an RTSP stream, decoded by an <c>ffmpeg</c> child process (the bundled OpenCV has no
/// network support) into pooled BGR Mats. Reconnects on loss or stall with capped exponential back-off.
/// </summary>
/// <remarks>
/// Live: the reading thread never waits for downstream; the pipeline's newest-frame gate drops stale
/// frames. A stream that ends, errors, or delivers no frame for <see cref="RtspSourceOptions.StallTimeout"/>
/// is reconnected on the <see cref="ReconnectSchedule"/>; the loss and the recovery are each logged
/// once per outage, with the reason and the attempt count. Only a policy that gives up ends the
/// sequence, with a <see cref="SourceException"/> naming the masked URL. Ownership: each frame passes
/// to the observer at <c>OnNext</c>; a Mat whose read fails goes back to the pool here. The URL's
/// credentials appear nowhere but on ffmpeg's command line: <see cref="SourceInfo.Name"/>,
/// <see cref="Frame.Source"/>, logs and errors carry the masked form.
/// </remarks>
public sealed partial class RtspSource : FrameSource
{
    private readonly RtspSourceOptions _options;
    private readonly ReconnectSchedule _schedule;
    private readonly FramePool _pool = new();
    private readonly ILogger _logger;
    private readonly bool _reached;
    private long _reconnects;

    private RtspSource(RtspSourceOptions options, int width, int height, double fps, ReconnectSchedule schedule, ILogger logger, bool reached)
    {
        _options = options;
        _schedule = schedule;
        _logger = logger;
        _reached = reached;
        Info = new SourceInfo(UrlMasking.MaskCredentials(options.Url), width, height, fps, options.MaxFrames > 0 ? options.MaxFrames : -1, IsLive: true);
    }

    public override SourceInfo Info { get; }

    /// <summary>Times the stream came back after an outage, for the metrics line.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Whether <paramref name="input"/> is an <c>rtsp://</c> or <c>rtsps://</c> URL.</summary>
    public static bool IsRtspUrl(string? input) =>
        input is not null && (input.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase) || input.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Opens the stream: probes its size and frame rate with ffprobe unless the options give the size,
    /// retrying on the reconnect policy while it cannot be reached.
    /// </summary>
    /// <param name="scheduler">The back-off clock (default: real time).</param>
    /// <param name="cancel">Stops the retries: <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="SourceException">Not an RTSP URL, bad options, ffmpeg missing, or the policy gave up.</exception>
    public static RtspSource Open(RtspSourceOptions options, ILogger? logger = null, IScheduler? scheduler = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var masked = UrlMasking.MaskCredentials(options.Url);
        if (!IsRtspUrl(options.Url))
        {
            throw new SourceException($"'{masked}' is not an RTSP URL; pass rtsp://[user:password@]host[:port]/path.");
        }

        if (options.StallTimeout <= TimeSpan.Zero)
        {
            throw new SourceException($"The stall timeout for {masked} must be positive (got {options.StallTimeout.TotalSeconds} s).");
        }

        if ((options.Width > 0) != (options.Height > 0) || options.Width < 0 || options.Height < 0)
        {
            throw new SourceException($"Give both a width and a height for {masked}, or neither to ask the stream.");
        }

        logger ??= NullLogger.Instance;
        var schedule = new ReconnectSchedule(options.Reconnect, scheduler ?? Scheduler.Default);
        if (options.Width > 0)
        {
            return new RtspSource(options, options.Width, options.Height, options.Fps, schedule, logger, reached: false);
        }

        while (true)
        {
            var probed = StreamProbe.TryProbe(options.FfprobePath, options.Url, options.StallTimeout, cancel, out var failure);
            cancel.ThrowIfCancellationRequested();
            if (probed is { } p)
            {
                if (schedule.InOutage)
                {
                    LogConnected(logger, masked, schedule.FailedAttempts + 1, schedule.OutageDuration.TotalSeconds);
                    schedule.Recovered();
                }

                return new RtspSource(options, p.Width, p.Height, options.Fps > 0 ? options.Fps : p.Fps, schedule, logger, reached: true);
            }

            var first = !schedule.InOutage;
            var delay = schedule.AttemptFailed();
            if (delay is null)
            {
                throw GiveUp(masked, schedule, failure, everConnected: false);
            }

            if (first)
            {
                LogCannotConnect(logger, masked, failure, delay.Value.TotalSeconds, schedule.Policy.Describe());
            }
            else
            {
                LogAttemptFailed(logger, masked, schedule.FailedAttempts, failure, delay.Value.TotalSeconds);
            }

            if (!schedule.Wait(delay.Value, cancel))
            {
                cancel.ThrowIfCancellationRequested();
            }
        }
    }

    protected override void Produce(IObserver<Frame> observer, CancellationToken stop, CancellationToken abort)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, abort);
        var cancel = linked.Token;
        var name = Info.Name;
        var maxFrames = _options.MaxFrames;
        var everConnected = _reached;
        long index = 0;
        var clock = Stopwatch.GetTimestamp();
        while (!cancel.IsCancellationRequested)
        {
            long delivered = 0;
            string reason;
            using (var reader = FfmpegFrameReader.Start(_options.FfmpegPath, _options.Url, Info.Width, Info.Height, _options.StallTimeout, cancel))
            {
                while (true)
                {
                    if (cancel.IsCancellationRequested || (maxFrames > 0 && index >= maxFrames))
                    {
                        return;
                    }

                    var start = Stopwatch.GetTimestamp();
                    var mat = _pool.Rent();
                    if (!reader.Read(mat))
                    {
                        _pool.Return(mat);
                        reason = reader.EndReason;
                        break;
                    }

                    if (delivered++ == 0)
                    {
                        everConnected = true;
                        if (_schedule.InOutage)
                        {
                            LogRecovered(_logger, name, _schedule.FailedAttempts + 1, _schedule.OutageDuration.TotalSeconds);
                            Interlocked.Increment(ref _reconnects);
                            _schedule.Recovered();
                        }
                    }

                    var now = Stopwatch.GetTimestamp();
                    observer.OnNext(new Frame(mat, index, Stopwatch.GetElapsedTime(clock, now), name, _pool, Stopwatch.GetElapsedTime(start, now).TotalMilliseconds));
                    index++;
                }
            }

            if (cancel.IsCancellationRequested)
            {
                return;
            }

            var first = !_schedule.InOutage;
            var delay = delivered > 0 ? _schedule.Lost() : _schedule.AttemptFailed();
            if (delay is null)
            {
                throw GiveUp(name, _schedule, reason, everConnected);
            }

            if (first && everConnected)
            {
                LogLost(_logger, name, reason, delay.Value.TotalSeconds, _schedule.Policy.Describe());
            }
            else if (first)
            {
                LogCannotConnect(_logger, name, reason, delay.Value.TotalSeconds, _schedule.Policy.Describe());
            }
            else
            {
                LogAttemptFailed(_logger, name, _schedule.FailedAttempts, reason, delay.Value.TotalSeconds);
            }

            if (!_schedule.Wait(delay.Value, cancel))
            {
                return;
            }
        }
    }

    public override void Dispose() => _pool.Dispose();

    private static SourceException GiveUp(string masked, ReconnectSchedule schedule, string reason, bool everConnected) =>
        new($"RTSP stream {masked} {(everConnected ? "was lost and did not come back" : "cannot be reached")}: gave up after {schedule.FailedAttempts} attempt(s) over {schedule.OutageDuration.TotalSeconds:0.#} s ({schedule.Policy.Describe()}); last error: {reason}. Check the URL, the credentials and that the camera or server is up.");

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "{Source}: stream lost ({Reason}); reconnecting, first attempt in {Delay:0.#} s, {Policy}")]
    private static partial void LogLost(ILogger logger, string source, string reason, double delay, string policy);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "{Source}: stream back after {Attempts} reconnect attempt(s), {Outage:0.#} s without frames")]
    private static partial void LogRecovered(ILogger logger, string source, int attempts, double outage);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug, Message = "{Source}: attempt {Attempt} failed ({Reason}); next in {Delay:0.#} s")]
    private static partial void LogAttemptFailed(ILogger logger, string source, int attempt, string reason, double delay);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "{Source}: cannot connect ({Reason}); retrying, next attempt in {Delay:0.#} s, {Policy}")]
    private static partial void LogCannotConnect(ILogger logger, string source, string reason, double delay, string policy);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "{Source}: connected after {Attempts} attempt(s), {Outage:0.#} s")]
    private static partial void LogConnected(ILogger logger, string source, int attempts, double outage);
}
