using System.Text.Json.Nodes;
using Sac.Core;
using Sac.Core.Environments;

namespace Sac.Tests.Environments;

/// <summary>The Rng's one JSON form, which every environment (Sac.Core's and Sac.Mujoco's) saves its generator in.</summary>
public class EnvironmentStateTests
{
    [Test]
    public void SaveRng_OfAKnownState_IsTheDocumentedJsonText()
    {
        var rng = new Rng(new RngState(1, 2, 18446744073709551615, 4, true, -0.5));
        // The text written out by hand from the doc comment: a checkpoint written today must read the same tomorrow.
        Assert.That(EnvironmentState.SaveRng(rng)!.ToJsonString(),
            Is.EqualTo("""{"s0":1,"s1":2,"s2":18446744073709551615,"s3":4,"hasSpare":true,"spare":-0.5}"""));
    }

    [Test]
    public void RestoreRng_OfSavedRngThroughJsonText_ContinuesTheSameDraws()
    {
        var original = new Rng(7);
        original.Normal(); // leaves the second normal of a pair cached, which the JSON must carry too
        JsonNode text = JsonNode.Parse(EnvironmentState.SaveRng(original)!.ToJsonString())!;
        Rng restored = EnvironmentState.RestoreRng(text, "test")!;
        // The oracle is the original generator itself, drawing on.
        double[] expected = [original.Normal(), original.Normal(), original.NextDouble()];
        double[] actual = [restored.Normal(), restored.Normal(), restored.NextDouble()];
        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void RestoreRng_Null_IsNoGenerator()
    {
        // A never-reset environment saves null; restoring it must not invent a generator.
        Assert.That(EnvironmentState.RestoreRng(null, "test"), Is.Null);
    }

    [TestCase("""{"s0":1,"s1":2,"s2":3,"hasSpare":false,"spare":0}""", "no 's3'")]
    [TestCase("""{"s0":1,"s1":2,"s2":3,"s3":"x","hasSpare":false,"spare":0}""", "'s3' is not a UInt64")]
    [TestCase("""{"s0":0,"s1":0,"s2":0,"s3":0,"hasSpare":false,"spare":0}""", "not a valid generator state")]
    [TestCase("""[1, 2, 3, 4]""", "not an object")]
    public void RestoreRng_DamagedJson_ThrowsOneEnvironmentExceptionNamingTheOwner(string json, string message)
    {
        var error = Assert.Throws<EnvironmentException>(() => EnvironmentState.RestoreRng(JsonNode.Parse(json), "Owner-v0"))!;
        Assert.That(error.Message, Does.StartWith("Owner-v0: ").And.Contain(message));
    }
}
