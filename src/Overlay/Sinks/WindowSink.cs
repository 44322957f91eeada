using OpenCvSharp;

namespace Lookout.Overlay.Sinks;

/// <summary>
/// Shows annotated frames in an OpenCV (HighGUI) window; <c>q</c> or Esc asks to quit, space pauses, <c>+</c> and
/// <c>-</c> raise and lower the score threshold (through <see cref="ScoreKeys"/>).
/// </summary>
/// <remarks>
/// Does not take ownership of the frames it shows. Every call (open, show, keys, close) must come from
/// the one thread that writes to the sink: HighGUI's GTK backend is single-threaded. While paused, the
/// last frame stays on screen and <see cref="Write"/> keeps pumping window events until space is pressed
/// again or quit is asked, so the producer is held back instead of frames piling up (live sources drop
/// stale frames meanwhile). Without a display the constructor fails with an error that suggests the
/// headless verbs.
/// </remarks>
public sealed class WindowSink : IFrameSink
{
    private const int KeyEscape = 27;
    private const int KeySpace = 32;

    // GTK's keypad plus and minus (0xFFAB, 0xFFAD), as WaitKey's low byte.
    private const int KeypadPlus = 0xAB;
    private const int KeypadMinus = 0xAD;

    private readonly string _title;
    private readonly Action _quit;
    private bool _open;
    private bool _seenVisible;
    private bool _paused;
    private bool _quitRequested;

    /// <param name="title">Window title.</param>
    /// <param name="quit">Called once, on the writing thread, when the user presses <c>q</c>/Esc or closes the window.</param>
    /// <param name="environment">Reads an environment variable; tests replace it.</param>
    /// <exception cref="OutputException">There is no display to open a window on.</exception>
    public WindowSink(string title, Action quit, Func<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentNullException.ThrowIfNull(quit);
        EnsureDisplay(environment ?? Environment.GetEnvironmentVariable);
        _title = title;
        _quit = quit;
    }

    /// <summary>Told +1 for <c>+</c> (or <c>=</c>, or the keypad's plus) and -1 for <c>-</c> (or the keypad's minus), on the writing thread.</summary>
    public Action<int>? ScoreKeys { get; init; }

    /// <summary>Frames shown so far.</summary>
    public long FramesShown { get; private set; }

    /// <summary>Whether space paused the display.</summary>
    public bool Paused => _paused;

    public void Write(DetectedFrame frame)
    {
        if (_quitRequested)
        {
            return;
        }

        Show(frame.Frame.Image);
        FramesShown++;
        HandleKey(Cv2.WaitKey(1));
        while (_paused && !_quitRequested)
        {
            HandleKey(Cv2.WaitKey(30));
        }
    }

    public void Complete() => Close();

    public void Dispose() => Close();

    /// <summary>A Linux/BSD desktop needs DISPLAY (X11, Xvfb or XWayland) for HighGUI's GTK backend.</summary>
    internal static void EnsureDisplay(Func<string, string?> environment)
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS())
        {
            return;
        }

        if (string.IsNullOrEmpty(environment("DISPLAY")))
        {
            throw new OutputException(
                "No display for the window: DISPLAY is not set. On a headless machine use 'lookout stream' (JSON lines and recording) " +
                "or 'lookout annotate' (files); to see the window, run on a desktop, over 'ssh -X', or under 'xvfb-run -a'.");
        }
    }

    private void Show(Mat image)
    {
        try
        {
            if (!_open)
            {
                Cv2.NamedWindow(_title, WindowFlags.AutoSize);
                _open = true;
            }

            Cv2.ImShow(_title, image);
        }
        catch (OpenCVException e)
        {
            throw new OutputException(
                $"Cannot open the window '{_title}': {e.Message.Trim()}. Check DISPLAY, or use 'lookout stream' or 'lookout annotate' on a headless machine.",
                e);
        }
    }

    internal void HandleKey(int key)
    {
        if (key >= 0)
        {
            switch (key & 0xFF)
            {
                case 'q' or 'Q' or KeyEscape:
                    RequestQuit();
                    return;
                case KeySpace:
                    _paused = !_paused;
                    break;
                case '+' or '=' or KeypadPlus:
                    ScoreKeys?.Invoke(1);
                    break;
                case '-' or '_' or KeypadMinus:
                    ScoreKeys?.Invoke(-1);
                    break;
            }
        }

        // The window manager's close button: a window that was on screen and is no longer means quit.
        // (A new window is not visible until the window system has mapped it.)
        if (_open)
        {
            var visible = Cv2.GetWindowProperty(_title, WindowPropertyFlags.Visible) >= 1;
            if (visible)
            {
                _seenVisible = true;
            }
            else if (_seenVisible)
            {
                RequestQuit();
            }
        }
    }

    private void RequestQuit()
    {
        if (_quitRequested)
        {
            return;
        }

        _quitRequested = true;
        _paused = false;
        _quit();
    }

    private void Close()
    {
        if (!_open)
        {
            return;
        }

        _open = false;
        _seenVisible = false;
        Cv2.DestroyWindow(_title);
        Cv2.WaitKey(1);
    }
}
