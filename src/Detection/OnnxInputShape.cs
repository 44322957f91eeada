using static Lookout.Detection.OnnxInitializerInputs;

namespace Lookout.Detection;

/// <summary>
/// Fixes the height and width of an ONNX model's image input in the model bytes, for an engine that cannot run a
/// graph whose shapes depend on a dynamic input (OpenCV DNN's importer folds shape computations at load time).
/// </summary>
/// <remarks>
/// Rewrites the protobuf wire format directly (ModelProto.graph = 7; GraphProto.input = 11; ValueInfoProto.name = 1,
/// type = 2; TypeProto.tensor_type = 1; TypeProto.Tensor.shape = 2; TensorShapeProto.dim = 1; Dimension.dim_value = 1),
/// copying every other byte as it is.
/// </remarks>
internal static class OnnxInputShape
{
    private const int ModelGraph = 7;
    private const int GraphInput = 11;
    private const int ValueInfoName = 1;
    private const int ValueInfoType = 2;
    private const int TypeTensor = 1;
    private const int TensorShape = 2;
    private const int ShapeDim = 1;

    /// <summary>The model with input <paramref name="inputName"/>'s dimensions 2 and 3 set to <paramref name="height"/> and <paramref name="width"/>.</summary>
    /// <exception cref="FormatException">The bytes are not a model this can read.</exception>
    public static byte[] Fix(byte[] model, string inputName, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Replace(model, 0, model.Length, ModelGraph, graph =>
            Replace(model, graph.ValueStart, graph.ValueEnd, GraphInput, input =>
                Name(model, input, ValueInfoName) != inputName ? null :
                Replace(model, input.ValueStart, input.ValueEnd, ValueInfoType, type =>
                    Replace(model, type.ValueStart, type.ValueEnd, TypeTensor, tensor =>
                        Replace(model, tensor.ValueStart, tensor.ValueEnd, TensorShape, shape =>
                            Dims(model, shape, height, width))))));
    }

    /// <summary>The fields in [start, end), those numbered <paramref name="number"/> (length-delimited) replaced by what <paramref name="replace"/> gives, unless null.</summary>
    private static byte[] Replace(byte[] data, int start, int end, int number, Func<Field, byte[]?> replace)
    {
        using var result = new MemoryStream(end - start + 16);
        foreach (Field field in Fields(data, start, end))
        {
            byte[]? value = field.Number == number && field.WireType == 2 ? replace(field) : null;
            if (value is null)
            {
                result.Write(data, field.Start, field.ValueEnd - field.Start);
                continue;
            }

            WriteVarint(result, ((ulong)number << 3) | 2);
            WriteVarint(result, (ulong)value.Length);
            result.Write(value);
        }

        return result.ToArray();
    }

    private static byte[] Dims(byte[] data, Field shape, int height, int width)
    {
        using var result = new MemoryStream();
        int index = 0;
        foreach (Field field in Fields(data, shape.ValueStart, shape.ValueEnd))
        {
            if (field.Number == ShapeDim && field.WireType == 2 && index is 2 or 3)
            {
                using var dim = new MemoryStream();
                WriteVarint(dim, 1 << 3);
                WriteVarint(dim, (ulong)(index == 2 ? height : width));
                WriteVarint(result, (ShapeDim << 3) | 2);
                WriteVarint(result, (ulong)dim.Length);
                result.Write(dim.ToArray());
            }
            else
            {
                result.Write(data, field.Start, field.ValueEnd - field.Start);
            }

            if (field.Number == ShapeDim)
            {
                index++;
            }
        }

        return result.ToArray();
    }
}
