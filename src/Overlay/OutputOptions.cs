using System.ComponentModel.DataAnnotations;

namespace Lookout.Overlay;

/// <summary>The <c>Outputs</c> section: where annotated frames and detections go.</summary>
public sealed class OutputOptions
{
    public const string SectionName = "Outputs";

    /// <summary>Annotated video (for a video input) or image file/folder (for image inputs).</summary>
    public string? Video { get; set; }

    /// <summary>JSON lines path, or <c>-</c> for standard output.</summary>
    public string? Detections { get; set; }

    /// <summary>Folder for the default outputs when neither <see cref="Video"/> nor <see cref="Detections"/> is set.</summary>
    [Required]
    public string Directory { get; set; } = "out";

    /// <summary>Video encoder: mp4v (.mp4), MJPG or XVID (.avi) in-process, or h264 through ffmpeg (.mp4, .mkv).</summary>
    [Required]
    [RegularExpression("^(mp4v|MJPG|XVID|DIVX|h264)$", ErrorMessage = "Outputs:Codec must be one of mp4v, MJPG, XVID, DIVX, h264.")]
    public string Codec { get; set; } = "mp4v";

    /// <summary>
    /// Who encodes mp4v: <c>auto</c> (an ffmpeg child process when ffmpeg is installed, else OpenCV in-process),
    /// <c>opencv</c>, or <c>ffmpeg</c>.
    /// </summary>
    [Required]
    [RegularExpression("^(auto|opencv|ffmpeg)$", ErrorMessage = "Outputs:Encoder must be one of auto, opencv, ffmpeg.")]
    public string Encoder { get; set; } = "auto";

    /// <summary>Live runs: start a new recording file after this long (zero: one file).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan Segment { get; set; }

    /// <summary>Live runs: a metrics line in the log at this interval (zero: none).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Show a progress bar on standard error.</summary>
    public bool Progress { get; set; } = true;
}
