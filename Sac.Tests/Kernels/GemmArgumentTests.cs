using Sac.Kernels;

namespace Sac.Tests.Kernels;

/// <summary>Bad sizes fail fast with an exception that names the operand, before anything is read or written.</summary>
public class GemmArgumentTests
{
    [Test]
    public void Multiply_AShort_ThrowsNamingA()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(Transpose.No, Transpose.No, 3, 4, 5, new float[14], new float[20], new float[12]));
        Assert.That(e!.ParamName, Is.EqualTo("a"));
    }

    [Test]
    public void Multiply_BShort_ThrowsNamingB()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<double>(Transpose.No, Transpose.Yes, 3, 4, 5, new double[15], new double[19], new double[12]));
        Assert.That(e!.ParamName, Is.EqualTo("b"));
    }

    [Test]
    public void Multiply_CShort_ThrowsNamingC()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(Transpose.No, Transpose.No, 3, 4, 5, new float[15], new float[20], new float[11]));
        Assert.That(e!.ParamName, Is.EqualTo("c"));
    }

    [Test]
    public void Multiply_BiasWrongLength_ThrowsNamingBias()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(Transpose.No, Transpose.No, 3, 4, 5, new float[15], new float[20], new float[12], bias: new float[3]));
        Assert.That(e!.ParamName, Is.EqualTo("bias"));
    }

    [Test]
    public void Multiply_NegativeSize_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply<float>(Transpose.No, Transpose.No, -1, 4, 5, [], [], []));

    [Test]
    public void Multiply_ZeroThreads_ThrowsNamingThreads()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply<float>(Transpose.No, Transpose.No, 1, 1, 1, [1], [1], [0], threads: 0));
        Assert.That(e!.ParamName, Is.EqualTo("threads"));
    }

    [Test]
    public void Multiply_AShort_LeavesCUntouched()
    {
        float[] c = [5, 5, 5, 5];
        Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(Transpose.No, Transpose.No, 2, 2, 2, new float[3], new float[4], c));
        Assert.That(c, Is.All.EqualTo(5f));
    }
}
