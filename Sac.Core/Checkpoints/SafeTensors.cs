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

/// <summary>A tensor's float32 elements, read only while the file is written (nothing is copied); it must give the same
/// elements every time it is called until <see cref="SafeTensorsWriter.Write"/> returns.</summary>
public delegate ReadOnlySpan<float> Float32Data();

/// <summary>A tensor's float64 elements, read only while the file is written (see <see cref="Float32Data"/>).</summary>
public delegate ReadOnlySpan<double> Float64Data();

/// <summary>
/// Writes the safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON header
/// mapping each tensor name to {dtype, shape, data_offsets} (plus an optional "__metadata__" map of strings), padded
/// with spaces to a multiple of 8, then the raw little-endian tensor bytes back to back. PyTorch's
/// <c>safetensors.torch.load_file</c> reads it; so does a 10-line Python reader (json + struct).
/// <para>
/// The file is streamed: the header is known before any data, so the data is written (and hashed) in 1 MiB chunks
/// straight from the tensors' own memory, and only the checksum is patched into the header at the end. A file of any
/// size (a 1M-transition Humanoid replay buffer is ~2.9 GB) is written with no second copy of it in memory.
/// </para>
/// </summary>
public sealed class SafeTensorsWriter
{
    /// <summary>Elements per chunk written and hashed at once (1 MiB of float32).</summary>
    private const int ChunkBytes = 1 << 20;

    private sealed record Entry(string Name, string DType, long[] Shape, long Elements, Float32Data? F32, Float64Data? F64)
    {
        public long ByteLength => Elements * (DType == "F32" ? sizeof(float) : sizeof(double));
    }

    private readonly List<Entry> _tensors = [];

    /// <summary>String metadata stored under "__metadata__".</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds a float32 tensor (copied now: for small tensors; use the <see cref="Float32Data"/> overload for large ones).</summary>
    public void Add(string name, ReadOnlySpan<float> data, params long[] shape)
    {
        float[] copy = data.ToArray();
        Add(name, () => copy, shape);
    }

    /// <summary>Adds a float64 tensor (copied now).</summary>
    public void Add(string name, ReadOnlySpan<double> data, params long[] shape)
    {
        double[] copy = data.ToArray();
        Add(name, () => copy, shape);
    }

    /// <summary>Adds a float32 tensor read from <paramref name="data"/> only while the file is written (not copied).</summary>
    public void Add(string name, Float32Data data, params long[] shape) => AddEntry(name, "F32", shape, data().Length, data, null);

    /// <summary>Adds a float64 tensor read from <paramref name="data"/> only while the file is written (not copied).</summary>
    public void Add(string name, Float64Data data, params long[] shape) => AddEntry(name, "F64", shape, data().Length, null, data);

