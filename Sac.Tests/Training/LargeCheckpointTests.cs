using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Sac.Core.Algorithms;
using Sac.Core.Checkpoints;
using Sac.Core.Environments;
using Sac.Core.Training;

namespace Sac.Tests.Training;

/// <summary>
/// Checkpoints larger than one .NET array (2 GiB): a full 1M-step Humanoid-v5 training state is ~2.9 GB, and a large
/// --hidden makes one at once. They are written and verified by streaming, and resume bitwise (issue 24).
/// </summary>
[NonParallelizable]
public class LargeCheckpointTests() : TemporaryDirectoryTest("sac-large-")
{

    /// <summary>Above 2³¹ bytes of data, and not a multiple of any chunk size.</summary>
    private const int Elements = (1 << 29) + (1 << 27) + 12_345;

    [Test]
    public void SafeTensors_FileLargerThanTwoGiB_RoundTripsAndAFlippedByteAtTheEndIsRefused()
    {
        string path = Path.Combine(Dir, "large.safetensors");
        var values = GC.AllocateUninitializedArray<float>(Elements);
        for (int i = 0; i < values.Length; i++)
            values[i] = i * 0.25f - 1e6f;
        var writer = new SafeTensorsWriter();
        writer.Metadata["what"] = "test";
        writer.Add("small", [1.0, 2.0, 3.0], 3);
        writer.Add("large", () => values, Elements);
        string checksum = writer.WriteDurably(path);
        Assert.That(new FileInfo(path).Length, Is.GreaterThan((long)int.MaxValue), "the file is over 2 GiB");

        // The independent reading of the format: the header's offsets, and the checksum as the SHA-256 of the whole file
        // with the checksum's own 64 characters read as '0'.
        using (var stream = File.OpenRead(path))
        {
            Span<byte> prefix = stackalloc byte[8];
            stream.ReadExactly(prefix);
            int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            var header = new byte[headerLength];
            stream.ReadExactly(header);
            var json = JsonNode.Parse(header)!;
            Assert.That(json["large"]!["data_offsets"]![1]!.GetValue<long>() - json["large"]!["data_offsets"]![0]!.GetValue<long>(), Is.EqualTo(4L * Elements));
            Assert.That(json["__metadata__"]!["sha256"]!.GetValue<string>(), Is.EqualTo(checksum));
            string text = System.Text.Encoding.ASCII.GetString(header).Replace(checksum, new string('0', 64), StringComparison.Ordinal);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(prefix);
            hash.AppendData(System.Text.Encoding.ASCII.GetBytes(text));
            var chunk = new byte[1 << 22];
            int read;
            while ((read = stream.Read(chunk)) > 0)
                hash.AppendData(chunk, 0, read);
            Assert.That(Convert.ToHexString(hash.GetHashAndReset()), Is.EqualTo(checksum));
        }

        var back = GC.AllocateUninitializedArray<float>(Elements);
        using (var file = SafeTensorsFile.Load(path))
        {
            file.Read("large", back);
            var small = new double[3];
            file.Read("small", small);
            Assert.That(small, Is.EqualTo(new[] { 1.0, 2.0, 3.0 }));
            Assert.That(file.Metadata["what"], Is.EqualTo("test"));
        }
        Assert.That(back.AsSpan().SequenceEqual(values), Is.True, "every element back, bit for bit");

        // A flipped bit past the 2 GiB mark, where an int offset would have wrapped.
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = stream.Length - 3;
            int b = stream.ReadByte();
            stream.Position = stream.Length - 3;
            stream.WriteByte((byte)(b ^ 1));
        }
        var refused = Assert.Throws<CheckpointException>(() => SafeTensorsFile.Load(path).Dispose());
        Assert.That(refused!.Message, Does.Contain("corrupt"));
    }

    /// <summary>
    /// A v2 trainer on Pendulum with two-step episodes (so an evaluation is two forward passes) and 7400-unit hidden
    /// layers: 11 copies of ~55M parameters (5 networks, Adam's two moments of 3) make a ~2.4 GB training state.
    /// </summary>
    private static Trainer LargeTrainer() => new(
        new TimeLimit(new Pendulum(), 2), new TimeLimit(new Pendulum(), 2),
        new SacOptions { HiddenSizes = [7400, 7400], BatchSize = 8, LearningStarts = 3, BufferSize = 1000 },
        new TrainerOptions { TotalSteps = 4, Seed = 3, EvalEvery = 0, EvalEpisodes = 1 });

    [Test]
    public void Trainer_TrainingStateOverTwoGiB_IsWrittenVerifiedAndResumedBitwise()
    {
        string straightRoot = Path.Combine(Dir, "straight");
        (string State, string Data) expected;
        string expectedModel;
        {
            var straight = LargeTrainer();
            straight.Run();
            string saved = CheckpointStore.Save(straight, straightRoot);
            Assert.That(new FileInfo(Path.Combine(saved, Trainer.StateFileName)).Length, Is.GreaterThan((long)int.MaxValue), "the training state is over 2 GiB");
            expected = Fingerprint(Path.Combine(saved, Trainer.StateFileName));
            expectedModel = Hash(Path.Combine(saved, Trainer.ModelFileName));
        }
        Directory.Delete(straightRoot, recursive: true); // room on the disk
        GC.Collect();

        // Stopped after step 3 (one update: Adam's moments are not zero), saved, and resumed by a new trainer.
        string root = Path.Combine(Dir, "run");
        {
            var first = LargeTrainer();
            for (int i = 0; i < 3; i++)
                first.Step();
            CheckpointStore.Save(first, root);
        }
        GC.Collect();
        var resumed = LargeTrainer();
        resumed.LoadCheckpoint(CheckpointStore.Resolve(root));
        Assert.That(resumed.Steps, Is.EqualTo(3));
        resumed.Run();
        string final = CheckpointStore.Save(resumed, root);

        Assert.That(Fingerprint(Path.Combine(final, Trainer.StateFileName)), Is.EqualTo(expected), "the same training state (weights, moments, replay, generators), but for the clock");
        Assert.That(Hash(Path.Combine(final, Trainer.ModelFileName)), Is.EqualTo(expectedModel), "the same weights, byte for byte");
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    /// <summary>The state's metadata without its wall-clock time, and the SHA-256 of its data section.</summary>
    private static (string State, string Data) Fingerprint(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        var header = new byte[(int)BinaryPrimitives.ReadUInt64LittleEndian(prefix)];
        stream.ReadExactly(header);
        var state = JsonNode.Parse(JsonNode.Parse(header)!["__metadata__"]!["state"]!.GetValue<string>())!.AsObject();
        Assert.That(state.Remove("trainingSeconds"), Is.True);
        return (state.ToJsonString(), Convert.ToHexString(SHA256.HashData(stream)));
    }
}
