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
