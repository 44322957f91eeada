using static TorchSharp.torch;

namespace Lookout.Training.Tests;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void Initialize_ThenTensorMaths_LibTorchLoads()
    {
        TorchRuntime.Initialize();
        TorchRuntime.Initialize();

        using var t = ones(2, 3);
        using var sum = t.sum();

        Assert.Equal(6f, sum.item<float>());
    }
}
