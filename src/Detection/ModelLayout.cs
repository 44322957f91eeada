namespace Lookout.Detection;

/// <summary>How a detection network lays out its outputs.</summary>
public enum ModelLayout
{
    /// <summary>Two outputs: boxes [1,N,4] normalized x1,y1,x2,y2, scores [1,N,C] softmaxed with column 0 = background.</summary>
    Ssd,

    /// <summary>One output [1,4+nc,N] (or [1,N,4+nc]): cx,cy,w,h in input pixels, then class scores; no objectness.</summary>
    Yolov8,

    /// <summary>One output [1,N,5+nc]: cx,cy,w,h in input pixels, objectness, class scores; score = obj·cls.</summary>
    Yolov5,

    /// <summary>One output [1,N,5+nc] on stride grids: (x,y,log w,log h) raw, objectness and classes sigmoided.</summary>
    Yolox,
}
