using Sac.Core.Environments;

namespace Sac.Tests.Environments;

/// <summary>Creating environments by id, gym.make-style.</summary>
public class EnvironmentRegistryTests
{
    [Test]
    public void Create_UnknownId_ThrowsListingValidIds()
    {
        var error = Assert.Throws<EnvironmentException>(() => EnvironmentRegistry.Create("Pendulum-v0"))!;
        Assert.That(error.Message, Does.Contain("'Pendulum-v0'"));
        Assert.That(error.Message, Does.Contain("Pendulum-v1").And.Contain("MountainCarContinuous-v0"));
    }

    [Test]
    public void Create_IdDifferingOnlyInCase_SuggestsTheRegisteredOne()
    {
        var error = Assert.Throws<EnvironmentException>(() => EnvironmentRegistry.Create("pendulum-v1"))!;
        Assert.That(error.Message, Does.Contain("Did you mean 'Pendulum-v1'?"));
    }

    [Test]
    public void Create_Pendulum_IsCheckedTimeLimitedPendulumWithGymnasiumSpaces()
    {
        IEnvironment env = EnvironmentRegistry.Create("Pendulum-v1");
        Assert.That(env.Id, Is.EqualTo("Pendulum-v1"));
        Assert.That(env.ObservationSpace.ToString(), Is.EqualTo("Box(3, low=[-1, -1, -8], high=[1, 1, 8])"));
        Assert.That(env.ActionSpace.ToString(), Is.EqualTo("Box(1, low=[-2], high=[2])"));
        var checkedEnv = (CheckedEnvironment)env;
        var limit = (TimeLimit)checkedEnv.Inner;
        Assert.That(limit.MaxEpisodeSteps, Is.EqualTo(200));
        Assert.That(limit.Inner, Is.TypeOf<Pendulum>());
    }

    [Test]
    public void Create_MountainCar_IsCheckedTimeLimitedMountainCarWithGymnasiumSpaces()
    {
        IEnvironment env = EnvironmentRegistry.Create("MountainCarContinuous-v0");
        Assert.That(env.ObservationSpace.ToString(), Is.EqualTo("Box(2, low=[-1.2, -0.07], high=[0.6, 0.07])"));
        Assert.That(env.ActionSpace.ToString(), Is.EqualTo("Box(1, low=[-1], high=[1])"));
        var limit = (TimeLimit)((CheckedEnvironment)env).Inner;
        Assert.That(limit.MaxEpisodeSteps, Is.EqualTo(999));
        Assert.That(limit.Inner, Is.TypeOf<MountainCarContinuous>());
    }

    [Test]
    public void Ids_ListBuiltInsFirst()
    {
        Assert.That(EnvironmentRegistry.Ids.Take(2), Is.EqualTo(new[] { "Pendulum-v1", "MountainCarContinuous-v0" }));
    }

    [Test]
    public void Create_CalledTwice_GivesIndependentEnvironments()
    {
        IEnvironment a = EnvironmentRegistry.Create("Pendulum-v1"), b = EnvironmentRegistry.Create("Pendulum-v1");
        Assert.That(a, Is.Not.SameAs(b));
        var (oa, ob) = (new float[3], new float[3]);
        a.Reset(oa, seed: 1);
        b.Reset(ob, seed: 2);
        a.Step([1f], oa);
        var again = new float[3];
        b.Reset(again, seed: 2);
        Assert.That(again, Is.EqualTo(ob), "stepping a must not disturb b");
    }

    [Test]
    public void Register_CustomEnvironmentWithLimit_CreatesItCheckedAndTimeLimited()
    {
        string id = $"Custom-{Guid.NewGuid():N}-v0";
        EnvironmentRegistry.Register(id, () => new FaultyEnvironment(), maxEpisodeSteps: 4);
        Assert.That(EnvironmentRegistry.Ids, Does.Contain(id));
        IEnvironment env = EnvironmentRegistry.Create(id);
        var observation = new float[3];
        env.Reset(observation);
        for (int t = 1; t < 4; t++)
            Assert.That(env.Step([0f], observation).Truncated, Is.False);
        Assert.That(env.Step([0f], observation).Truncated, Is.True);
    }

    [Test]
    public void Register_WithoutLimit_CreatesItCheckedOnly()
    {
        string id = $"Custom-{Guid.NewGuid():N}-v0";
        EnvironmentRegistry.Register(id, () => new FaultyEnvironment(), maxEpisodeSteps: null);
        var env = (CheckedEnvironment)EnvironmentRegistry.Create(id);
        Assert.That(env.Inner, Is.TypeOf<FaultyEnvironment>());
    }

    [Test]
    public void Register_ExistingId_Throws()
    {
        Assert.That(() => EnvironmentRegistry.Register("Pendulum-v1", () => new Pendulum(9.81), 200),
            Throws.ArgumentException.With.Message.Contains("already registered"));
        // And the built-in is untouched.
        var limit = (TimeLimit)((CheckedEnvironment)EnvironmentRegistry.Create("Pendulum-v1")).Inner;
        Assert.That(((Pendulum)limit.Inner).Gravity, Is.EqualTo(10.0));
    }

    [TestCase(0)]
    [TestCase(-1)]
    public void Register_NonPositiveLimit_Throws(int limit)
    {
        Assert.That(() => EnvironmentRegistry.Register($"Custom-{Guid.NewGuid():N}-v0", () => new Pendulum(), limit),
            Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
