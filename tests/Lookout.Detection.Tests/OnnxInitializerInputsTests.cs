using Microsoft.ML.OnnxRuntime;

namespace Lookout.Detection.Tests;

public sealed class OnnxInitializerInputsTests
{
    [Fact]
    public void Strip_WeightListedAsInput_RemovesThatInputAndComputesTheSame()
    {
        byte[] original = TinyOnnx.AddBiasModel(biasAsInput: true, bias: 0.25f);

        byte[]? stripped = OnnxInitializerInputs.Strip(original);

        Assert.NotNull(stripped);
        using var before = new InferenceSession(original);
        using var after = new InferenceSession(stripped);
        Assert.Contains("bias", before.OverridableInitializerMetadata.Keys);
        Assert.Empty(after.OverridableInitializerMetadata);
        Assert.Equal(["images"], after.InputNames);
        Assert.Equal(Run(before), Run(after));
        Assert.All(Run(after), v => Assert.Equal(1.25f, v));
    }

    [Fact]
    public void Strip_NoWeightAmongInputs_ReturnsNull()
    {
        Assert.Null(OnnxInitializerInputs.Strip(TinyOnnx.AddBiasModel(biasAsInput: false)));
        Assert.Null(OnnxInitializerInputs.Strip(TinyOnnx.FlattenModel()));
    }

    [Fact]
    public void Strip_IrVersionBelowFour_LeavesTheModelAlone()
    {
        // Before IR version 4 an initializer had to be a graph input too.
        Assert.Null(OnnxInitializerInputs.Strip(TinyOnnx.AddBiasModel(biasAsInput: true, irVersion: 3)));
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void Strip_NotAModel_ReturnsNull(byte[] bytes)
    {
        Assert.Null(OnnxInitializerInputs.Strip(bytes));
    }

    [SkippableFact]
    public void Strip_UltraFace_LeavesOnlyTheImageInput()
    {
        byte[] model = File.ReadAllBytes(SharedAssets.Model("ultraface-rfb-320.onnx"));

        byte[]? stripped = OnnxInitializerInputs.Strip(model);

        Assert.NotNull(stripped);
        using var session = new InferenceSession(stripped);
        Assert.Empty(session.OverridableInitializerMetadata);
        Assert.Single(session.InputNames);
    }

    private static float[] Run(InferenceSession session)
    {
        var input = new float[3 * TinyOnnx.InputSize * TinyOnnx.InputSize];
        Array.Fill(input, 1f);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, TinyOnnx.InputSize, TinyOnnx.InputSize]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, ["images"], [value], ["sum"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
