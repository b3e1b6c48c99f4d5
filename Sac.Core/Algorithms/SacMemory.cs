namespace Sac.Core.Algorithms;

/// <summary>
/// What a <see cref="Training.Trainer"/> with given options will allocate, estimated before anything is allocated, so
/// that sizes that cannot fit are refused with one clear message instead of an <see cref="OutOfMemoryException"/>
/// (or an overflow) part-way through construction.
/// </summary>
public static class SacMemory
{
    /// <summary>Network passes over a batch in one update, rounded up (v2: Q₁, Q₂ on (s, a), both targets and π on s′,
    /// π on s and both critics on (s, ã); v1 adds V and V̄).</summary>
    private const int PassesPerUpdate = 10;

    /// <summary>Floats an activation keeps per element: its value, its gradient and a ReLU mask or scratch.</summary>
    private const int FloatsPerActivation = 3;

    /// <summary>Floats per trained parameter: its value, its gradient and Adam's two moments.</summary>
    private const int FloatsPerParameter = 4;

    /// <summary>The estimate, in bytes, split by what it is for.</summary>
    /// <param name="Replay">The replay buffer: capacity × (2·dim(S) + dim(A) + 3) floats (r, d and the episode-end flag).</param>
    /// <param name="Networks">Parameters with gradients, Adam moments and target copies.</param>
    /// <param name="Activations">An update's activations over the batch.</param>
    public readonly record struct Estimate(double Replay, double Networks, double Activations)
    {
        /// <summary>The sum.</summary>
        public double Total => Replay + Networks + Activations;
    }

    /// <summary>Estimates the bytes for an agent on dim(S) = <paramref name="observationSize"/>, dim(A) = <paramref name="actionSize"/>.</summary>
    public static Estimate For(int observationSize, int actionSize, SacOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        double obs = observationSize, act = actionSize;
        double replay = (double)options.BufferSize * (2 * obs + act + 3) * sizeof(float);

        double Parameters(double inputs, double outputs)
        {
            double total = 0, width = inputs;
            foreach (int h in options.HiddenSizes)
            {
                total += width * h + h;
                width = h;
            }
            return total + width * outputs + outputs;
        }
        var sizes = new NetworkSizes(Parameters(obs, 2 * act), Parameters(obs, act), Parameters(obs + act, 1), Parameters(obs, 1));
        var (trained, targets) = AlgorithmRegistry.For(options.Version).Parameters(sizes);
        double networks = (trained * FloatsPerParameter + targets) * sizeof(float);

        double widths = options.HiddenSizes.Sum(h => (double)h) + obs + act + 2 * act;
        double activations = PassesPerUpdate * (double)options.BatchSize * widths * FloatsPerActivation * sizeof(float);
        return new Estimate(replay, networks, activations);
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> (its ParamName the option that dominates) when the agent cannot be allocated: an
    /// array longer than .NET allows, or more bytes in all than <paramref name="availableBytes"/> (by default what the
    /// garbage collector reports this process may use).
    /// </summary>
    public static void Check(int observationSize, int actionSize, SacOptions options, long? availableBytes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        long limit = Array.MaxLength;
        double widest = options.HiddenSizes.Count == 0 ? 0 : options.HiddenSizes.Max();
        if ((double)options.BufferSize * Math.Max(observationSize, actionSize) > limit)
            throw new ArgumentException($"Invalid BufferSize = {options.BufferSize}: {options.BufferSize} transitions of {observationSize} observation values exceed the largest .NET array ({limit} elements).", nameof(SacOptions.BufferSize));
        var hidden = options.HiddenSizes;
        for (int i = 0; i + 1 < hidden.Count; i++)
            if ((double)hidden[i] * hidden[i + 1] > limit)
                throw new ArgumentException($"Invalid HiddenSizes = {string.Join(",", hidden)}: a {hidden[i]}×{hidden[i + 1]} weight matrix exceeds the largest .NET array ({limit} elements).", nameof(SacOptions.HiddenSizes));
        if ((double)options.BatchSize * Math.Max(widest, observationSize + actionSize) > limit)
            throw new ArgumentException($"Invalid BatchSize = {options.BatchSize}: a batch of {options.BatchSize} rows of {Math.Max(widest, observationSize + actionSize)} activations exceeds the largest .NET array ({limit} elements).", nameof(SacOptions.BatchSize));

        var estimate = For(observationSize, actionSize, options);
        double available = availableBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (estimate.Total <= available)
            return;
        var (property, value) =
            estimate.Replay >= estimate.Networks && estimate.Replay >= estimate.Activations ? (nameof(SacOptions.BufferSize), options.BufferSize.ToString(System.Globalization.CultureInfo.InvariantCulture)) :
            estimate.Networks >= estimate.Activations ? (nameof(SacOptions.HiddenSizes), string.Join(",", hidden)) :
            (nameof(SacOptions.BatchSize), options.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        throw new ArgumentException(
            $"Invalid {property} = {value}: the agent needs about {Gb(estimate.Total)} (replay buffer {Gb(estimate.Replay)}, networks {Gb(estimate.Networks)}, " +
            $"activations {Gb(estimate.Activations)}), more than the {Gb(available)} this process can use.", property);
    }

    private static string Gb(double bytes) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (1L << 30):F1} GiB");
}
