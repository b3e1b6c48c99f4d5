using System.Runtime.InteropServices;

namespace Sac.Mujoco.Native;

/// <summary>Owns one <c>mjModel*</c>; releasing it calls <c>mj_deleteModel</c>.</summary>
internal sealed class ModelHandle : SafeHandle
{
    /// <summary>Takes ownership of <paramref name="model"/> (from <c>mj_loadXML</c>).</summary>
    public ModelHandle(nint model)
        : base(invalidHandleValue: 0, ownsHandle: true) => SetHandle(model);

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        MujocoNative.mj_deleteModel(handle);
        return true;
    }
}

/// <summary>Owns one <c>mjData*</c>; releasing it calls <c>mj_deleteData</c>.</summary>
/// <remarks>
/// NOTE: <c>mj_deleteData</c> frees only the data's own buffers and never reads the model, so the two handles may be
/// released in either order (as critical finalizers may do): there is no finalizer-order dependency between them.
/// </remarks>
internal sealed class DataHandle : SafeHandle
{
    /// <summary>Takes ownership of <paramref name="data"/> (from <c>mj_makeData</c>).</summary>
    public DataHandle(nint data)
        : base(invalidHandleValue: 0, ownsHandle: true) => SetHandle(data);

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        MujocoNative.mj_deleteData(handle);
        return true;
    }
}