    private void AddEntry(string name, string dtype, long[] shape, int elements, Float32Data? f32, Float64Data? f64)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name == "__metadata__" || _tensors.Any(t => t.Name == name))
            throw new ArgumentException($"Tensor name '{name}' is reserved or already used.", nameof(name));
        long product = shape.Aggregate(1L, (p, d) => p * d);
        if (shape.Any(d => d < 0) || product != elements)
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] does not hold {elements} elements.", nameof(shape));
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors is little-endian; this writer assumes a little-endian machine.");
        _tensors.Add(new Entry(name, dtype, shape, elements, f32, f64));
    }

    /// <summary>
    /// Writes the file to <paramref name="stream"/>, which must be seekable (the checksum is patched into the header at
    /// the end), and returns its checksum. The metadata carries <see cref="SafeTensorsChecksum.Key"/>: the SHA-256 of
    /// every byte of the file (header and data) as written with that value's 64 characters set to '0', so a flipped
    /// byte anywhere is detected. The stream is left positioned at the end of the file.
    /// </summary>
    public string Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
            throw new ArgumentException("The checksum is written into the header last, so the stream must be seekable.", nameof(stream));
        long start = stream.Position;
        byte[] header = Header(out int checksumAt);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        stream.Write(header);
        hash.AppendData(header);
        byte[] chunk = new byte[ChunkBytes];
        foreach (var tensor in _tensors)
        {
            // Elements go out a chunk at a time: a span of more than 2³¹ bytes cannot exist, and no copy of a whole
            // tensor is made.
            if (tensor.F32 is not null)
                WriteChunked(stream, hash, tensor.F32(), chunk);
            else
                WriteChunked(stream, hash, tensor.F64!(), chunk);
        }
        string checksum = Convert.ToHexString(hash.GetHashAndReset());
        long end = stream.Position;
        stream.Position = start + checksumAt;
        stream.Write(Encoding.ASCII.GetBytes(checksum));
        stream.Position = end;
        return checksum;
    }

    /// <summary>Writes the file to <paramref name="path"/> (replacing it), flushed to disk before returning; returns its checksum.</summary>
    public string WriteDurably(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        string checksum = Write(stream);
        stream.Flush(flushToDisk: true);
        return checksum;
    }

    /// <summary>Renders the whole file in memory (for small files); see <see cref="Write"/>.</summary>
    /// <param name="checksum">The file's checksum (the hex value written under <see cref="SafeTensorsChecksum.Key"/>).</param>
    public byte[] ToBytes(out string checksum)
    {
        using var buffer = new MemoryStream();
        checksum = Write(buffer);
        return buffer.ToArray();
    }

    private static void WriteChunked<T>(Stream stream, IncrementalHash hash, ReadOnlySpan<T> data, byte[] chunk) where T : unmanaged
    {
        int perChunk = chunk.Length / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        for (int i = 0; i < data.Length; i += perChunk)
        {
            var bytes = MemoryMarshal.AsBytes(data.Slice(i, Math.Min(perChunk, data.Length - i)));
            stream.Write(bytes);
            hash.AppendData(bytes);
        }
    }

    /// <summary>The length prefix, the JSON header with the checksum placeholder, and its padding; <paramref name="checksumAt"/>
    /// is the placeholder's offset from the start of the file.</summary>
    private byte[] Header(out int checksumAt)
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
            foreach (var tensor in _tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType);
                json.WriteStartArray("shape");
                foreach (long d in tensor.Shape)
                    json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + tensor.ByteLength);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += tensor.ByteLength;
            }
            json.WriteEndObject();
        }
        // Pad the header with spaces so the data section starts 8-byte aligned (the format's recommendation).
        int headerLength = (int)headerBuffer.Length;
        int padding = (8 - headerLength % 8) % 8;
        var file = new byte[8 + headerLength + padding];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)(headerLength + padding));
        headerBuffer.GetBuffer().AsSpan(0, headerLength).CopyTo(file.AsSpan(8));
        file.AsSpan(8 + headerLength, padding).Fill((byte)' ');
        checksumAt = SafeTensorsChecksum.Locate(file.AsSpan(8, headerLength), SafeTensorsChecksum.Placeholder) is int at
            ? 8 + at
            : throw new InvalidOperationException("The checksum placeholder is missing from the header.");
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

    /// <summary>The offset in <paramref name="header"/> of the 64-character value of <c>"sha256":"value"</c>, if that
    /// occurs exactly once.</summary>
    internal static int? Locate(ReadOnlySpan<byte> header, string value)
    {
        byte[] needle = Encoding.ASCII.GetBytes($"\"{Key}\":\"{value}\"");
        int first = header.IndexOf(needle);
        if (first < 0 || header.LastIndexOf(needle) != first)
            return null;
        return first + needle.Length - 65;
    }
}

