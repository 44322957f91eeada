using System.Text;

namespace Lookout.Detection.Tests;

/// <summary>
/// Writes a minimal valid ONNX model by hand (protobuf wire format, no package needed): input <c>images</c>
/// float [1,3,4,4] → Flatten → output <c>logits</c> [1,48], optionally with custom metadata. Its output fits
/// no detection layout.
/// </summary>
internal static class TinyOnnx
{
    public const int InputSize = 4;

    public static byte[] FlattenModel(IReadOnlyDictionary<string, string>? metadata = null)
    {
        var model = new ProtoWriter();
        model.Varint(1, 8); // ir_version
        model.Bytes(2, Encoding.UTF8.GetBytes("lookout-tests")); // producer_name
        model.Message(7, Graph());
        model.Message(8, new ProtoWriter().Bytes(1, []).Varint(2, 13)); // opset_import: default domain, opset 13
        foreach (KeyValuePair<string, string> pair in metadata ?? new Dictionary<string, string>())
        {
            model.Message(14, new ProtoWriter().String(1, pair.Key).String(2, pair.Value)); // metadata_props
        }

        return model.ToArray();
    }

    /// <summary>
    /// <c>images</c> float [1,3,4,4] + initializer <c>bias</c> (one float, <paramref name="bias"/>) → <c>sum</c>
    /// [1,3,4,4]. With <paramref name="biasAsInput"/> the initializer is also listed as a graph input, as older
    /// exporters do.
    /// </summary>
    public static byte[] AddBiasModel(bool biasAsInput, float bias = 0.5f, long irVersion = 8)
    {
        var node = new ProtoWriter().String(1, "images").String(1, "bias").String(2, "sum").String(3, "add").String(4, "Add");
        var initializer = new ProtoWriter()
            .Varint(1, 1) // dims: [1]
            .Varint(2, 1) // data_type FLOAT
            .String(8, "bias")
            .Bytes(9, BitConverter.GetBytes(bias)); // raw_data
        var graph = new ProtoWriter()
            .Message(1, node)
            .String(2, "add-bias")
            .Message(5, initializer)
            .Message(11, ValueInfo("images", [1, 3, InputSize, InputSize]));
        if (biasAsInput)
        {
            graph.Message(11, ValueInfo("bias", [1]));
        }

        graph.Message(12, ValueInfo("sum", [1, 3, InputSize, InputSize]));
        var model = new ProtoWriter();
        model.Varint(1, irVersion);
        model.Bytes(2, Encoding.UTF8.GetBytes("lookout-tests"));
        model.Message(7, graph);
        model.Message(8, new ProtoWriter().Bytes(1, []).Varint(2, 13));
        return model.ToArray();
    }

    private static ProtoWriter Graph()
    {
        var node = new ProtoWriter().String(1, "images").String(2, "logits").String(3, "flatten").String(4, "Flatten");
        return new ProtoWriter()
            .Message(1, node)
            .String(2, "tiny")
            .Message(11, ValueInfo("images", [1, 3, InputSize, InputSize]))
            .Message(12, ValueInfo("logits", [1, 3 * InputSize * InputSize]));
    }

    private static ProtoWriter ValueInfo(string name, long[] dims)
    {
        var shape = new ProtoWriter();
        foreach (long d in dims)
        {
            shape.Message(1, new ProtoWriter().Varint(1, d)); // dim { dim_value }
        }

        var tensorType = new ProtoWriter().Varint(1, 1).Message(2, shape); // elem_type FLOAT, shape
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensorType));
    }

    private sealed class ProtoWriter
    {
        private readonly MemoryStream _stream = new();

        public ProtoWriter Varint(int field, long value)
        {
            WriteRaw(((ulong)field << 3) | 0);
            WriteRaw((ulong)value);
            return this;
        }

        public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

        public ProtoWriter Bytes(int field, byte[] value)
        {
            WriteRaw(((ulong)field << 3) | 2);
            WriteRaw((ulong)value.Length);
            _stream.Write(value);
            return this;
        }

        public byte[] ToArray() => _stream.ToArray();

        private void WriteRaw(ulong value)
        {
            while (value >= 0x80)
            {
                _stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _stream.WriteByte((byte)value);
        }
    }
}
