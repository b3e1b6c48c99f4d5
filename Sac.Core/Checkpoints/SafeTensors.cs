using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Sac.Core.Checkpoints;

/// <summary>Raised for a checkpoint that is missing, truncated, corrupt or does not fit the run; the message says which and why.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A tensor's entry in a safetensors header.</summary>
/// <param name="DType">"F32", "F64" or "I64".</param>
/// <param name="Shape">Dimensions.</param>
/// <param name="Begin">Start offset in the data section.</param>
/// <param name="End">End offset (exclusive) in the data section.</param>
public sealed record SafeTensorInfo(string DType, long[] Shape, long Begin, long End);

/// <summary>
/// Writes the safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON header
/// mapping each tensor name to {dtype, shape, data_offsets} (plus an optional "__metadata__" map of strings), padded
/// with spaces to a multiple of 8, then the raw little-endian tensor bytes back to back. PyTorch's
/// <c>safetensors.torch.load_file</c> reads it; so does a 10-line Python reader (json + struct).
/// </summary>
public sealed class SafeTensorsWriter
{
    private readonly List<(string Name, string DType, long[] Shape, byte[] Bytes)> _tensors = [];

    /// <summary>String metadata stored under "__metadata__".</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds a float32 tensor (copied).</summary>
    public void Add(string name, ReadOnlySpan<float> data, params long[] shape) => AddRaw(name, "F32", shape, MemoryMarshal.AsBytes(data), data.Length);

    /// <summary>Adds a float64 tensor (copied).</summary>
    public void Add(string name, ReadOnlySpan<double> data, params long[] shape) => AddRaw(name, "F64", shape, MemoryMarshal.AsBytes(data), data.Length);

    private void AddRaw(string name, string dtype, long[] shape, ReadOnlySpan<byte> bytes, int elements)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name == "__metadata__" || _tensors.Any(t => t.Name == name))
            throw new ArgumentException($"Tensor name '{name}' is reserved or already used.", nameof(name));
        long product = shape.Aggregate(1L, (p, d) => p * d);
        if (shape.Any(d => d < 0) || product != elements)
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] does not hold {elements} elements.", nameof(shape));
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors is little-endian; this writer assumes a little-endian machine.");
        _tensors.Add((name, dtype, shape, bytes.ToArray()));
    }

    /// <summary>Writes the file to <paramref name="stream"/> (see <see cref="ToBytes"/>).</summary>
    public void Write(Stream stream) => stream.Write(ToBytes(out _));

    /// <summary>
    /// Renders the file. Its metadata carries <see cref="SafeTensorsChecksum.Key"/>: the SHA-256 of every byte of the file
    /// (header and data) as written with that value's 64 characters set to '0', so a flipped byte anywhere is detected.
    /// </summary>
    /// <param name="checksum">The file's checksum (the hex value written under <see cref="SafeTensorsChecksum.Key"/>).</param>
    public byte[] ToBytes(out string checksum)
    {
        if (Metadata.ContainsKey(SafeTensorsChecksum.Key))
            throw new InvalidOperationException($"The '{SafeTensorsChecksum.Key}' metadata is written by the writer itself.");
        using var headerBuffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(headerBuffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach (var (key, value) in Metadata)
                json.WriteString(key, value);
            json.WriteString(SafeTensorsChecksum.Key, SafeTensorsChecksum.Placeholder);
            json.WriteEndObject();
            long offset = 0;
            foreach (var (name, dtype, shape, bytes) in _tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (long d in shape)
                    json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes.Length;
            }
            json.WriteEndObject();
        }
        // Pad the header with spaces so the data section starts 8-byte aligned (the format's recommendation).
        int headerLength = (int)headerBuffer.Length;
        int padding = (8 - headerLength % 8) % 8;
        long total = 8L + headerLength + padding + _tensors.Sum(t => (long)t.Bytes.Length);
        if (total > Array.MaxLength)
            throw new InvalidOperationException($"A {total}-byte safetensors file is larger than one .NET array can hold.");
        var file = new byte[total];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)(headerLength + padding));
        headerBuffer.GetBuffer().AsSpan(0, headerLength).CopyTo(file.AsSpan(8));
        file.AsSpan(8 + headerLength, padding).Fill((byte)' ');
        int position = 8 + headerLength + padding;
        foreach (var tensor in _tensors)
        {
            tensor.Bytes.CopyTo(file, position);
            position += tensor.Bytes.Length;
        }
        checksum = SafeTensorsChecksum.Seal(file, headerLength);
        return file;
    }
}

