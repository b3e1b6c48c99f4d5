using System.Runtime.InteropServices;
using Sac.Mujoco.Native;
using Sac.Mujoco.Tasks;
using Sac.Mujoco;

namespace Sac.Tests.Mujoco;

/// <summary>
/// The tests' own path into mjData, apart from the tasks' spans: the array's address read with
/// <see cref="Marshal.ReadIntPtr(nint, int)"/> at the generated pointer offset, the values copied out (or in) with
/// <see cref="Marshal.Copy(nint, double[], int, int)"/>, and the element counts given by the test from Gymnasium's
/// documented sizes rather than taken from the model.
/// </summary>
internal static class RawMjData
{
    public static double[] Read(MujocoEnvironment env, MjArray field, int count)
    {
        var values = new double[count];
        Marshal.Copy(Address(env, field), values, 0, count);
        return values;
    }

    public static double ReadTime(MujocoEnvironment env) =>
        BitConverter.Int64BitsToDouble(Marshal.ReadInt64(env.Simulation.Pointer, MjDataScalars.time));

    /// <summary>Overwrites the first values of an array, e.g. to script a state before a step or a health check.</summary>
    public static void Write(MujocoEnvironment env, MjArray field, double[] values) =>
        Marshal.Copy(values, 0, Address(env, field), values.Length);

    /// <summary>Reads the first values of a model array (e.g. body_mass).</summary>
    public static double[] ReadModel(MujocoEnvironment env, MjArray field, int count)
    {
        var values = new double[count];
        Marshal.Copy(Marshal.ReadIntPtr(env.Simulation.Model.Pointer, field.PointerOffset), values, 0, count);
        return values;
    }

    /// <summary>Writes one element of a model array (e.g. a gear), for fault-injection tests.</summary>
    public static void WriteModel(MujocoEnvironment env, MjArray field, int index, double value)
    {
        nint array = Marshal.ReadIntPtr(env.Simulation.Model.Pointer, field.PointerOffset);
        Marshal.Copy(new[] { value }, 0, array + index * sizeof(double), 1);
    }

    private static nint Address(MujocoEnvironment env, MjArray field)
    {
        Assert.That(field.ElementType, Is.EqualTo("mjtNum"), $"{field.Name} is read as doubles");
        return Marshal.ReadIntPtr(env.Simulation.Pointer, field.PointerOffset);
    }
}
