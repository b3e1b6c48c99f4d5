using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Sac.Mujoco.Native;

/// <summary>
/// MuJoCo's error and warning hooks (<c>mju_user_error</c>, <c>mju_user_warning</c>): two process-wide function
/// pointers, pointed at <see cref="OnError"/> and <see cref="OnWarning"/>, which only record the message for the thread
/// that called into MuJoCo. The wrappers (<see cref="MujocoModel"/>, <see cref="MujocoSimulation"/>) read the record
/// after each call and turn it into one <see cref="MujocoException"/>.
/// </summary>
/// <remarks>
/// CRUCIAL: a managed exception must never unwind through MuJoCo's C frames (that is undefined behaviour, in practice a
/// crash), and C# cannot longjmp out of them either. So the hooks never throw: they copy the text and return.
/// <para>
/// Warnings return normally by design: MuJoCo counts them in <c>mjData.warning</c> (printing only the first of each
/// kind) and carries on, having reset the state for a bad qpos/qvel/qacc or zeroed the controls for a bad ctrl.
/// <see cref="MujocoSimulation"/> reads those counters after every <c>mj_step</c>.
/// </para>
/// <para>
/// NOTE: errors are another matter. MuJoCo 2.2.2's <c>mju_error</c> exits the process only when no hook is installed;
/// with one, it calls the hook and returns to the code that failed, which then runs on with whatever it had. The
/// hook records the message, the wrapper throws as soon as the C call returns and marks the simulation faulted, so its
/// data is never read again. The errors <c>mj_step</c> can raise with valid inputs are size limits ("Stack overflow",
/// "Broadphase buffer full"); the models keep MuJoCo's default stack (quadratic in <c>njmax</c>) so they are not
/// reached, and every input is validated before it is handed to MuJoCo.
/// </para>
/// </remarks>
internal static unsafe class MujocoHooks
{
    // MuJoCo formats every message into a 1000-byte buffer (mju_error_i, mju_warning_i), so this holds any of them.
    private const int MessageCapacity = 1000;

    // The hooks run on the thread that called MuJoCo, so each thread's record is its own; environments on different
    // threads never see each other's messages. The buffers are allocated once per thread, on the first message.
    [ThreadStatic] private static byte[]? t_error;
    [ThreadStatic] private static int t_errorLength;
    [ThreadStatic] private static bool t_hasError;
    [ThreadStatic] private static byte[]? t_warning;
    [ThreadStatic] private static int t_warningLength;

    /// <summary>Points MuJoCo's two hooks at this class. Called once, by <see cref="MujocoLibrary.EnsureLoaded"/>.</summary>
    public static void Install(nint library)
    {
        var error = (delegate* unmanaged[Cdecl]<byte*, void>*)NativeLibrary.GetExport(library, MujocoNative.UserErrorSymbol);
        var warning = (delegate* unmanaged[Cdecl]<byte*, void>*)NativeLibrary.GetExport(library, MujocoNative.UserWarningSymbol);
        *error = &OnError;
        *warning = &OnWarning;
    }

    /// <summary>True when a MuJoCo error was raised on this thread and not yet taken with <see cref="TakeError"/>.</summary>
    public static bool HasError => t_hasError;

    /// <summary>The error raised on this thread since the last call, or null; clears it.</summary>
    public static string? TakeError()
    {
        if (!t_hasError)
            return null;
        t_hasError = false;
        return Encoding.UTF8.GetString(t_error!, 0, t_errorLength);
    }

    /// <summary>The last warning text MuJoCo printed on this thread since <see cref="ClearWarning"/>, or null.</summary>
    public static string? LastWarning => t_warningLength == 0 ? null : Encoding.UTF8.GetString(t_warning!, 0, t_warningLength);

    /// <summary>Forgets the last warning text (allocation-free).</summary>
    public static void ClearWarning() => t_warningLength = 0;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnError(byte* message)
    {
        // CRUCIAL: an exception escaping an UnmanagedCallersOnly method kills the process; nothing may escape.
        try
        {
            t_error ??= new byte[MessageCapacity];
            t_errorLength = Copy(message, t_error);
            t_hasError = true;
        }
        catch
        {
            t_hasError = true;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnWarning(byte* message)
    {
        try
        {
            t_warning ??= new byte[MessageCapacity];
            t_warningLength = Copy(message, t_warning);
        }
        catch
        {
            // A lost warning text costs only detail: the counters in mjData still say what happened.
        }
    }

    private static int Copy(byte* message, byte[] destination)
    {
        if (message == null)
            return 0;
        var text = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(message);
        int length = Math.Min(text.Length, destination.Length);
        text[..length].CopyTo(destination);
        return length;
    }
}
