using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sac.Kernels;

/// <summary>
/// Row-major matrix helpers that are not GEMM: row-vector broadcasts and the reductions a backward pass needs
/// (column sums for bias gradients, row sums for log-probabilities summed over action dimensions), and column
/// copies for concatenating and slicing features. Every reduction sums in a fixed order, so results are reproducible.
/// </summary>
public static class Matrices
{
    /// <summary>Effectively computes destination[r, c] = x[r, c] + row[c] for an m×n <paramref name="x"/>.</summary>
    public static void AddRowVector<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> row, Span<T> destination, int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, destination.Length, rows, cols, row.Length);
        for (int r = 0; r < rows; r++)
            TensorPrimitives.Add(x.Slice(r * cols, cols), row, destination.Slice(r * cols, cols));
    }

    /// <summary>Effectively computes destination[r, c] = x[r, c] − row[c].</summary>
    public static void SubtractRowVector<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> row, Span<T> destination, int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, destination.Length, rows, cols, row.Length);
        for (int r = 0; r < rows; r++)
            TensorPrimitives.Subtract(x.Slice(r * cols, cols), row, destination.Slice(r * cols, cols));
    }

    /// <summary>Effectively computes destination[r, c] = x[r, c] · row[c].</summary>
    public static void MultiplyRowVector<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> row, Span<T> destination, int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, destination.Length, rows, cols, row.Length);
        for (int r = 0; r < rows; r++)
            TensorPrimitives.Multiply(x.Slice(r * cols, cols), row, destination.Slice(r * cols, cols));
    }

    /// <summary>
    /// Effectively computes destination[c] (+)= s · Σ_r x[r, c] (a bias gradient: db = Σ rows dY). Rows are added in
    /// order 0, 1, …, so the result does not depend on anything but the inputs.
    /// </summary>
    public static void ColumnSums<T>(ReadOnlySpan<T> x, Span<T> destination, int rows, int cols, bool accumulate, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, x.Length, rows, cols, destination.Length);
        if (!accumulate)
            destination.Clear();
        if (scale == T.One)
        {
            for (int r = 0; r < rows; r++)
                TensorPrimitives.Add(destination, x.Slice(r * cols, cols), destination);
        }
        else
        {
            // destination += s·row, row by row (one FMA pass each).
            for (int r = 0; r < rows; r++)
                TensorPrimitives.MultiplyAdd(x.Slice(r * cols, cols), scale, destination, destination);
        }
    }

    /// <summary>
    /// A dense ReLU layer's backward in one sweep: masked[r, c] = grad[r, c]·[result[r, c] &gt; 0] and
    /// columnSums[c] (+)= Σ_r masked[r, c] (the bias gradient). Rows are added in order 0, 1, …, exactly as
    /// <see cref="ColumnSums{T}"/> would.
    /// </summary>
    /// <remarks>
    /// The sweep goes down strips of columns one vector (two, where they fit) wide, so each column's running sum stays in
    /// a register from the first row to the last, and every element of the three matrices is touched once.
    /// </remarks>
    public static void ReluBackwardColumnSums<T>(ReadOnlySpan<T> grad, ReadOnlySpan<T> result, Span<T> masked, Span<T> columnSums,
        int rows, int cols, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(grad.Length, masked.Length, rows, cols, columnSums.Length);
        Check(result.Length, result.Length, rows, cols, cols);
        ref T g = ref MemoryMarshal.GetReference(grad);
        ref T y = ref MemoryMarshal.GetReference(result);
        ref T d = ref MemoryMarshal.GetReference(masked);
        ref T sums = ref MemoryMarshal.GetReference(columnSums);
        var relu = new ReluBackwardOperator<T>(); // grad where the output is positive, else 0 (a select: NaN behind a 0 is dropped)
        int c = 0;
        Isa isa = KernelIsa.Active;
        if (isa == Isa.Avx512)
        {
            int w = Vector512<T>.Count;
            for (; c <= cols - 2 * w; c += 2 * w)
            {
                var s0 = accumulate ? Vector512.LoadUnsafe(ref sums, (nuint)c) : Vector512<T>.Zero;
                var s1 = accumulate ? Vector512.LoadUnsafe(ref sums, (nuint)(c + w)) : Vector512<T>.Zero;
                for (nuint i = (nuint)c, end = (nuint)(rows * cols); i < end; i += (nuint)cols)
                {
                    var m0 = relu.Invoke(Vector512.LoadUnsafe(ref g, i), Vector512.LoadUnsafe(ref y, i));
                    var m1 = relu.Invoke(Vector512.LoadUnsafe(ref g, i + (nuint)w), Vector512.LoadUnsafe(ref y, i + (nuint)w));
                    m0.StoreUnsafe(ref d, i);
                    m1.StoreUnsafe(ref d, i + (nuint)w);
                    s0 += m0;
                    s1 += m1;
                }
                s0.StoreUnsafe(ref sums, (nuint)c);
                s1.StoreUnsafe(ref sums, (nuint)(c + w));
            }
            for (; c <= cols - w; c += w)
            {
                var s0 = accumulate ? Vector512.LoadUnsafe(ref sums, (nuint)c) : Vector512<T>.Zero;
                for (nuint i = (nuint)c, end = (nuint)(rows * cols); i < end; i += (nuint)cols)
                {
                    var m0 = relu.Invoke(Vector512.LoadUnsafe(ref g, i), Vector512.LoadUnsafe(ref y, i));
                    m0.StoreUnsafe(ref d, i);
                    s0 += m0;
                }
                s0.StoreUnsafe(ref sums, (nuint)c);
            }
        }
        if (isa >= Isa.Avx2)
        {
            int w = Vector256<T>.Count;
            for (; c <= cols - 2 * w; c += 2 * w)
            {
                var s0 = accumulate ? Vector256.LoadUnsafe(ref sums, (nuint)c) : Vector256<T>.Zero;
                var s1 = accumulate ? Vector256.LoadUnsafe(ref sums, (nuint)(c + w)) : Vector256<T>.Zero;
                for (nuint i = (nuint)c, end = (nuint)(rows * cols); i < end; i += (nuint)cols)
                {
                    var m0 = relu.Invoke(Vector256.LoadUnsafe(ref g, i), Vector256.LoadUnsafe(ref y, i));
                    var m1 = relu.Invoke(Vector256.LoadUnsafe(ref g, i + (nuint)w), Vector256.LoadUnsafe(ref y, i + (nuint)w));
                    m0.StoreUnsafe(ref d, i);
                    m1.StoreUnsafe(ref d, i + (nuint)w);
                    s0 += m0;
                    s1 += m1;
                }
                s0.StoreUnsafe(ref sums, (nuint)c);
                s1.StoreUnsafe(ref sums, (nuint)(c + w));
            }
            for (; c <= cols - w; c += w)
            {
                var s0 = accumulate ? Vector256.LoadUnsafe(ref sums, (nuint)c) : Vector256<T>.Zero;
                for (nuint i = (nuint)c, end = (nuint)(rows * cols); i < end; i += (nuint)cols)
                {
                    var m0 = relu.Invoke(Vector256.LoadUnsafe(ref g, i), Vector256.LoadUnsafe(ref y, i));
                    m0.StoreUnsafe(ref d, i);
                    s0 += m0;
                }
                s0.StoreUnsafe(ref sums, (nuint)c);
            }
        }
        for (; c < cols; c++)
        {
            T sum = accumulate ? Unsafe.Add(ref sums, c) : T.Zero;
            for (int i = c; i < rows * cols; i += cols)
            {
                T m = relu.Invoke(Unsafe.Add(ref g, i), Unsafe.Add(ref y, i));
                Unsafe.Add(ref d, i) = m;
                sum += m;
            }
            Unsafe.Add(ref sums, c) = sum;
        }
    }

    /// <summary>Effectively computes destination[r] (+)= Σ_c x[r, c] (e.g. log π summed over action dimensions).</summary>
    public static void RowSums<T>(ReadOnlySpan<T> x, Span<T> destination, int rows, int cols, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, x.Length, rows, cols, cols);
        if (destination.Length != rows)
            throw new ArgumentException($"Row sums need {rows} elements, destination has {destination.Length}.", nameof(destination));
        for (int r = 0; r < rows; r++)
        {
            T sum = TensorPrimitives.Sum(x.Slice(r * cols, cols));
            destination[r] = accumulate ? destination[r] + sum : sum;
        }
    }

    /// <summary>Effectively computes destination[r, c] (+)= column[r] (a row sum's backward: broadcast each row's gradient over its columns).</summary>
    public static void BroadcastColumn<T>(ReadOnlySpan<T> column, Span<T> destination, int rows, int cols, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(destination.Length, destination.Length, rows, cols, cols);
        if (column.Length != rows)
            throw new ArgumentException($"The column has {column.Length} elements, the matrix {rows} rows.", nameof(column));
        for (int r = 0; r < rows; r++)
        {
            var row = destination.Slice(r * cols, cols);
            if (accumulate)
                TensorPrimitives.Add(row, column[r], row);
            else
                row.Fill(column[r]);
        }
    }

    /// <summary>
    /// Copies the m×<paramref name="width"/> block of an m×<paramref name="sourceCols"/> matrix starting at column
    /// <paramref name="sourceStart"/> into columns [<paramref name="destinationStart"/>, +width) of an m×<paramref name="destinationCols"/> matrix,
    /// adding to it when <paramref name="accumulate"/> is set (ConcatColumns and SliceColumns, forward and backward).
    /// </summary>
    public static void CopyColumns<T>(ReadOnlySpan<T> source, int sourceCols, int sourceStart, Span<T> destination, int destinationCols, int destinationStart,
        int rows, int width, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (sourceStart < 0 || width < 0 || sourceStart + width > sourceCols || destinationStart < 0 || destinationStart + width > destinationCols)
            throw new ArgumentOutOfRangeException(nameof(width), $"Columns [{sourceStart}, {sourceStart + width}) → [{destinationStart}, {destinationStart + width}) do not fit {sourceCols} → {destinationCols} columns.");
        if (source.Length < rows * sourceCols || destination.Length < rows * destinationCols)
            throw new ArgumentException($"The spans are too short for {rows} rows.", nameof(source));
        for (int r = 0; r < rows; r++)
        {
            var from = source.Slice(r * sourceCols + sourceStart, width);
            var to = destination.Slice(r * destinationCols + destinationStart, width);
            if (accumulate)
                TensorPrimitives.Add(to, from, to);
            else
                from.CopyTo(to);
        }
    }

    private static void Check(int x, int destination, int rows, int cols, int rowLength)
    {
        if (rows < 0 || cols < 0)
            throw new ArgumentOutOfRangeException(nameof(rows), $"Matrix sizes must be non-negative, got {rows}×{cols}.");
        if (x != rows * cols || destination != rows * cols)
            throw new ArgumentException($"Expected {rows}×{cols} = {rows * cols} elements, got {x} and {destination}.");
        if (rowLength != cols)
            throw new ArgumentException($"The row vector has {rowLength} elements but the matrix has {cols} columns.");
    }
}
