using System.Runtime.InteropServices;

namespace Lookout.Training;

/// <summary>Process-wide settings libtorch needs before its first tensor.</summary>
public static class TorchRuntime
{
    // glibc mallopt parameters (malloc.h).
    private const int MTrimThreshold = -1;
    private const int MMmapMax = -4;

    private static int _initialized;

    /// <summary>
    /// Tunes glibc malloc for libtorch (Linux only), once per process. By default every allocation
    /// over 32 MB is an mmap that is unmapped on free and page-faulted again on the next training step,
    /// which made training 3-6 times slower here; keeping freed memory in the heap avoids that.
    /// </summary>
    public static void Initialize()
    {
        if (Interlocked.Exchange(ref _initialized, 1) != 0 || !OperatingSystem.IsLinux())
        {
            return;
        }

        _ = NativeMethods.mallopt(MMmapMax, 0);
        _ = NativeMethods.mallopt(MTrimThreshold, int.MaxValue);
    }

    private static class NativeMethods
    {
        [DllImport("libc.so.6", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int mallopt(int param, int value);
    }
}
