using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lookout.Detection.Tests;

/// <summary>One entry of <c>shared/media/reference/&lt;model&gt;.&lt;image&gt;.json</c>.</summary>
internal readonly record struct ReferenceDetection(string Label, float Score, BoxF Box)
{
    public static ReferenceDetection[] Load(string path)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        var result = new List<ReferenceDetection>();
        foreach (JsonElement item in document.RootElement.EnumerateArray())
        {
            JsonElement box = item.GetProperty("box");
            result.Add(new ReferenceDetection(
                item.GetProperty("label").GetString()!,
                item.GetProperty("score").GetSingle(),
                new BoxF(box[0].GetSingle(), box[1].GetSingle(), box[2].GetSingle(), box[3].GetSingle())));
        }

        return [.. result];
    }

    /// <summary>
    /// The agreed criterion: every detection scoring at least threshold + 0.05, on either side, has a partner on
    /// the other side with the same label, IoU ≥ 0.9 and |Δscore| ≤ 0.02.
    /// </summary>
    public static void AssertAgree(IReadOnlyList<ReferenceDetection> reference, IReadOnlyList<Detection> ours, float threshold, string context)
    {
        const float minIoU = 0.9f;
        const float maxScoreDelta = 0.02f;
        float margin = threshold + 0.05f;
        var problems = new StringBuilder();

        foreach (ReferenceDetection r in reference)
        {
            if (r.Score < margin)
            {
                continue;
            }

            bool found = false;
            foreach (Detection d in ours)
            {
                found |= d.Label == r.Label && BoxF.IoU(d.Box, r.Box) >= minIoU && MathF.Abs(d.Score - r.Score) <= maxScoreDelta;
            }

            if (!found)
            {
                problems.AppendLine(CultureInfo.InvariantCulture, $"  reference {Format(r.Label, r.Score, r.Box)} has no match among ours");
            }
        }

        foreach (Detection d in ours)
        {
            if (d.Score < margin)
            {
                continue;
            }

            bool found = false;
            foreach (ReferenceDetection r in reference)
            {
                found |= d.Label == r.Label && BoxF.IoU(d.Box, r.Box) >= minIoU && MathF.Abs(d.Score - r.Score) <= maxScoreDelta;
            }

            if (!found)
            {
                problems.AppendLine(CultureInfo.InvariantCulture, $"  ours {Format(d.Label, d.Score, d.Box)} has no match in the reference");
            }
        }

        if (problems.Length > 0)
        {
            var message = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"{context} disagrees with the reference:").Append(problems);
            message.AppendLine("ours:");
            foreach (Detection d in ours)
            {
                message.AppendLine("  " + Format(d.Label, d.Score, d.Box));
            }

            message.AppendLine("reference:");
            foreach (ReferenceDetection r in reference)
            {
                message.AppendLine("  " + Format(r.Label, r.Score, r.Box));
            }

            Assert.Fail(message.ToString());
        }
    }

    private static string Format(string label, float score, BoxF b) =>
        string.Create(CultureInfo.InvariantCulture, $"{label} {score:F4} [{b.X1:F1}, {b.Y1:F1}, {b.X2:F1}, {b.Y2:F1}]");
}
