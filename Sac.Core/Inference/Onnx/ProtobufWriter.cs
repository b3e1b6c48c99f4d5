using System.Buffers.Binary;
using System.Text;

namespace Sac.Core.Inference.Onnx;

/// <summary>
/// The protocol-buffers wire format, the part of it ONNX's messages need, written by hand so the engine keeps its one
/// dependency. A field is a key (field number · 8 + wire type) as a varint, then its value: a varint (wire type 0) for
/// integers and enums, 4 little-endian bytes (wire type 5) for a float, or a varint length and that many bytes (wire
/// type 2) for strings, bytes and nested messages.
/// <para>
/// NOTE: onnx.proto is proto2, where a repeated scalar (TensorProto.dims, AttributeProto.ints) is not packed: each
/// element is written as its own field, which is what proto2 writers emit (parsers accept either form).
/// </para>
/// </summary>
internal sealed class ProtobufWriter
{
    private const int Varint = 0;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

    private readonly MemoryStream _bytes = new();

    /// <summary>The message written so far.</summary>
    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>An int64, int32 or enum field. A negative value takes 10 bytes (two's complement, as protobuf writes int64).</summary>
    public ProtobufWriter Int64(int field, long value)
    {
        Key(field, Varint);
        WriteVarint(unchecked((ulong)value));
        return this;
    }

    /// <summary>A float field (wire type 5).</summary>
    public ProtobufWriter Float(int field, float value)
    {
        Key(field, Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _bytes.Write(bytes);
        return this;
    }

    /// <summary>A string field, UTF-8.</summary>
    public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field.</summary>
    public ProtobufWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Key(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        _bytes.Write(value);
        return this;
    }

    /// <summary>A nested message field: <paramref name="write"/> fills it, and it goes out length-prefixed.</summary>
    public ProtobufWriter Message(int field, Action<ProtobufWriter> write)
    {
        var nested = new ProtobufWriter();
        write(nested);
        return Bytes(field, nested._bytes.GetBuffer().AsSpan(0, (int)nested._bytes.Length));
    }

    private void Key(int field, int wireType)
    {
        if (field < 1)
            throw new ArgumentOutOfRangeException(nameof(field), field, "Protobuf field numbers start at 1.");
        WriteVarint((ulong)field << 3 | (uint)wireType);
    }

    /// <summary>Seven bits a byte, least significant first, the high bit set on every byte but the last.</summary>
    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.WriteByte((byte)value);
    }
}