/// <summary>
/// The whole-file checksum of Sac's safetensors files: SHA-256 over every byte, with the 64 hex characters of the
/// checksum's own value taken as '0'. Kept in the header's "__metadata__" (which safetensors readers such as PyTorch's
/// ignore), so the file stays one self-verifying file.
/// </summary>
public static class SafeTensorsChecksum
{
    /// <summary>The metadata key.</summary>
    public const string Key = "sha256";

    /// <summary>What the value reads as while the checksum is computed.</summary>
    internal static readonly string Placeholder = new('0', 64);

    /// <summary>Computes the checksum of <paramref name="file"/> (whose header holds the placeholder) and writes it in.</summary>
    internal static string Seal(byte[] file, int headerLength)
    {
        int at = Locate(file, headerLength, Placeholder) ?? throw new InvalidOperationException("The checksum placeholder is missing from the header.");
        string checksum = Compute(file, at);
        Encoding.ASCII.GetBytes(checksum, file.AsSpan(at, 64));
        return checksum;
    }

    /// <summary>True when <paramref name="file"/>'s header holds <paramref name="checksum"/> exactly once and it matches the bytes.</summary>
    internal static bool Verify(byte[] file, int headerLength, string checksum)
    {
        if (checksum.Length != 64 || !checksum.All(char.IsAsciiHexDigitUpper))
            return false;
        return Locate(file, headerLength, checksum) is int at && Compute(file, at) == checksum;
    }

    /// <summary>The offset of the 64-character value of <c>"sha256":"value"</c> in the header, if it occurs exactly once.</summary>
    private static int? Locate(byte[] file, int headerLength, string value)
    {
        byte[] needle = Encoding.ASCII.GetBytes($"\"{Key}\":\"{value}\"");
        var header = file.AsSpan(8, headerLength);
        int first = header.IndexOf(needle);
        if (first < 0 || header.LastIndexOf(needle) != first)
            return null;
        return 8 + first + needle.Length - 65;
    }

    private static string Compute(byte[] file, int valueAt)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(file, 0, valueAt);
        hash.AppendData(Encoding.ASCII.GetBytes(Placeholder));
        hash.AppendData(file, valueAt + 64, file.Length - valueAt - 64);
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}

/// <summary>
/// A safetensors file written by Sac, read into memory and validated: the header length fits the file, the header is
/// JSON, every tensor's dtype is known, its shape matches its byte range, the ranges tile the data section exactly (so a
/// truncated or padded file is rejected), and the whole-file <see cref="SafeTensorsChecksum"/> matches (so a flipped
/// byte anywhere, header metadata included, is rejected). A file without the checksum cannot be proven intact and is refused.
/// </summary>
public sealed class SafeTensorsFile
{
    private readonly byte[] _data;
    private readonly int _dataStart;

    private SafeTensorsFile(byte[] data, int dataStart, Dictionary<string, SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        _data = data;
        _dataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }

    /// <summary>The "__metadata__" strings.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Length in bytes of the data section (everything after the header).</summary>
    public long DataLength => _data.Length - _dataStart;

