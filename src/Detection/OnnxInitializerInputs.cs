namespace Lookout.Detection;

/// <summary>
/// Removes, from an ONNX model's graph inputs, the entries that merely name an initializer (a weight). Older
/// exporters list every weight as an input too; ONNX Runtime must then treat those weights as inputs a caller may
/// override, so it cannot fold or fuse them (it warns "appears in graph inputs and will not be treated as constant").
/// Without them the weights are constants and the graph optimizations apply; the computation is unchanged.
/// </summary>
/// <remarks>
/// Works on the protobuf wire format directly (ModelProto.graph = 7; GraphProto.initializer = 5, input = 11,
/// sparse_initializer = 15; TensorProto.name = 8; SparseTensorProto.values = 1; ValueInfoProto.name = 1), copying
/// every other byte as it is, so no ONNX or protobuf package is needed at run time. Models with IR version below 4
/// are left alone: there an initializer must also be a graph input.
/// </remarks>
internal static class OnnxInitializerInputs
{
    private const int ModelIrVersion = 1;
    private const int ModelGraph = 7;
    private const int GraphInitializer = 5;
    private const int GraphInput = 11;
    private const int GraphSparseInitializer = 15;
    private const int TensorName = 8;
    private const int SparseTensorValues = 1;
    private const int ValueInfoName = 1;

    /// <summary>
    /// The model without the graph inputs that name initializers, or null when it has none (or is not a model this
    /// can read, which ONNX Runtime will then report itself).
    /// </summary>
    public static byte[]? Strip(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            return StripCore(model);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return null;
        }
    }

    private static byte[]? StripCore(byte[] model)
    {
        long irVersion = 0;
        Field graph = default;
        bool hasGraph = false;
        foreach (Field field in Fields(model, 0, model.Length))
        {
            if (field.Number == ModelIrVersion && field.WireType == 0)
            {
                irVersion = field.Varint;
            }
            else if (field.Number == ModelGraph && field.WireType == 2)
            {
                graph = field;
                hasGraph = true;
            }
        }

        if (!hasGraph || irVersion < 4)
        {
            return null;
        }

        var initializers = new HashSet<string>(StringComparer.Ordinal);
        foreach (Field field in Fields(model, graph.ValueStart, graph.ValueEnd))
        {
            if (field.Number == GraphInitializer && field.WireType == 2)
            {
                AddName(model, field, TensorName, initializers);
            }
            else if (field.Number == GraphSparseInitializer && field.WireType == 2)
            {
                foreach (Field values in Fields(model, field.ValueStart, field.ValueEnd))
                {
                    if (values.Number == SparseTensorValues && values.WireType == 2)
                    {
                        AddName(model, values, TensorName, initializers);
                    }
                }
            }
        }

        if (initializers.Count == 0)
        {
            return null;
        }

        // The new graph: every field but the inputs that name an initializer, byte for byte.
        using var graphBytes = new MemoryStream(graph.ValueEnd - graph.ValueStart);
        bool dropped = false;
        foreach (Field field in Fields(model, graph.ValueStart, graph.ValueEnd))
        {
            if (field.Number == GraphInput && field.WireType == 2 && Name(model, field, ValueInfoName) is { } name && initializers.Contains(name))
            {
                dropped = true;
                continue;
            }

            graphBytes.Write(model, field.Start, field.ValueEnd - field.Start);
        }

        if (!dropped)
        {
            return null;
        }

        using var result = new MemoryStream(model.Length);
        foreach (Field field in Fields(model, 0, model.Length))
        {
            if (field.Start != graph.Start)
            {
                result.Write(model, field.Start, field.ValueEnd - field.Start);
                continue;
            }

            WriteVarint(result, ((ulong)ModelGraph << 3) | 2);
            WriteVarint(result, (ulong)graphBytes.Length);
            graphBytes.Position = 0;
            graphBytes.CopyTo(result);
        }

        return result.ToArray();
    }

    private static void AddName(byte[] data, Field message, int nameField, HashSet<string> names)
    {
        if (Name(data, message, nameField) is { } name)
        {
            names.Add(name);
        }
    }

    internal static string? Name(byte[] data, Field message, int nameField)
    {
        foreach (Field field in Fields(data, message.ValueStart, message.ValueEnd))
        {
            if (field.Number == nameField && field.WireType == 2)
            {
                return System.Text.Encoding.UTF8.GetString(data, field.ValueStart, field.ValueEnd - field.ValueStart);
            }
        }

        return null;
    }

    internal static IEnumerable<Field> Fields(byte[] data, int start, int end)
    {
        int position = start;
        while (position < end)
        {
            int fieldStart = position;
            ulong tag = ReadVarint(data, ref position, end);
            int number = checked((int)(tag >> 3));
            int wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    {
                        ulong value = ReadVarint(data, ref position, end);
                        yield return new Field(number, wireType, fieldStart, position, position, (long)value);
                        break;
                    }

                case 1:
                    position = Advance(position, 8, end);
                    yield return new Field(number, wireType, fieldStart, position - 8, position, 0);
                    break;
                case 2:
                    {
                        ulong length = ReadVarint(data, ref position, end);
                        int valueStart = position;
                        position = Advance(position, length > int.MaxValue ? throw new FormatException() : (int)length, end);
                        yield return new Field(number, wireType, fieldStart, valueStart, position, 0);
                        break;
                    }

                case 5:
                    position = Advance(position, 4, end);
                    yield return new Field(number, wireType, fieldStart, position - 4, position, 0);
                    break;
                default:
                    throw new FormatException($"Unsupported protobuf wire type {wireType}.");
            }
        }
    }

    private static int Advance(int position, int length, int end) =>
        length <= end - position ? position + length : throw new FormatException("A protobuf field runs past its message.");

    private static ulong ReadVarint(byte[] data, ref int position, int end)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= end)
            {
                throw new FormatException("A protobuf varint runs past its message.");
            }

            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new FormatException("A protobuf varint is longer than 10 bytes.");
    }

    internal static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        stream.WriteByte((byte)value);
    }

    /// <summary>One field of a message: its tag starts at <see cref="Start"/>, its value spans [ValueStart, ValueEnd).</summary>
    internal readonly record struct Field(int Number, int WireType, int Start, int ValueStart, int ValueEnd, long Varint);
}
