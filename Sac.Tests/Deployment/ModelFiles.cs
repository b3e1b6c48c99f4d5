using Sac.Core.Checkpoints;

namespace Sac.Tests.Deployment;

/// <summary>Ways a user (or an attacker) changes a model file, for the refusal tests.</summary>
internal static class ModelFiles
{
    /// <summary>
    /// Rewrites <paramref name="path"/> with <paramref name="edit"/> applied to each tensor's values (in the file's
    /// order) and a fresh, valid checksum: tampered, yet intact by its own SHA-256.
    /// </summary>
    public static void Reseal(string path, Action<string, float[]> edit)
    {
        var writer = new SafeTensorsWriter();
        using (var original = SafeTensorsFile.Load(path))
        {
            foreach (var (key, value) in original.Metadata.Where(m => m.Key != SafeTensorsChecksum.Key))
                writer.Metadata[key] = value;
            foreach (var (name, info) in original.Tensors.OrderBy(t => t.Value.Begin))
            {
                var values = new float[info.Shape.Aggregate(1L, (p, d) => p * d)];
                original.Read(name, values);
                edit(name, values);
                writer.Add(name, values, info.Shape);
            }
        }
        File.WriteAllBytes(path, writer.ToBytes(out _));
    }

    /// <summary>Flips one bit of a byte in the data section (past the header), leaving the checksum as it was.</summary>
    public static void FlipDataBit(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 0x10;
        File.WriteAllBytes(path, bytes);
    }
}
