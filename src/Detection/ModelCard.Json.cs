using System.Text;
using System.Text.Json;

namespace Lookout.Detection;

public sealed partial record ModelCard
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Reads a card; a <c>labels_file</c> is resolved against the card's folder.</summary>
    /// <exception cref="ModelException">The file is missing, is not JSON, or a field is missing or invalid.</exception>
    public static ModelCard Load(string jsonPath) => Load(jsonPath, labelsFallbackDirectory: null);

    /// <summary>
    /// Reads a card; a <c>labels_file</c> is resolved against the card's folder, then against
    /// <paramref name="labelsFallbackDirectory"/> (the model's folder, so a card kept elsewhere can name labels
    /// that sit beside the model).
    /// </summary>
    public static ModelCard Load(string jsonPath, string? labelsFallbackDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(jsonPath);
        if (!File.Exists(jsonPath))
        {
            throw new ModelException($"Model card '{jsonPath}' does not exist. Write it or point Detector:CardPath at an existing card.");
        }

        string text;
        try
        {
            text = File.ReadAllText(jsonPath);
        }
        catch (IOException ex)
        {
            throw new ModelException($"Model card '{jsonPath}' cannot be read: {ex.Message}", ex);
        }

        return Parse(text, jsonPath, labelsFallbackDirectory);
    }

    /// <summary>Parses card JSON; <paramref name="sourcePath"/> names the card in messages and anchors <c>labels_file</c>.</summary>
    public static ModelCard Parse(string json, string sourcePath, string? labelsFallbackDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new ModelException($"Model card '{sourcePath}' is not valid JSON ({ex.Message}). Fix the file.", ex);
        }

        using (document)
        {
            var reader = new CardReader(sourcePath);
            JsonElement root = document.RootElement;
            reader.ExpectObject(root, "(root)");

            string name = reader.OptionalString(root, "name") ?? Path.GetFileNameWithoutExtension(sourcePath);
            ModelLayout layout = reader.RequiredEnum<ModelLayout>(root, "layout", LayoutNames);

            JsonElement input = reader.Required(root, "input");
            reader.ExpectObject(input, "input");
            var spec = new ModelInputSpec
            {
                Width = reader.RequiredPositiveInt(input, "width", "input.width"),
                Height = reader.RequiredPositiveInt(input, "height", "input.height"),
                Color = reader.RequiredEnum<ColorOrder>(input, "color", ColorNames, "input.color"),
                Scale = reader.RequiredPositiveFloat(input, "scale", "input.scale"),
                Mean = reader.OptionalTriple(input, "mean", "input.mean", allowZero: true) ?? [0f, 0f, 0f],
                Std = reader.OptionalTriple(input, "std", "input.std", allowZero: false) ?? [1f, 1f, 1f],
                Resize = reader.OptionalEnum<ResizeMode>(input, "resize", ResizeNames, "input.resize") ?? ResizeMode.Letterbox,
                Align = reader.OptionalEnum<LetterboxAlign>(input, "align", AlignNames, "input.align") ?? LetterboxAlign.Center,
                Pad = reader.OptionalInt(input, "pad", "input.pad", 0, 255) ?? 114,
                Fit = reader.OptionalBool(input, "fit", "input.fit") ?? false,
                Multiple = reader.OptionalInt(input, "multiple", "input.multiple", 1, 256) ?? 32,
            };

            IReadOnlyList<string> labels = ReadLabels(reader, root, sourcePath, labelsFallbackDirectory);

            return new ModelCard
            {
                Name = name,
                Layout = layout,
                Input = spec,
                Labels = labels,
                ScoreThreshold = reader.OptionalUnitFloat(root, "score_threshold") ?? DefaultScoreThreshold,
                IouThreshold = reader.OptionalUnitFloat(root, "iou_threshold") ?? DefaultIouThreshold,
                Strides = reader.OptionalStrides(root, "strides") ?? [8, 16, 32],
                SourcePath = sourcePath,
            };
        }
    }

    /// <summary>The card as indented JSON in the schema <see cref="Load(string)"/> reads, labels written inline.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("name", Name);
            writer.WriteString("layout", LayoutNames[(int)Layout]);
            writer.WriteStartObject("input");
            writer.WriteNumber("width", Input.Width);
            writer.WriteNumber("height", Input.Height);
            writer.WriteString("color", ColorNames[(int)Input.Color]);
            writer.WriteNumber("scale", Input.Scale);
            WriteFloats(writer, "mean", Input.Mean);
            WriteFloats(writer, "std", Input.Std);
            writer.WriteString("resize", ResizeNames[(int)Input.Resize]);
            writer.WriteString("align", AlignNames[(int)Input.Align]);
            writer.WriteNumber("pad", Input.Pad);
            if (Input.Fit)
            {
                writer.WriteBoolean("fit", true);
                writer.WriteNumber("multiple", Input.Multiple);
            }

            writer.WriteEndObject();
            writer.WriteStartArray("labels");
            foreach (string label in Labels)
            {
                writer.WriteStringValue(label);
            }

            writer.WriteEndArray();
            writer.WriteNumber("score_threshold", ScoreThreshold);
            writer.WriteNumber("iou_threshold", IouThreshold);
            writer.WriteStartArray("strides");
            foreach (int stride in Strides)
            {
                writer.WriteNumberValue(stride);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    internal static string LayoutName(ModelLayout layout) => LayoutNames[(int)layout];

    // Indexed by enum value; these are the spellings the card schema uses.
    private static readonly string[] LayoutNames = ["ssd", "yolov8", "yolov5", "yolox"];
    private static readonly string[] ColorNames = ["rgb", "bgr"];
    private static readonly string[] ResizeNames = ["letterbox", "stretch"];
    private static readonly string[] AlignNames = ["center", "topleft"];

    private static void WriteFloats(Utf8JsonWriter writer, string name, IReadOnlyList<float> values)
    {
        writer.WriteStartArray(name);
        foreach (float v in values)
        {
            writer.WriteNumberValue(v);
        }

        writer.WriteEndArray();
    }

    private static IReadOnlyList<string> ReadLabels(CardReader reader, JsonElement root, string sourcePath, string? fallbackDirectory)
    {
        bool hasInline = root.TryGetProperty("labels", out JsonElement inline);
        bool hasFile = root.TryGetProperty("labels_file", out JsonElement file);
        if (hasInline && hasFile)
        {
            throw reader.Error("has both 'labels' and 'labels_file'; keep one of them");
        }

        if (hasInline)
        {
            if (inline.ValueKind != JsonValueKind.Array || inline.GetArrayLength() == 0)
            {
                throw reader.Error("field 'labels' must be a non-empty array of strings");
            }

            var labels = new string[inline.GetArrayLength()];
            int i = 0;
            foreach (JsonElement item in inline.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw reader.Error($"field 'labels[{i}]' must be a string");
                }

                labels[i++] = item.GetString()!;
            }

            return labels;
        }

        if (!hasFile)
        {
            throw reader.Error("required field 'labels' (an array of class names) or 'labels_file' (a file with one name a line) is missing");
        }

        if (file.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(file.GetString()))
        {
            throw reader.Error("field 'labels_file' must be a file name");
        }

        string relative = file.GetString()!;
        string cardDirectory = Path.GetDirectoryName(Path.GetFullPath(sourcePath)) ?? ".";
        string path = Path.Combine(cardDirectory, relative);
        if (!File.Exists(path) && fallbackDirectory is not null)
        {
            string alternative = Path.Combine(fallbackDirectory, relative);
            if (File.Exists(alternative))
            {
                path = alternative;
            }
        }

        if (!File.Exists(path))
        {
            string where = fallbackDirectory is null ? path : $"{path} or {Path.Combine(fallbackDirectory, relative)}";
            throw reader.Error($"labels_file '{relative}' was not found (looked for {where})");
        }

        var names = new List<string>();
        foreach (string line in File.ReadLines(path))
        {
            string trimmed = line.Trim();
            if (trimmed.Length > 0)
            {
                names.Add(trimmed);
            }
        }

        if (names.Count == 0)
        {
            throw reader.Error($"labels_file '{path}' has no labels; write one class name a line");
        }

        return names.ToArray();
    }

    /// <summary>Field readers that name the card and the field in every error.</summary>
    private readonly struct CardReader(string sourcePath)
    {
        public ModelException Error(string problem) => new($"Model card '{sourcePath}': {problem}.");

        public void ExpectObject(JsonElement element, string field)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Error(field == "(root)" ? "must be a JSON object" : $"field '{field}' must be an object");
            }
        }

        public JsonElement Required(JsonElement obj, string name, string? field = null)
        {
            if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                throw Error($"required field '{field ?? name}' is missing");
            }

            return value;
        }

        public string? OptionalString(JsonElement obj, string name)
        {
            if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Error($"field '{name}' must be a string");
        }

        public T RequiredEnum<T>(JsonElement obj, string name, string[] names, string? field = null)
            where T : struct, Enum
            => ParseEnum<T>(Required(obj, name, field), names, field ?? name);

        public T? OptionalEnum<T>(JsonElement obj, string name, string[] names, string field)
            where T : struct, Enum
            => obj.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
                ? ParseEnum<T>(value, names, field)
                : null;

        public int RequiredPositiveInt(JsonElement obj, string name, string field)
        {
            JsonElement value = Required(obj, name, field);
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int result) || result <= 0)
            {
                throw Error($"field '{field}' must be a positive integer (got {value.GetRawText()})");
            }

            return result;
        }

        public int? OptionalInt(JsonElement obj, string name, string field, int min, int max)
        {
            if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int result) || result < min || result > max)
            {
                throw Error($"field '{field}' must be an integer from {min} to {max} (got {value.GetRawText()})");
            }

            return result;
        }

        public float RequiredPositiveFloat(JsonElement obj, string name, string field)
        {
            JsonElement value = Required(obj, name, field);
            if (!TryGetFloat(value, out float result) || result <= 0f)
            {
                throw Error($"field '{field}' must be a positive number (got {value.GetRawText()})");
            }

            return result;
        }

        public bool? OptionalBool(JsonElement obj, string name, string field)
        {
            if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Error($"field '{field}' must be true or false (got {value.GetRawText()})"),
            };
        }

        public float? OptionalUnitFloat(JsonElement obj, string name)
        {
            if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (!TryGetFloat(value, out float result) || result < 0f || result > 1f)
            {
                throw Error($"field '{name}' must be a number from 0 to 1 (got {value.GetRawText()})");
            }

            return result;
        }

        public float[]? OptionalTriple(JsonElement obj, string name, string field, bool allowZero)
        {
            if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            string what = allowZero ? "numbers" : "non-zero numbers";
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 3)
            {
                throw Error($"field '{field}' must be an array of 3 {what}, one per channel (got {value.GetRawText()})");
            }

            var result = new float[3];
            int i = 0;
            foreach (JsonElement item in value.EnumerateArray())
            {
                if (!TryGetFloat(item, out result[i]) || (!allowZero && result[i] == 0f))
                {
                    throw Error($"field '{field}' must be an array of 3 {what}, one per channel (got {value.GetRawText()})");
                }

                i++;
            }

            return result;
        }

        public int[]? OptionalStrides(JsonElement obj, string name)
        {
            if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            {
                throw Error($"field '{name}' must be a non-empty array of positive integers (got {value.GetRawText()})");
            }

            var result = new int[value.GetArrayLength()];
            int i = 0;
            foreach (JsonElement item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out result[i]) || result[i] <= 0)
                {
                    throw Error($"field '{name}' must be a non-empty array of positive integers (got {value.GetRawText()})");
                }

                i++;
            }

            return result;
        }

        private T ParseEnum<T>(JsonElement value, string[] names, string field)
            where T : struct, Enum
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                string text = value.GetString()!;
                for (int i = 0; i < names.Length; i++)
                {
                    if (string.Equals(names[i], text, StringComparison.OrdinalIgnoreCase))
                    {
                        return (T)(object)i;
                    }
                }
            }

            throw Error($"field '{field}' must be one of {string.Join(", ", names)} (got {value.GetRawText()})");
        }

        private static bool TryGetFloat(JsonElement value, out float result)
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double d) && double.IsFinite(d))
            {
                result = (float)d;
                return true;
            }

            result = 0f;
            return false;
        }
    }
}
