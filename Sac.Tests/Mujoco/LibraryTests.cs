using System.Runtime.InteropServices;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;
using Sac.Mujoco;

namespace Sac.Tests.Mujoco;

/// <summary>Loading libmujoco, its version check, and the error hooks that keep MuJoCo from ending the process.</summary>
public class LibraryTests
{
    [Test]
    public void MjVersion_OfTheLoadedLibrary_Is222()
    {
        MujocoLibrary.EnsureLoaded();
        Assert.That(MujocoNative.mj_version(), Is.EqualTo(222), "Debian's libmujoco2.2.2; the generated layout is for its headers");
        Assert.That(MujocoLayout.HeaderVersion, Is.EqualTo(222));
    }

    [TestCase(231)]
    [TestCase(300)]
    public void CheckVersion_OtherVersion_ThrowsOneExceptionNamingBothVersions(int version)
    {
        var error = Assert.Throws<MujocoException>(() => MujocoLibrary.CheckVersion(version))!;
        Assert.That(error.Message, Does.Contain($"mj_version() = {version}").And.Contain("version 222"));
        Assert.That(error.Message, Does.Contain("apt-get install -y libmujoco2.2.2"), "says how to get the right one");
    }

    [Test]
    public void MjuError_WithTheHookInstalled_IsRecordedAndReturnsInsteadOfExiting()
    {
        MujocoLibrary.EnsureLoaded();
        // Without the hook MuJoCo prints "Press Enter to exit" and calls exit(1): reaching the next line is the test.
        WithCString("deliberate test error", MujocoNative.mju_error);
        Assert.That(MujocoHooks.HasError, Is.True);
        Assert.That(MujocoHooks.TakeError(), Is.EqualTo("deliberate test error"));
        Assert.That(MujocoHooks.HasError, Is.False, "taking the error clears it");
    }

    [Test]
    public void MjuWarning_WithTheHookInstalled_IsRecordedForThisThreadOnly()
    {
        MujocoLibrary.EnsureLoaded();
        MujocoHooks.ClearWarning();
        WithCString("deliberate test warning", MujocoNative.mju_warning);
        Assert.That(MujocoHooks.LastWarning, Is.EqualTo("deliberate test warning"));

        string? seenByOtherThread = "unset";
        var thread = new Thread(() => seenByOtherThread = MujocoHooks.LastWarning);
        thread.Start();
        thread.Join();
        Assert.That(seenByOtherThread, Is.Null, "another thread's MuJoCo calls never see this thread's messages");
        MujocoHooks.ClearWarning();
    }

    [Test]
    public void MjStep_RaisingAnError_FaultsTheSimulationWithOneExceptionAndResetRecovers()
    {
        using var env = new Hopper();
        var observation = new float[11];
        env.Reset(observation, seed: 0);
        // An invalid integrator makes mj_step call mju_error("Invalid integrator"), a path MuJoCo cannot continue from.
        nint model = env.Simulation.Model.Pointer;
        int rk4 = Marshal.ReadInt32(model, MjOptionFields.integrator);
        Marshal.WriteInt32(model, MjOptionFields.integrator, 99);

        var error = Assert.Throws<MujocoException>(() => env.Step(new float[3], observation))!;
        Assert.That(error.Message, Does.Contain("Invalid integrator").And.Contain("mj_step").And.Contain("hopper.xml"));
        Assert.That(env.Simulation.Faulted, Is.True, "the data is never read again after a MuJoCo error");
        Assert.Throws<Sac.Core.Environments.EnvironmentException>(() => env.Step(new float[3], observation), "the episode is over");

        Marshal.WriteInt32(model, MjOptionFields.integrator, rk4);
        env.Reset(observation, seed: 0);
        Assert.That(env.Simulation.Faulted, Is.False, "Reset made fresh data");
        Assert.That(env.Step(new float[3], observation).Terminated, Is.False, "and the hopper steps again");
    }

    [Test]
    public void NativeLibraryName_IsTheFullSoname()
    {
        // Debian installs the unversioned libmujoco.so only with -dev; binding the soname also keeps other versions out.
        Assert.That(MujocoNative.LibraryName, Is.EqualTo("libmujoco.so.2.2.2"));
        Assert.That(File.Exists("/usr/lib/x86_64-linux-gnu/libmujoco.so.2.2.2"), Is.True,
            "libmujoco.so.2.2.2 is missing: run `apt-get install -y libmujoco2.2.2 libmujoco-dev` (build.cake does, as root)");
    }

    private static void WithCString(string text, Action<nint> call)
    {
        nint message = Marshal.StringToCoTaskMemUTF8(text);
        try
        {
            call(message);
        }
        finally
        {
            Marshal.FreeCoTaskMem(message);
        }
    }
}