/// <summary>
/// A safetensors file written by Sac, opened and validated: the header length fits the file, the header is JSON, every
/// tensor's dtype is known, its shape matches its byte range, the ranges tile the data section exactly (so a truncated or
/// padded file is rejected), and the whole-file <see cref="SafeTensorsChecksum"/> matches (so a flipped byte anywhere,
/// header metadata included, is rejected). A file without the checksum cannot be proven intact and is refused.
/// <para>
/// A file is verified by streaming it once through SHA-256 when it is opened; tensors are then read straight into their
/// destinations, a chunk at a time, so a file of any size is read with no copy of it in memory. The file stays open (and
/// so the same file, whatever is renamed over its path) until this object is disposed.
/// </para>
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    /// <summary>The largest header accepted: safetensors' own limit (100 MB), so a corrupt length cannot make us read gigabytes of "JSON".</summary>
    public const int MaxHeaderBytes = 100_000_000;

    /// <summary>Bytes hashed or read at once.</summary>
    private const int ChunkBytes = 4 << 20;

    private readonly IByteSource _bytes;
    private readonly long _dataStart;
    private readonly string _source;

    private SafeTensorsFile(IByteSource bytes, string source, long dataStart, Dictionary<string, SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        _bytes = bytes;
        _source = source;
        _dataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }

    /// <summary>The "__metadata__" strings.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Length in bytes of the data section (everything after the header).</summary>
    public long DataLength => _bytes.Length - _dataStart;

    /// <summary>Opens, reads through and validates <paramref name="path"/>; throws <see cref="CheckpointException"/> naming the problem.</summary>
    public static SafeTensorsFile Load(string path) => Load(OpenRead(path), path);

    /// <summary>
    /// Opens <paramref name="path"/> for <see cref="Load(FileStream, string)"/>; throws <see cref="CheckpointException"/> when
    /// it cannot. On Unix the handle keeps the file readable after it is deleted, so a reader that opens every file of a
    /// checkpoint first is safe from a training run pruning it meanwhile.
    /// </summary>
    public static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"Cannot read {path}: {e.Message}", e);
        }
    }

    /// <summary>Reads through and validates an opened file (see <see cref="OpenRead"/>), which it then owns; <paramref name="path"/> names it in errors.</summary>
    public static SafeTensorsFile Load(FileStream stream, string path)
    {
        var bytes = new FileBytes(stream, path);
        try
        {
            return Open(bytes, path);
        }
        catch
        {
            bytes.Dispose();
            throw;
        }
    }

    /// <summary>Parses and validates an in-memory file; <paramref name="source"/> names it in errors.</summary>
    public static SafeTensorsFile Parse(byte[] bytes, string source) => Open(new ArrayBytes(bytes), source);

    private static SafeTensorsFile Open(IByteSource bytes, string source)
    {
        long length = bytes.Length;
        if (length < 8)
            throw new CheckpointException($"{source} is truncated: {length} bytes, shorter than the 8-byte safetensors header length.");
        Span<byte> prefix = stackalloc byte[8];
        bytes.ReadExactly(prefix, 0);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(length - 8))
            throw new CheckpointException($"{source} is truncated or not a safetensors file: its header claims {headerLength} bytes but only {length - 8} follow.");
        if (headerLength > MaxHeaderBytes)
            throw new CheckpointException($"{source} is corrupt or not a safetensors file: its header claims {headerLength} bytes, more than the format's {MaxHeaderBytes}.");
        var header = new byte[(int)headerLength];
        bytes.ReadExactly(header, 8);
        long dataStart = 8 + (long)headerLength;
        var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(header);
            foreach (var entry in document.RootElement.EnumerateObject())
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

        long dataLength = length - dataStart;
        long expectedStart = 0;
        foreach (var (name, info) in tensors.OrderBy(t => t.Value.Begin))
        {
            int size = info.DType switch { "F32" => 4, "F64" => 8, "I64" => 8, _ => 0 };
            if (size == 0)
                throw new CheckpointException($"{source}: tensor '{name}' has unsupported dtype '{info.DType}'.");
            if (ByteCount(info.Shape, size) is not long byteCount || info.Begin != expectedStart || info.End - info.Begin != byteCount)
                throw new CheckpointException($"{source} is corrupt: tensor '{name}' ({info.DType} [{string.Join(", ", info.Shape)}]) has data offsets [{info.Begin}, {info.End}) that do not tile the data section.");
            expectedStart = info.End;
        }
        if (expectedStart != dataLength)
            throw new CheckpointException($"{source} is truncated or corrupt: the tensors cover {expectedStart} bytes but the data section holds {dataLength}.");
        if (!metadata.TryGetValue(SafeTensorsChecksum.Key, out var checksum))
            throw new CheckpointException($"{source} has no '{SafeTensorsChecksum.Key}' checksum in its header, so it cannot be proven intact.");
        if (!Verify(bytes, prefix, header, checksum))
            throw new CheckpointException($"{source} is corrupt: its bytes do not match the checksum in its header.");
        return new SafeTensorsFile(bytes, source, dataStart, tensors, metadata);
    }

    /// <summary>The bytes a tensor of <paramref name="shape"/> takes, or null for a negative dimension or one that overflows.</summary>
    private static long? ByteCount(long[] shape, int size)
    {
        long bytes = size;
        foreach (long d in shape)
        {
            if (d < 0 || (d > 0 && bytes > long.MaxValue / d))
                return null;
            bytes *= d;
        }
        return bytes;
    }

    /// <summary>True when the header holds <paramref name="checksum"/> exactly once and it matches every byte of the file.</summary>
    private static bool Verify(IByteSource bytes, ReadOnlySpan<byte> prefix, byte[] header, string checksum)
    {
        if (checksum.Length != 64 || !checksum.All(char.IsAsciiHexDigitUpper))
            return false;
        if (SafeTensorsChecksum.Locate(header, checksum) is not int at)
            return false;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(prefix);
        hash.AppendData(header, 0, at);
        hash.AppendData(Encoding.ASCII.GetBytes(SafeTensorsChecksum.Placeholder));
        hash.AppendData(header, at + 64, header.Length - at - 64);
        byte[] chunk = new byte[ChunkBytes];
        for (long offset = 8 + header.Length; offset < bytes.Length; offset += chunk.Length)
        {
            var part = chunk.AsSpan(0, (int)Math.Min(chunk.Length, bytes.Length - offset));
            bytes.ReadExactly(part, offset);
            hash.AppendData(part);
        }
        return Convert.ToHexString(hash.GetHashAndReset()) == checksum;
    }

    /// <summary>Copies float32 tensor <paramref name="name"/> into <paramref name="destination"/>, which must have exactly its element count.</summary>
    public void Read(string name, Span<float> destination) => ReadRaw(name, "F32", destination);

    /// <summary>Copies float64 tensor <paramref name="name"/> into <paramref name="destination"/>, which must have exactly its element count.</summary>
    public void Read(string name, Span<double> destination) => ReadRaw(name, "F64", destination);

    /// <summary>The shape of tensor <paramref name="name"/>, or a <see cref="CheckpointException"/> if it is missing.</summary>
    public long[] Shape(string name) => Info(name).Shape;

    private SafeTensorInfo Info(string name) =>
        Tensors.TryGetValue(name, out var info) ? info : throw new CheckpointException($"The checkpoint has no tensor '{name}'.");

    private void ReadRaw<T>(string name, string dtype, Span<T> destination) where T : unmanaged
    {
        var info = Info(name);
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (info.DType != dtype)
            throw new CheckpointException($"Checkpoint tensor '{name}' is {info.DType}, expected {dtype}.");
        if (info.End - info.Begin != (long)destination.Length * size)
            throw new CheckpointException($"Checkpoint tensor '{name}' has shape [{string.Join(", ", info.Shape)}] but {destination.Length} elements are expected.");
        int perChunk = ChunkBytes / size;
        for (int i = 0; i < destination.Length; i += perChunk)
        {
            var part = MemoryMarshal.AsBytes(destination.Slice(i, Math.Min(perChunk, destination.Length - i)));
            _bytes.ReadExactly(part, _dataStart + info.Begin + (long)i * size);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _bytes.Dispose();

    /// <summary>Where the file's bytes come from: an open file, or an array.</summary>
    private interface IByteSource : IDisposable
    {
        long Length { get; }

        /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>; a <see cref="CheckpointException"/> if the file ends first.</summary>
        void ReadExactly(Span<byte> destination, long offset);
    }

    private sealed class FileBytes(FileStream stream, string path) : IByteSource
    {
        public long Length { get; } = stream.Length;

        public void ReadExactly(Span<byte> destination, long offset)
        {
            try
            {
                while (destination.Length > 0)
                {
                    int read = RandomAccess.Read(stream.SafeFileHandle, destination, offset);
                    if (read == 0)
                        throw new CheckpointException($"{path} was truncated while it was being read.");
                    destination = destination[read..];
                    offset += read;
                }
            }
            catch (IOException e)
            {
                throw new CheckpointException($"Cannot read {path}: {e.Message}", e);
            }
        }

        public void Dispose() => stream.Dispose();
    }

    private sealed class ArrayBytes(byte[] bytes) : IByteSource
    {
        public long Length => bytes.Length;

        public void ReadExactly(Span<byte> destination, long offset)
        {
            if (offset + destination.Length > bytes.Length)
                throw new CheckpointException("The file ends before the data it describes.");
            bytes.AsSpan((int)offset, destination.Length).CopyTo(destination);
        }

        public void Dispose()
        {
        }
    }
}
