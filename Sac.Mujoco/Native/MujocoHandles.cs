using System.Runtime.InteropServices;

namespace Sac.Mujoco.Native;

/// <summary>Owns one MuJoCo pointer (null is invalid); releasing it calls the library's delete function for its kind.</summary>
internal abstract class MujocoHandle : SafeHandle
{
    /// <summary>Takes ownership of <paramref name="pointer"/>.</summary>
    protected MujocoHandle(nint pointer)
        : base(invalidHandleValue: 0, ownsHandle: true) => SetHandle(pointer);

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <summary>Frees <paramref name="pointer"/> with the library's delete function for this kind.</summary>
    protected abstract void Delete(nint pointer);

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        Delete(handle);
        return true;
    }
}

/// <summary>Owns one <c>mjModel*</c> (from <c>mj_loadXML</c>); releasing it calls <c>mj_deleteModel</c>.</summary>
internal sealed class ModelHandle(nint model) : MujocoHandle(model)
{
    /// <inheritdoc/>
    protected override void Delete(nint pointer) => MujocoNative.mj_deleteModel(pointer);
}

/// <summary>Owns one <c>mjData*</c> (from <c>mj_makeData</c>); releasing it calls <c>mj_deleteData</c>.</summary>
/// <remarks>
/// NOTE: <c>mj_deleteData</c> frees only the data's own buffers and never reads the model, so the two handles may be
/// released in either order (as critical finalizers may do): there is no finalizer-order dependency between them.
/// </remarks>
internal sealed class DataHandle(nint data) : MujocoHandle(data)
{
    /// <inheritdoc/>
    protected override void Delete(nint pointer) => MujocoNative.mj_deleteData(pointer);
}
