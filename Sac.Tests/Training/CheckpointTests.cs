using System.Buffers.Binary;
using System.Text.Json;
using Sac.Core.Algorithms;
using Sac.Core.Checkpoints;
using Sac.Core.Environments;
using Sac.Core.Training;

namespace Sac.Tests.Training;

/// <summary>Checkpoints: bitwise resume, the safetensors format, corrupt and truncated files, atomic commits.</summary>
public class CheckpointTests() : TemporaryDirectoryTest("sac-ckpt-")
{

    /// <summary>A source that writes half of a trainer's checkpoint and then fails, as a crash or a full disk would.</summary>
    private sealed class FailingMidWrite(Trainer trainer) : ICheckpointable
    {
        public long Steps => trainer.Steps;

        public void SaveCheckpoint(string directory)
        {
            trainer.SaveCheckpoint(directory);
            File.WriteAllBytes(Path.Combine(directory, Trainer.StateFileName), [1, 2, 3]);
            throw new IOException("simulated crash while writing");
        }
    }

    private static Trainer NewTrainer(SacVersion version, long steps = 700) => new(
        EnvironmentRegistry.Create("Pendulum-v1"), EnvironmentRegistry.Create("Pendulum-v1"),
        new SacOptions { Version = version, HiddenSizes = [16, 16], BatchSize = 32, LearningStarts = 100, BufferSize = 10_000 },
        new TrainerOptions { TotalSteps = steps, Seed = 5, EvalEvery = 250, EvalEpisodes = 1 });

    /// <summary>A 150-step v2 run checkpointed through the store: its checkpoint directory and training-state file.</summary>
    private (string Directory, string StateFile) SavedRun()
    {
        var trainer = NewTrainer(SacVersion.V2, steps: 150);
        trainer.Run();
        string dir = CheckpointStore.Save(trainer, Dir);
        return (dir, Path.Combine(dir, Trainer.StateFileName));
    }

    private static byte[] AllWeights(Trainer trainer) => TrainerRecording.Weights(trainer);

    /// <summary>Takes <paramref name="steps"/> more steps of <paramref name="trainer"/>.</summary>
    private static void Advance(Trainer trainer, int steps)
    {
        for (int i = 0; i < steps; i++)
            trainer.Step();
    }

    /// <summary><see cref="Advance"/>, then a checkpoint through the store; returns its directory.</summary>
    private string AdvanceAndSave(Trainer trainer, int steps)
    {
        Advance(trainer, steps);
        return CheckpointStore.Save(trainer, Dir);
    }

    [Test]
    public void Resume_MidEpisodeAfterInterruption_ContinuesBitwiseIdentically([Values(SacVersion.V1, SacVersion.V2)] SacVersion version)
    {
        // Uninterrupted reference run.
        var reference = NewTrainer(version);
        var referenceReturns = TrainerRecording.Observe(reference);
        reference.Run();

        // Interrupted at step 333 (mid-episode, after learning started, between evaluations), checkpointed, restored in a fresh trainer.
        var first = NewTrainer(version);
        var returns = TrainerRecording.Observe(first);
        for (int i = 0; i < 333; i++)
            first.Step();
        string checkpoint = CheckpointStore.Save(first, Dir);
        var resumed = NewTrainer(version);
        resumed.LoadCheckpoint(checkpoint);
        TrainerRecording.Observe(resumed, returns);
        resumed.Run();

        Assert.That(resumed.Steps, Is.EqualTo(reference.Steps));
        Assert.That(returns, Is.EqualTo(referenceReturns), "episode and evaluation returns");
        Assert.That(AllWeights(resumed), Is.EqualTo(AllWeights(reference)), "every parameter, byte for byte");
        Assert.That(resumed.Agent.ParameterSets[0].Optimizer!.Step, Is.EqualTo(reference.Agent.ParameterSets[0].Optimizer!.Step));
    }

