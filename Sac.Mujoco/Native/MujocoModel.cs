using System.Runtime.InteropServices;
using System.Text;

namespace Sac.Mujoco.Native;

/// <summary>
/// A compiled <c>mjModel</c>, loaded from MJCF text through an in-memory <c>mjVFS</c> (so nothing is written to disk),
/// with its sizes and the fields the tasks read. Owns its native memory through a <see cref="ModelHandle"/>.
/// </summary>
internal sealed unsafe class MujocoModel : IDisposable
{
    private const int ErrorCapacity = 1000;
    private readonly ModelHandle _handle;

    private MujocoModel(ModelHandle handle, string fileName)
    {
        _handle = handle;
        FileName = fileName;
        Sizes = new MjModelSizes(handle.DangerousGetHandle());
    }

    /// <summary>The file name the model was loaded as, e.g. <c>hopper.xml</c>; error messages name it.</summary>
    public string FileName { get; }

    /// <summary>The model's int fields (nq, nv, nu, nbody, …).</summary>
    public MjModelSizes Sizes { get; }

    /// <summary>The <c>mjModel*</c>, valid until <see cref="Dispose"/>.</summary>
    public nint Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    /// <summary><c>opt.timestep</c>, the simulation time step in seconds (writable, for tests).</summary>
    public ref double Timestep => ref *(double*)(Pointer + MjOptionFields.timestep);

    /// <summary>A model array as a span of <typeparamref name="T"/>, whose size must match the C element type.</summary>
    public Span<T> Array<T>(MjArray field)
        where T : unmanaged
    {
        if (sizeof(T) != field.ElementSize)
            throw new ArgumentException($"{field.Name} holds {field.ElementType} ({field.ElementSize} bytes), not {typeof(T).Name}.", nameof(field));
        nint model = Pointer;
        return new Span<T>(*(void**)(model + field.PointerOffset), field.Length(Sizes));
    }

    /// <summary>The id of the object of type <paramref name="type"/> (an <see cref="MjObj"/> value) named <paramref name="name"/>.</summary>
    /// <exception cref="MujocoException">The model has no such object.</exception>
    public int Id(int type, string name)
    {
        int id;
        fixed (byte* text = NullTerminated(name))
            id = MujocoNative.mj_name2id(Pointer, type, text);
        if (id < 0)
            throw new MujocoException($"The MuJoCo model {FileName} has no object of type {type} named '{name}'.");
        return id;
    }

    /// <summary>Loads one of the models embedded in this assembly (<c>Sac.Mujoco/Assets/*.xml</c>).</summary>
    /// <exception cref="MujocoException">The asset is missing or does not compile.</exception>
    public static MujocoModel LoadAsset(string fileName) => LoadXml(fileName, AssetXml(fileName));

    /// <summary>The MJCF text of one of the models embedded in this assembly (<c>Sac.Mujoco/Assets/*.xml</c>), as <see cref="LoadAsset"/> compiles it.</summary>
    /// <exception cref="MujocoException">The asset is missing.</exception>
    internal static byte[] AssetXml(string fileName)
    {
        string resource = "Sac.Mujoco.Assets." + fileName;
        using Stream stream = typeof(MujocoModel).Assembly.GetManifestResourceStream(resource)
            ?? throw new MujocoException($"Sac.Mujoco has no embedded model '{resource}'.");
        var xml = new byte[stream.Length];
        stream.ReadExactly(xml);
        return xml;
    }

    /// <summary>
    /// Compiles MJCF text with <c>mj_loadXML</c>, handing it over as the only file of an <c>mjVFS</c> named
    /// <paramref name="fileName"/> (a model that includes other files would find them missing).
    /// </summary>
    /// <exception cref="MujocoException">
    /// The text is empty, or MuJoCo could not parse or compile it, or compiled it with a warning; the message carries
    /// MuJoCo's own text.
    /// </exception>
    public static MujocoModel LoadXml(string fileName, ReadOnlySpan<byte> xml)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        byte[] name = NullTerminated(fileName);
        // Checked here because mj_makeEmptyFileVFS answers both with mju_error (see MujocoHooks).
        if (xml.IsEmpty)
            throw new MujocoException($"The MuJoCo model {fileName} is empty.");
        if (name.Length > MjConstants.mjMAXVFSNAME || fileName.AsSpan().ContainsAny('/', '\\'))
            throw new MujocoException($"'{fileName}' is not a plain file name of at most {MjConstants.mjMAXVFSNAME - 1} bytes.");
        MujocoLibrary.EnsureLoaded();

        nint vfs = (nint)NativeMemory.AllocZeroed((nuint)MjVfsLayout.Size);
        try
        {
            MujocoNative.mj_defaultVFS(vfs);
            nint model;
            byte* error = stackalloc byte[ErrorCapacity];
            error[0] = 0;
            fixed (byte* file = name)
            {
                if (MujocoNative.mj_makeEmptyFileVFS(vfs, file, xml.Length) != 0)
                    throw new MujocoException($"MuJoCo could not create the in-memory file {fileName}.");
                int index = MujocoNative.mj_findFileVFS(vfs, file);
                void* buffer = ((void**)(vfs + MjVfsLayout.filedata))[index];
                xml.CopyTo(new Span<byte>(buffer, xml.Length));

                model = MujocoNative.mj_loadXML(file, vfs, error, ErrorCapacity);
            }
            if (MujocoHooks.TakeError() is { } fatal)
            {
                if (model != 0)
                    MujocoNative.mj_deleteModel(model);
                throw new MujocoException($"MuJoCo raised an error while loading {fileName}: {fatal}");
            }
            string message = Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(error)).Trim();
            if (model == 0)
                throw new MujocoException($"MuJoCo could not load the model {fileName}: {message}");
            if (message.Length > 0)
            {
                // A warning means the model is not what its author meant (e.g. an ignored attribute); for the fixed
                // assets of the tasks that is a bug, so it is refused rather than simulated.
                MujocoNative.mj_deleteModel(model);
                throw new MujocoException($"MuJoCo compiled the model {fileName} with a warning: {message}");
            }
            return new MujocoModel(new ModelHandle(model), fileName);
        }
        finally
        {
            MujocoNative.mj_deleteVFS(vfs);
            NativeMemory.Free((void*)vfs);
        }
    }

    /// <summary>Frees the native model (idempotent).</summary>
    public void Dispose() => _handle.Dispose();

    private static byte[] NullTerminated(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