    /// <summary>Reads and validates <paramref name="path"/>; throws <see cref="CheckpointException"/> naming the problem.</summary>
    public static SafeTensorsFile Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"Cannot read {path}: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses and validates an in-memory file; <paramref name="source"/> names it in errors.</summary>
    public static SafeTensorsFile Parse(byte[] bytes, string source)
    {
        if (bytes.Length < 8)
            throw new CheckpointException($"{source} is truncated: {bytes.Length} bytes, shorter than the 8-byte safetensors header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8))
            throw new CheckpointException($"{source} is truncated or not a safetensors file: its header claims {headerLength} bytes but only {bytes.Length - 8} follow.");
        int dataStart = 8 + (int)headerLength;
        var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
            foreach (var entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    foreach (var m in entry.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.GetString() ?? "";
                    continue;
                }
                string dtype = entry.Value.GetProperty("dtype").GetString() ?? "";
                long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                long[] offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                if (offsets.Length != 2)
                    throw new CheckpointException($"{source}: tensor '{entry.Name}' has {offsets.Length} data offsets, not 2.");
                tensors[entry.Name] = new SafeTensorInfo(dtype, shape, offsets[0], offsets[1]);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new CheckpointException($"{source} is corrupt: its header is not valid safetensors JSON ({e.Message}).", e);
        }

        long dataLength = bytes.Length - dataStart;
        long expectedStart = 0;
        foreach (var (name, info) in tensors.OrderBy(t => t.Value.Begin))
        {
            int size = info.DType switch { "F32" => 4, "F64" => 8, "I64" => 8, _ => 0 };
            if (size == 0)
                throw new CheckpointException($"{source}: tensor '{name}' has unsupported dtype '{info.DType}'.");
            long elements = info.Shape.Aggregate(1L, (p, d) => d < 0 ? -1 : p * d);
            if (elements < 0 || info.Begin != expectedStart || info.End - info.Begin != elements * size)
                throw new CheckpointException($"{source} is corrupt: tensor '{name}' ({info.DType} [{string.Join(", ", info.Shape)}]) has data offsets [{info.Begin}, {info.End}) that do not tile the data section.");
            expectedStart = info.End;
        }
        if (expectedStart != dataLength)
            throw new CheckpointException($"{source} is truncated or corrupt: the tensors cover {expectedStart} bytes but the data section holds {dataLength}.");
        if (!metadata.TryGetValue(SafeTensorsChecksum.Key, out var checksum))
            throw new CheckpointException($"{source} has no '{SafeTensorsChecksum.Key}' checksum in its header, so it cannot be proven intact.");
        if (!SafeTensorsChecksum.Verify(bytes, (int)headerLength, checksum))
            throw new CheckpointException($"{source} is corrupt: its bytes do not match the checksum in its header.");
        return new SafeTensorsFile(bytes, dataStart, tensors, metadata);
    }

    /// <summary>Copies float32 tensor <paramref name="name"/> into <paramref name="destination"/>, which must have exactly its element count.</summary>
    public void Read(string name, Span<float> destination) => ReadRaw(name, "F32", MemoryMarshal.AsBytes(destination), destination.Length);

    /// <summary>Copies float64 tensor <paramref name="name"/> into <paramref name="destination"/>, which must have exactly its element count.</summary>
    public void Read(string name, Span<double> destination) => ReadRaw(name, "F64", MemoryMarshal.AsBytes(destination), destination.Length);

    /// <summary>The shape of tensor <paramref name="name"/>, or a <see cref="CheckpointException"/> if it is missing.</summary>
    public long[] Shape(string name) => Info(name).Shape;

    private SafeTensorInfo Info(string name) =>
        Tensors.TryGetValue(name, out var info) ? info : throw new CheckpointException($"The checkpoint has no tensor '{name}'.");

    private void ReadRaw(string name, string dtype, Span<byte> destination, int elements)
    {
        var info = Info(name);
        if (info.DType != dtype)
            throw new CheckpointException($"Checkpoint tensor '{name}' is {info.DType}, expected {dtype}.");
        if (info.End - info.Begin != destination.Length)
            throw new CheckpointException($"Checkpoint tensor '{name}' has shape [{string.Join(", ", info.Shape)}] but {elements} elements are expected.");
        _data.AsSpan(_dataStart + (int)info.Begin, destination.Length).CopyTo(destination);
    }
}
