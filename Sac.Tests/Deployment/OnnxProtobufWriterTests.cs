using Sac.Core.Inference.Onnx;

namespace Sac.Tests.Deployment;

/// <summary>The hand-written protobuf wire format, against encodings worked out by hand from the protobuf encoding guide.</summary>
public class OnnxProtobufWriterTests
{
    private static string Hex(ProtobufWriter writer) => Convert.ToHexString(writer.ToArray());

    [Test]
    public void ProtobufWriter_Varints_AreSevenBitsALeastSignificantFirst()
    {
        // The guide's own example: field 1 = 150 is 08 96 01 (key 1·8 + 0; 150 = 0b1_0010110 → 0x96 0x01).
        Assert.That(Hex(new ProtobufWriter().Int64(1, 150)), Is.EqualTo("089601"));
        Assert.That(Hex(new ProtobufWriter().Int64(1, 0)), Is.EqualTo("0800"));
        Assert.That(Hex(new ProtobufWriter().Int64(1, 127)), Is.EqualTo("087F"));
        Assert.That(Hex(new ProtobufWriter().Int64(1, 128)), Is.EqualTo("088001"));
        // int64 −1 is its two's complement, 64 ones: nine bytes of 0xFF then 0x01.
        Assert.That(Hex(new ProtobufWriter().Int64(1, -1)), Is.EqualTo("08FFFFFFFFFFFFFFFFFF01"));
        // Field 20 (AttributeProto.type) needs a two-byte key: 20·8 + 0 = 160 → A0 01.
        Assert.That(Hex(new ProtobufWriter().Int64(20, 2)), Is.EqualTo("A00102"));
    }

    [Test]
    public void ProtobufWriter_LengthDelimitedAndFixed32_AreLengthPrefixedAndLittleEndian()
    {
        // The guide's string example: field 2 = "testing" is 12 07 74 65 73 74 69 6e 67.
        Assert.That(Hex(new ProtobufWriter().String(2, "testing")), Is.EqualTo("120774657374696E67"));
        // A nested message is its bytes, length-prefixed: field 3 { field 1 = 150 } is 1a 03 08 96 01.
        Assert.That(Hex(new ProtobufWriter().Message(3, m => m.Int64(1, 150))), Is.EqualTo("1A03089601"));
        // float 1.0f = 0x3F800000, written little-endian after key 2·8 + 5 = 0x15.
        Assert.That(Hex(new ProtobufWriter().Float(2, 1f)), Is.EqualTo("150000803F"));
        Assert.That(Hex(new ProtobufWriter().Bytes(9, [])), Is.EqualTo("4A00"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProtobufWriter().Int64(0, 1));
    }
}
