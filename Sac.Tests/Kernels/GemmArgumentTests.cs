using Sac.Kernels;

namespace Sac.Tests.Kernels;

/// <summary>Bad sizes fail fast with an exception that names the operand, before anything is read or written.</summary>
public class GemmArgumentTests
{
    /// <summary><paramref name="multiply"/> throws exactly <typeparamref name="TException"/>, naming <paramref name="operand"/>.</summary>
    private static void AssertThrowsNaming<TException>(string operand, Action multiply) where TException : ArgumentException
    {
        var e = Assert.Throws<TException>(() => multiply());
        Assert.That(e!.ParamName, Is.EqualTo(operand));
    }

    // C = A·B with m = 3, n = 4, k = 5: A needs 15, B 20, C 12, the bias n = 4.
    [Test]
    public void Multiply_AShort_ThrowsNamingA() =>
        AssertThrowsNaming<ArgumentException>("a", () => Gemm.Multiply<float>(Transpose.No, Transpose.No, 3, 4, 5, new float[14], new float[20], new float[12]));

    [Test]
    public void Multiply_BShort_ThrowsNamingB() =>
        AssertThrowsNaming<ArgumentException>("b", () => Gemm.Multiply<double>(Transpose.No, Transpose.Yes, 3, 4, 5, new double[15], new double[19], new double[12]));

    [Test]
    public void Multiply_CShort_ThrowsNamingC() =>
        AssertThrowsNaming<ArgumentException>("c", () => Gemm.Multiply<float>(Transpose.No, Transpose.No, 3, 4, 5, new float[15], new float[20], new float[11]));

    [Test]
    public void Multiply_BiasWrongLength_ThrowsNamingBias() =>
        AssertThrowsNaming<ArgumentException>("bias", () => Gemm.Multiply<float>(Transpose.No, Transpose.No, 3, 4, 5, new float[15], new float[20], new float[12], bias: new float[3]));

    [Test]
    public void Multiply_NegativeSize_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply<float>(Transpose.No, Transpose.No, -1, 4, 5, [], [], []));

    [Test]
    public void Multiply_ZeroThreads_ThrowsNamingThreads() =>
        AssertThrowsNaming<ArgumentOutOfRangeException>("threads", () => Gemm.Multiply<float>(Transpose.No, Transpose.No, 1, 1, 1, [1], [1], [0], threads: 0));

    [Test]
    public void Multiply_AShort_LeavesCUntouched()
    {
        float[] c = [5, 5, 5, 5];
        Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(Transpose.No, Transpose.No, 2, 2, 2, new float[3], new float[4], c));
        Assert.That(c, Is.All.EqualTo(5f));
    }
}
