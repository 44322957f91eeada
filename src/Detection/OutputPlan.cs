using System.Globalization;
using System.Text;

namespace Lookout.Detection;

/// <summary>Which model outputs a layout reads and how they are shaped, checked against the card.</summary>
internal sealed class OutputPlan
{
    private OutputPlan(ModelLayout layout, int primary, int secondary, int count, int classes, bool channelsFirst)
    {
        Layout = layout;
        Primary = primary;
        Secondary = secondary;
        Count = count;
        Classes = classes;
        ChannelsFirst = channelsFirst;
    }

    public ModelLayout Layout { get; }

    /// <summary>Output index of the YOLO tensor, or of the SSD boxes.</summary>
    public int Primary { get; }

    /// <summary>Output index of the SSD scores; −1 for YOLO layouts.</summary>
    public int Secondary { get; }

    /// <summary>Anchors (rows) N.</summary>
    public int Count { get; }

    /// <summary>Classes; for SSD, the score columns without background.</summary>
    public int Classes { get; }

    /// <summary>YOLOv8 output is [1,4+nc,N] rather than [1,N,4+nc].</summary>
    public bool ChannelsFirst { get; }

    /// <summary>
    /// Matches the card to the actual output shapes. <paramref name="cardText"/> and <paramref name="modelText"/>
    /// name the two files in messages.
    /// </summary>
    /// <exception cref="ModelException">The outputs do not fit the card's layout and label count.</exception>
    public static OutputPlan Resolve(
        ModelCard card,
        IReadOnlyList<string> names,
        IReadOnlyList<long[]> shapes,
        string cardText,
        string modelText)
    {
        int nc = card.Labels.Count;
        string layoutName = ModelCard.LayoutName(card.Layout);

        if (card.Layout == ModelLayout.Ssd)
        {
            return ResolveSsd(nc, names, shapes, cardText, modelText);
        }

        int primary = -1;
        for (int i = 0; i < shapes.Count; i++)
        {
            if (shapes[i].Length == 3 && shapes[i][0] == 1)
            {
                primary = i;
                break;
            }
        }

        if (primary < 0)
        {
            throw Mismatch(
                $"{cardText} says layout {layoutName}, which needs one output of shape [1,…,…], but {modelText} has outputs {DescribeAll(names, shapes)}",
                "Fix 'layout' in the card or use a detection export of the model");
        }

        long[] s = shapes[primary];
        string output = $"{modelText} output '{names[primary]}' is {Describe(s)}";
        switch (card.Layout)
        {
            case ModelLayout.Yolov8:
                {
                    int channels = 4 + nc;
                    if (s[1] == channels)
                    {
                        return new OutputPlan(card.Layout, primary, -1, (int)s[2], nc, channelsFirst: true);
                    }

                    if (s[2] == channels)
                    {
                        return new OutputPlan(card.Layout, primary, -1, (int)s[1], nc, channelsFirst: false);
                    }

                    throw Mismatch(
                        $"{cardText} says layout yolov8 with {nc} labels, so the output should be [1,{channels},N] or [1,N,{channels}], but {output}",
                        LabelHint(s, 4));
                }

            case ModelLayout.Yolov5:
                {
                    int channels = 5 + nc;
                    if (s[2] != channels)
                    {
                        throw Mismatch(
                            $"{cardText} says layout yolov5 with {nc} labels, so the output should be [1,N,{channels}], but {output}",
                            LabelHint(s, 5));
                    }

                    return new OutputPlan(card.Layout, primary, -1, (int)s[1], nc, channelsFirst: false);
                }

            default:
                {
                    int channels = 5 + nc;
                    int anchors = OutputDecoder.YoloxAnchorCount(card.Input.Width, card.Input.Height, card.Strides.ToArray());
                    if (s[2] != channels)
                    {
                        throw Mismatch(
                            $"{cardText} says layout yolox with {nc} labels, so the output should be [1,{anchors},{channels}], but {output}",
                            LabelHint(s, 5));
                    }

                    if (s[1] != anchors)
                    {
                        throw Mismatch(
                            $"{cardText} says layout yolox on a {card.Input.Width}x{card.Input.Height} input with strides [{string.Join(",", card.Strides)}], which gives {anchors} grid rows, but {output}",
                            "Fix 'strides' or the input size in the card");
                    }

                    return new OutputPlan(card.Layout, primary, -1, anchors, nc, channelsFirst: false);
                }
        }
    }

    internal static string Describe(IReadOnlyList<long> dims)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < dims.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(dims[i] < 0 ? "?" : dims[i].ToString(CultureInfo.InvariantCulture));
        }

        return sb.Append(']').ToString();
    }

    internal static string DescribeAll(IReadOnlyList<string> names, IReadOnlyList<long[]> shapes)
    {
        var parts = new string[names.Count];
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = $"'{names[i]}' {Describe(shapes[i])}";
        }

        return string.Join(", ", parts);
    }

    private static OutputPlan ResolveSsd(int nc, IReadOnlyList<string> names, IReadOnlyList<long[]> shapes, string cardText, string modelText)
    {
        int boxes = -1;
        int scores = -1;
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], "boxes", StringComparison.OrdinalIgnoreCase))
            {
                boxes = i;
            }
            else if (string.Equals(names[i], "scores", StringComparison.OrdinalIgnoreCase))
            {
                scores = i;
            }
        }

        if (boxes < 0 || scores < 0)
        {
            // No conventional names: take the two rank-3 outputs and tell them apart by the last dimension.
            int first = -1;
            int second = -1;
            for (int i = 0; i < shapes.Count; i++)
            {
                if (shapes[i].Length != 3)
                {
                    continue;
                }

                if (first < 0)
                {
                    first = i;
                }
                else if (second < 0)
                {
                    second = i;
                }
            }

            if (first >= 0 && second >= 0)
            {
                bool secondIsBoxes = shapes[second][2] == 4 && shapes[first][2] != 4;
                boxes = secondIsBoxes ? second : first;
                scores = secondIsBoxes ? first : second;
            }
        }

        if (boxes < 0 || scores < 0)
        {
            throw Mismatch(
                $"{cardText} says layout ssd, which needs outputs boxes [1,N,4] and scores [1,N,C], but {modelText} has outputs {DescribeAll(names, shapes)}",
                "Fix 'layout' in the card");
        }

        long[] b = shapes[boxes];
        long[] s = shapes[scores];
        if (b.Length != 3 || b[0] != 1 || b[2] != 4 || s.Length != 3 || s[0] != 1 || s[1] != b[1])
        {
            throw Mismatch(
                $"{cardText} says layout ssd, which needs boxes [1,N,4] and scores [1,N,C], but {modelText} has boxes '{names[boxes]}' {Describe(b)} and scores '{names[scores]}' {Describe(s)}",
                "Fix 'layout' in the card");
        }

        if (s[2] != nc + 1)
        {
            throw Mismatch(
                $"{cardText} lists {nc} labels, so the SSD scores output needs {nc + 1} columns (background first), but {modelText} output '{names[scores]}' is {Describe(s)}",
                $"The model has {s[2] - 1} classes; list that many labels in the card");
        }

        return new OutputPlan(ModelLayout.Ssd, boxes, scores, (int)b[1], nc, channelsFirst: false);
    }

    private static string LabelHint(long[] shape, int boxChannels)
    {
        long other = Math.Min(shape[1], shape[2]) - boxChannels;
        return other > 0
            ? $"If the model is right, it has {other} classes: list that many labels, or fix 'layout' in the card"
            : "Fix 'layout' in the card";
    }

    private static ModelException Mismatch(string problem, string fix) => new($"{problem}. {fix}.");
}
