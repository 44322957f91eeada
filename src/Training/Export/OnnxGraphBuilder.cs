using Google.Protobuf;
using Onnx;

namespace Lookout.Training.Export;

/// <summary>Builds an ONNX graph node by node: float initializers, nodes with attributes, fresh value names.</summary>
internal sealed class OnnxGraphBuilder
{
    private int _counter;

    public GraphProto Graph { get; } = new() { Name = "lookout" };

    public string Fresh(string hint) => $"{hint}_{_counter++}";

    public string Initializer(string hint, float[] values, params long[] dims)
    {
        var name = Fresh(hint);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        tensor.RawData = ByteString.CopyFrom(bytes);
        Graph.Initializer.Add(tensor);
        return name;
    }

    public string Int64Initializer(string hint, long[] values)
    {
        var name = Fresh(hint);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return name;
    }

    public string Node(string op, string[] inputs, params AttributeProto[] attributes)
    {
        var output = Fresh(op.ToLowerInvariant());
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>A 0-d int64 initializer (Gather's index, Range's bounds).</summary>
    public string Int64Scalar(string hint, long value)
    {
        var name = Fresh(hint);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Int64Data.Add(value);
        Graph.Initializer.Add(tensor);
        return name;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A one-value float tensor attribute (ConstantOfShape's <c>value</c>).</summary>
    public static AttributeProto FloatTensor(string name, float value)
    {
        var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(BitConverter.GetBytes(value)) };
        tensor.Dims.Add(1);
        return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = tensor };
    }

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public void Input(string name, params long[] dims) => Graph.Input.Add(ValueInfo(name, dims));

    /// <summary>An input whose dimensions are numbers (<c>long</c>) or named, symbolic ones (<c>string</c>).</summary>
    public void Input(string name, params object[] dims) => Graph.Input.Add(ValueInfo(name, dims));

    /// <summary>Renames the value <paramref name="value"/> to <paramref name="name"/> by an Identity node and declares it an output.</summary>
    public void Output(string value, string name, params long[] dims) => Output(value, name, [.. dims.Cast<object>()]);

    /// <summary>As <see cref="Output(string, string, long[])"/>, with numbered or named dimensions.</summary>
    public void Output(string value, string name, params object[] dims)
    {
        var node = new NodeProto { OpType = "Identity", Name = name };
        node.Input.Add(value);
        node.Output.Add(name);
        Graph.Node.Add(node);
        Graph.Output.Add(ValueInfo(name, dims));
    }

    public ModelProto ToModel(IReadOnlyDictionary<string, string> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "lookout-train",
            Graph = Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        foreach (var (key, value) in metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    private static ValueInfoProto ValueInfo(string name, long[] dims) => ValueInfo(name, [.. dims.Cast<object>()]);

    private static ValueInfoProto ValueInfo(string name, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