    [Test]
    public void ModelFile_MatchesSafetensorsSpec()
    {
        var trainer = NewTrainer(SacVersion.V2, steps: 150);
        trainer.Run();
        trainer.SaveCheckpoint(Dir);
        byte[] bytes = File.ReadAllBytes(Path.Combine(Dir, Trainer.ModelFileName));

        // Spec: u64 little-endian header size N, then N bytes of JSON, then the data; offsets are relative to the data start.
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.That(n % 8, Is.Zero, "header padded to 8 bytes");
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        var first = header.RootElement.GetProperty("pi.0.weight");
        Assert.That(first.GetProperty("dtype").GetString(), Is.EqualTo("F32"));
        // PyTorch layout: nn.Linear(3, 16).weight is [16, 3].
        Assert.That(first.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 16, 3 }));
        var offsets = first.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        Assert.That(offsets, Is.EqualTo(new long[] { 0, 16 * 3 * 4 }));
        // The bytes at those offsets are W transposed: element [o, i] of the file is W[i, o] of the network.
        int dataStart = 8 + (int)n;
        var w = trainer.Agent.PolicyNetwork.Layers[0].Weight;
        for (int o = 0; o < 16; o++)
            for (int i = 0; i < 3; i++)
                Assert.That(BitConverter.ToSingle(bytes, dataStart + (o * 3 + i) * 4), Is.EqualTo(w[i, o]));
        // Every tensor's offsets tile the data section exactly.
        long end = header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__")
            .Max(p => p.Value.GetProperty("data_offsets")[1].GetInt64());
        Assert.That(dataStart + end, Is.EqualTo(bytes.Length));
    }

    [Test]
    public void LoadCheckpoint_TruncatedFile_IsRejectedWithClearError()
    {
        var (dir, state) = SavedRun();
        byte[] bytes = File.ReadAllBytes(state);
        File.WriteAllBytes(state, bytes[..(bytes.Length - 100)]);

        var ex = Assert.Throws<CheckpointException>(() => NewTrainer(SacVersion.V2, steps: 150).LoadCheckpoint(dir));
        Assert.That(ex!.Message, Does.Contain("truncated"));
    }

    [Test]
    public void LoadCheckpoint_FlippedDataByte_IsRejectedByChecksum()
    {
        var (dir, state) = SavedRun();
        byte[] bytes = File.ReadAllBytes(state);
        bytes[^10] ^= 0x40;
        File.WriteAllBytes(state, bytes);

        var ex = Assert.Throws<CheckpointException>(() => NewTrainer(SacVersion.V2, steps: 150).LoadCheckpoint(dir));
        Assert.That(ex!.Message, Does.Contain("corrupt").And.Contain("checksum"));
        Assert.That(ex.Message, Does.Contain(Trainer.StateFileName));
    }

    [Test]
    public void LoadCheckpoint_GarbageHeader_IsRejected()
    {
        Directory.CreateDirectory(Path.Combine(Dir, "bad"));
        File.WriteAllBytes(Path.Combine(Dir, "bad", Trainer.StateFileName), [16, 0, 0, 0, 0, 0, 0, 0, .. "{not json at all"u8.ToArray()]);
        var ex = Assert.Throws<CheckpointException>(() => NewTrainer(SacVersion.V2).LoadCheckpoint(Path.Combine(Dir, "bad")));
        Assert.That(ex!.Message, Does.Contain("corrupt"));
        Assert.Throws<CheckpointException>(() => NewTrainer(SacVersion.V2).LoadCheckpoint(Path.Combine(Dir, "missing")));
    }

    [Test]
    public void LoadCheckpoint_OtherAlgorithm_IsRejected()
    {
        var trainer = NewTrainer(SacVersion.V1, steps: 150);
        trainer.Run();
        string dir = CheckpointStore.Save(trainer, Dir);
        var ex = Assert.Throws<CheckpointException>(() => NewTrainer(SacVersion.V2, steps: 150).LoadCheckpoint(dir));
        Assert.That(ex!.Message, Does.Contain("trained with Version = 1").And.Contain("Version = 2"));
    }

    [Test]
    public void LoadCheckpoint_AnyFlippedHeaderByte_IsRejectedAndChangesNothing()
    {
        // The header holds what is restored besides the tensors: the step count, RNG words, both environments' states.
        // Flip every byte of it in turn (the length prefix included): each must be refused, and the trainer left as it was.
        var (dir, state) = SavedRun();
        byte[] good = File.ReadAllBytes(state);
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(good);
        string header = System.Text.Encoding.UTF8.GetString(good, 8, headerEnd - 8);
        Assert.That(header, Does.Contain("steps").And.Contain("150").And.Contain("s0").And.Contain("theta"), "the header holds the restored counters, RNG and environment state");

        var target = NewTrainer(SacVersion.V2, steps: 150);
        byte[] before = AllWeights(target);
        int refused = 0;
        for (int i = 0; i < headerEnd; i++)
        {
            var bad = (byte[])good.Clone();
            bad[i] ^= 0x04;
            File.WriteAllBytes(state, bad);
            try
            {
                target.LoadCheckpoint(dir);
            }
            catch (CheckpointException)
            {
                refused++;
            }
        }
        Assert.That(refused, Is.EqualTo(headerEnd), "every flipped header byte is refused");
        Assert.That(target.Steps, Is.Zero);
        Assert.That(AllWeights(target), Is.EqualTo(before), "no refused load changed a weight");
    }

    [Test]
    public void LoadCheckpoint_ModelFileTruncatedMissingReshapedOrSwapped_IsRefused()
    {
        var trainer = NewTrainer(SacVersion.V2);
        string older = AdvanceAndSave(trainer, 150);
        string dir = AdvanceAndSave(trainer, 50);
        string model = Path.Combine(dir, Trainer.ModelFileName);
        byte[] good = File.ReadAllBytes(model);
        string Refusal() => Assert.Throws<CheckpointException>(() => NewTrainer(SacVersion.V2).LoadCheckpoint(dir))!.Message;

        File.WriteAllBytes(model, good[..(good.Length - 40)]);
        Assert.That(Refusal(), Does.Contain("model.safetensors").And.Contain("truncated"));

        File.Delete(model);
        Assert.That(Refusal(), Does.Contain("model.safetensors is missing"));

        // Another checkpoint's model: intact on its own, but not the one saved with this training state.
        File.Copy(Path.Combine(older, Trainer.ModelFileName), model);
        Assert.That(Refusal(), Does.Contain("does not belong"));

        // A model of other shapes with a valid checksum of its own (from a run with other hidden sizes).
        var other = new Trainer(EnvironmentRegistry.Create("Pendulum-v1"), EnvironmentRegistry.Create("Pendulum-v1"),
            new SacOptions { HiddenSizes = [8], BatchSize = 32, LearningStarts = 100, BufferSize = 10_000 },
            new TrainerOptions { TotalSteps = 700, Seed = 5, EvalEvery = 250, EvalEpisodes = 1 });
        other.SaveCheckpoint(Path.Combine(Dir, "other"));
        File.Copy(Path.Combine(Dir, "other", Trainer.ModelFileName), model, overwrite: true);
        Assert.That(Refusal(), Does.Contain("model.safetensors"));

        File.WriteAllBytes(model, good);
        Assert.That(() => NewTrainer(SacVersion.V2).LoadCheckpoint(dir), Throws.Nothing, "the original model file is accepted again");
    }

    [Test]
    public void LoadCheckpoint_OtherHyperparameters_IsRefusedNamingTheOption()
    {
        var trainer = NewTrainer(SacVersion.V2, steps: 150);
        trainer.Run();
        string dir = CheckpointStore.Save(trainer, Dir);
        var changed = new Trainer(EnvironmentRegistry.Create("Pendulum-v1"), EnvironmentRegistry.Create("Pendulum-v1"),
            new SacOptions { HiddenSizes = [16, 16], BatchSize = 32, LearningStarts = 100, BufferSize = 10_000, Gamma = 0.95 },
            new TrainerOptions { TotalSteps = 150, Seed = 5, EvalEvery = 250, EvalEpisodes = 1 });
        var ex = Assert.Throws<CheckpointException>(() => changed.LoadCheckpoint(dir));
        Assert.That(ex!.Message, Does.Contain("Gamma = 0.99").And.Contain("Gamma = 0.95"));
    }

    [Test]
    public void LoadCheckpoint_RestoresTrainingTimeAcrossSegments()
    {
        var trainer = NewTrainer(SacVersion.V2, steps: 150);
        trainer.Run();
        Assert.That(trainer.TrainingTime, Is.GreaterThan(TimeSpan.Zero));
        string dir = CheckpointStore.Save(trainer, Dir);
        var resumed = NewTrainer(SacVersion.V2, steps: 300);
        resumed.LoadCheckpoint(dir);
        Assert.That(resumed.TrainingTime.TotalSeconds, Is.EqualTo(trainer.TrainingTime.TotalSeconds).Within(1e-6));
    }

    [Test]
    public void Save_CrashBeforeCommit_LeavesPreviousCheckpointIntact()
    {
        var trainer = NewTrainer(SacVersion.V2);
        string good = AdvanceAndSave(trainer, 200);
        Advance(trainer, 50);

        Assert.Throws<IOException>(() => CheckpointStore.Save(new FailingMidWrite(trainer), Dir));

        Assert.That(CheckpointStore.Resolve(Dir), Is.EqualTo(good), "the pointer still names the previous checkpoint");
        Assert.That(Directory.GetDirectories(Dir), Has.Length.EqualTo(1), "no half-written checkpoint is left behind");
        var restored = NewTrainer(SacVersion.V2);
        restored.LoadCheckpoint(CheckpointStore.Resolve(Dir));
        Assert.That(restored.Steps, Is.EqualTo(200));
    }

    [Test]
    public void Save_KeepsNewestTwo()
    {
        var trainer = NewTrainer(SacVersion.V2);
        foreach (int steps in new[] { 100, 100, 100 })
            AdvanceAndSave(trainer, steps);
        Assert.That(CheckpointStore.List(Dir), Is.EqualTo(new[] { "step-0000000200", "step-0000000300" }));
        Assert.That(Path.GetFileName(CheckpointStore.Resolve(Dir)), Is.EqualTo("step-0000000300"));
    }
}
