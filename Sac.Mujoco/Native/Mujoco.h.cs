using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

// Every binding below is blittable (pointers, ints), so nothing is marshalled at run time.
[assembly: DisableRuntimeMarshalling]

namespace Sac.Mujoco.Native;

/// <summary>
/// The functions of MuJoCo 2.2.2's <c>mujoco.h</c> that Sac calls, one-to-one, under their C names. <c>mjModel*</c>,
/// <c>mjData*</c> and <c>mjVFS*</c> are <see cref="nint"/>; strings are NUL-terminated UTF-8 <c>byte*</c> (<see cref="nint"/>
/// for the two message functions, which only tests call).
/// </summary>
/// <remarks>
/// Nothing here checks anything: call through <see cref="MujocoModel"/> and <see cref="MujocoSimulation"/>, which load
/// the library through <see cref="MujocoLibrary.EnsureLoaded"/> (version check, error hooks) and check every call.
/// The struct layouts these pointers lead to are in the generated <c>MujocoLayout.g.cs</c>.
/// </remarks>
internal static unsafe partial class MujocoNative
{
    /// <summary>
    /// The shared object, by its full soname: Debian's libmujoco2.2.2 installs only this name (the unversioned
    /// <c>libmujoco.so</c> link comes with libmujoco-dev), and a different MuJoCo must not be picked up by accident.
    /// </summary>
    public const string LibraryName = "libmujoco.so.2.2.2";

    //---------------------------------- Virtual file system --------------------------------------

    /// <summary><c>void mj_defaultVFS(mjVFS* vfs)</c>: initializes an empty VFS.</summary>
    [LibraryImport(LibraryName)]
    public static partial void mj_defaultVFS(nint vfs);

    /// <summary><c>int mj_makeEmptyFileVFS(mjVFS* vfs, const char* filename, int filesize)</c>: 0 on success,
    /// 1 when the VFS is full, 2 for a repeated name. <paramref name="filesize"/> must be positive (else mju_error).</summary>
    [LibraryImport(LibraryName)]
    public static partial int mj_makeEmptyFileVFS(nint vfs, byte* filename, int filesize);

    /// <summary><c>int mj_findFileVFS(const mjVFS* vfs, const char* filename)</c>: the file's index, or −1.</summary>
    [LibraryImport(LibraryName)]
    public static partial int mj_findFileVFS(nint vfs, byte* filename);

    /// <summary><c>void mj_deleteVFS(mjVFS* vfs)</c>: frees the files' buffers (not the mjVFS itself).</summary>
    [LibraryImport(LibraryName)]
    public static partial void mj_deleteVFS(nint vfs);

    //---------------------------------- Parse and compile ----------------------------------------

    /// <summary>
    /// <c>mjModel* mj_loadXML(const char* filename, const mjVFS* vfs, char* error, int error_sz)</c>: parses and
    /// compiles an MJCF file (from <paramref name="vfs"/> when it holds <paramref name="filename"/>). Null on failure,
    /// with the message in <paramref name="error"/>; a compiler warning also lands there, with a model returned.
    /// </summary>
    [LibraryImport(LibraryName)]
    public static partial nint mj_loadXML(byte* filename, nint vfs, byte* error, int errorSize);

    //---------------------------------- Main simulation ------------------------------------------

    /// <summary><c>void mj_step(const mjModel* m, mjData* d)</c>: one time step (checks, forward, integrate).</summary>
    [LibraryImport(LibraryName)]
    public static partial void mj_step(nint m, nint d);

    /// <summary><c>void mj_forward(const mjModel* m, mjData* d)</c>: forward dynamics without integration.</summary>
    [LibraryImport(LibraryName)]
    public static partial void mj_forward(nint m, nint d);

    //---------------------------------- Initialization -------------------------------------------

    /// <summary><c>void mj_deleteModel(mjModel* m)</c>.</summary>
    [LibraryImport(LibraryName)]
    public static partial void mj_deleteModel(nint m);

    /// <summary><c>mjData* mj_makeData(const mjModel* m)</c>: allocates and resets the data for a model; null on failure.</summary>
    [LibraryImport(LibraryName)]
    public static partial nint mj_makeData(nint m);

    /// <summary><c>void mj_resetData(const mjModel* m, mjData* d)</c>: qpos = qpos0, everything else zero (warnings too).</summary>
    [LibraryImport(LibraryName)]
    public static partial void mj_resetData(nint m, nint d);

    /// <summary><c>void mj_deleteData(mjData* d)</c>: frees the data; it does not read the model.</summary>
    [LibraryImport(LibraryName)]
    public static partial void mj_deleteData(nint d);

    //---------------------------------- Sub-components -------------------------------------------

    /// <summary><c>void mj_rnePostConstraint(const mjModel* m, mjData* d)</c>: fills cacc, cfrc_int and cfrc_ext.</summary>
    [LibraryImport(LibraryName)]
    public static partial void mj_rnePostConstraint(nint m, nint d);

    //---------------------------------- Support --------------------------------------------------

    /// <summary><c>int mj_name2id(const mjModel* m, int type, const char* name)</c>: the id, or −1 if not found.</summary>
    [LibraryImport(LibraryName)]
    public static partial int mj_name2id(nint m, int type, byte* name);

    /// <summary><c>int mj_version(void)</c>: 100 × major + 10 × minor + patch, 222 for 2.2.2.</summary>
    [LibraryImport(LibraryName)]
    public static partial int mj_version();

    //---------------------------------- Errors and warnings --------------------------------------

    /// <summary><c>void mju_error(const char* msg)</c>: raises a MuJoCo error (through <c>mju_user_error</c>).</summary>
    [LibraryImport(LibraryName)]
    public static partial void mju_error(nint msg);

    /// <summary><c>void mju_warning(const char* msg)</c>: raises a MuJoCo warning (through <c>mju_user_warning</c>).</summary>
    [LibraryImport(LibraryName)]
    public static partial void mju_warning(nint msg);

    /// <summary>The exported global <c>void (*mju_user_error)(const char*)</c>, found with <c>NativeLibrary.GetExport</c>.</summary>
    public const string UserErrorSymbol = "mju_user_error";

    /// <summary>The exported global <c>void (*mju_user_warning)(const char*)</c>.</summary>
    public const string UserWarningSymbol = "mju_user_warning";
}
