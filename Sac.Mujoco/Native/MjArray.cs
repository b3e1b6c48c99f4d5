namespace Sac.Mujoco.Native;

/// <summary>An array size written in a model's int fields, e.g. <c>s => s.nbody</c> or <c>s => (s.nmocap)*3</c>.</summary>
internal delegate int MjCount(in MjModelSizes sizes);

/// <summary>
/// One pointer field of mjModel or mjData as mjxmacro.h lists it (the generated <see cref="MjModelArrays"/> and
/// <see cref="MjDataArrays"/> hold one per field Sac reads): where its pointer sits in the struct, its element type, and its
/// rows × columns, which depend on the model.
/// </summary>
/// <param name="Name">The C field name, e.g. <c>qpos</c>.</param>
/// <param name="PointerOffset">Byte offset of the pointer inside mjModel or mjData.</param>
/// <param name="ElementType">The C element type, e.g. <c>mjtNum</c>, <c>int</c>.</param>
/// <param name="ElementSize">sizeof(element type) in bytes.</param>
/// <param name="Rows">Rows, from the model's sizes.</param>
/// <param name="Columns">Columns, from the model's sizes.</param>
internal sealed record MjArray(string Name, int PointerOffset, string ElementType, int ElementSize, MjCount Rows, MjCount Columns)
{
    /// <summary>rows × columns for the model whose sizes are <paramref name="sizes"/>.</summary>
    public int Length(in MjModelSizes sizes) => Rows(sizes) * Columns(sizes);
}
