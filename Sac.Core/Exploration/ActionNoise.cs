namespace Sac.Core.Exploration;

/// <summary>The noise an exploring policy acts with, in place of the white ε of a ~ π(·|s) (acting only: the update's ε stays white).</summary>
public enum ActionNoiseKind
{
    /// <summary>Independent standard normals at every step: SAC's own sampling (the paper, SB3, CleanRL).</summary>
    White = 0,

    /// <summary>
    /// Colored noise with power spectrum ∝ 1/f^β, unit variance, one sequence per episode and action dimension
    /// (Eberhard et al., "Pink Noise Is All You Need", ICLR 2023). β = 1 is pink noise, their recommended default;
    /// β = 0 is white, β = 2 red (Brownian).
    /// </summary>
    Pink = 1,

    /// <summary>
    /// An Ornstein–Uhlenbeck process scaled to unit variance (Eberhard et al.'s OU baseline): x ← ρx + √(1 − ρ²)·n with
    /// ρ = 1 − θ·dt, θ = 0.15 and dt = 0.01 (SB3's OrnsteinUhlenbeckActionNoise), started from N(0, 1) each episode.
    /// </summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("ou")]
    OrnsteinUhlenbeck = 2,
}

/// <summary>
/// Temporally correlated exploration noise for <see cref="Copies"/> environment copies × <see cref="ActionSize"/> action
/// dimensions: each copy's next ε is read from its own sequences, which start afresh with each of its episodes.
/// Everything is drawn from one <see cref="Rng"/> in a fixed order, so a seed gives the same noise, and
/// <see cref="State"/> holds all of it for a checkpoint (a run resumed mid-episode continues the same sequences).
/// Allocates nothing after construction.
/// </summary>
public sealed class ActionNoise
{
    /// <summary>OU's ρ = 1 − θ·dt with SB3's θ = 0.15, dt = 0.01.</summary>
    public const double OrnsteinUhlenbeckRho = 1 - 0.15 * 0.01;

    /// <summary>√(1 − ρ²): the innovation's scale that keeps OU's variance at 1.</summary>
    private static readonly double s_innovation = Math.Sqrt(1 - OrnsteinUhlenbeckRho * OrnsteinUhlenbeckRho);

    private readonly ColoredNoise? _colored;
    private readonly double[] _values;   // pink: copy × dimension × horizon samples; OU: copy × dimension states
    private readonly int[] _positions;   // pink: each copy's next index into its sequences
    private readonly double[] _sequence;

    /// <summary>Noise of <paramref name="kind"/> (not <see cref="ActionNoiseKind.White"/>, which needs no state).</summary>
    /// <param name="kind">Pink (colored with <paramref name="beta"/>) or Ornstein–Uhlenbeck.</param>
    /// <param name="beta">The colored noise's exponent β (ignored by OU).</param>
    /// <param name="copies">Environment copies, each with its own sequences.</param>
    /// <param name="actionSize">dim(A).</param>
    /// <param name="horizon">The length of a colored sequence: the episode's time limit, as Eberhard et al. use; an
    /// episode that runs longer continues with a fresh sequence.</param>
    /// <param name="rng">Where every draw comes from.</param>
    public ActionNoise(ActionNoiseKind kind, double beta, int copies, int actionSize, int horizon, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(copies, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(actionSize, 1);
        if (kind is not (ActionNoiseKind.Pink or ActionNoiseKind.OrnsteinUhlenbeck))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "White noise needs no ActionNoise: the policy draws its own ε.");
        Kind = kind;
        Copies = copies;
        ActionSize = actionSize;
        Rng = rng;
        if (kind == ActionNoiseKind.Pink)
        {
            _colored = new ColoredNoise(beta, horizon);
            Horizon = horizon;
        }
        else
            Horizon = 1;
        _values = new double[checked(copies * actionSize * Horizon)];
        _positions = new int[copies];
        _sequence = new double[Horizon];
    }

    /// <summary>Pink or Ornstein–Uhlenbeck.</summary>
    public ActionNoiseKind Kind { get; }

    /// <summary>Environment copies.</summary>
    public int Copies { get; }

    /// <summary>dim(A).</summary>
    public int ActionSize { get; }

    /// <summary>Samples per colored sequence (1 for OU, whose state is one value per dimension).</summary>
    public int Horizon { get; }

    /// <summary>The generator every draw comes from (its state belongs in a checkpoint with <see cref="State"/>).</summary>
    public Rng Rng { get; }

    /// <summary>
    /// The whole state besides <see cref="Rng"/>: every copy's sequences (or OU states) and each copy's position in them.
    /// Restore by writing into these arrays.
    /// </summary>
    public (double[] Values, int[] Positions) State => (_values, _positions);

    /// <summary>Starts a new episode for copy <paramref name="copy"/>: fresh sequences (pink) or a fresh N(0, 1) start (OU).</summary>
    public void StartEpisode(int copy)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)copy, (uint)Copies, nameof(copy));
        if (_colored is not null)
        {
            for (int j = 0; j < ActionSize; j++)
            {
                _colored.Generate(Rng, _sequence);
                _sequence.CopyTo(_values.AsSpan((copy * ActionSize + j) * Horizon, Horizon));
            }
            _positions[copy] = 0;
            return;
        }
        for (int j = 0; j < ActionSize; j++)
            _values[copy * ActionSize + j] = Rng.Normal();
    }

    /// <summary>Writes copy <paramref name="copy"/>'s next ε (one unit-variance value per action dimension) into <paramref name="epsilon"/>.</summary>
    public void Next(int copy, Span<float> epsilon)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)copy, (uint)Copies, nameof(copy));
        if (epsilon.Length != ActionSize)
            throw new ArgumentException($"ε has {ActionSize} values, got a span of {epsilon.Length}.", nameof(epsilon));
        if (_colored is not null)
        {
            // An episode longer than the horizon goes on with fresh sequences (as Eberhard et al.'s process does).
            if (_positions[copy] == Horizon)
                StartEpisode(copy);
            int t = _positions[copy]++;
            for (int j = 0; j < ActionSize; j++)
                epsilon[j] = (float)_values[(copy * ActionSize + j) * Horizon + t];
            return;
        }
        for (int j = 0; j < ActionSize; j++)
        {
            ref double x = ref _values[copy * ActionSize + j];
            epsilon[j] = (float)x;
            x = OrnsteinUhlenbeckRho * x + s_innovation * Rng.Normal();
        }
    }

    /// <summary>Checks restored values: finite, positions within the sequences.</summary>
    public void Validate()
    {
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<double>(_values))
            throw new ArgumentException("The action noise's state holds a NaN or infinite value.");
        foreach (int p in _positions)
            if (p < 0 || p > Horizon)
                throw new ArgumentException($"The action noise's position {p} lies outside its sequences of {Horizon}.");
    }
}

/// <summary>
/// Gaussian noise with a power-law spectrum S(f) ∝ f^−β, by Timmer and König's method (1995), as the <c>colorednoise</c>
/// package Eberhard et al. build on: random Fourier coefficients with amplitudes f^−β/2, transformed back to time and
/// divided by the theoretical standard deviation of the non-constant frequencies (colorednoise's normalization), so a
/// sequence varies by 1 about its own mean; its random offset (the f = 0 term, whose amplitude is that of the lowest
/// frequency 1/T) comes on top for β &gt; 0, as in colorednoise. The inverse transform is a plain real DFT over a cosine table (O(T²) per sequence: about 0.5 M multiply–adds
/// for T = 1,000, drawn once per episode), so nothing depends on an FFT library and nothing is allocated.
/// </summary>
public sealed class ColoredNoise
{
    private readonly double[] _scale;    // f^−β/2 for k = 0 … T/2
    private readonly double[] _cos;      // cos(2πm/T)
    private readonly double[] _sin;      // sin(2πm/T)
    private readonly double[] _real;
    private readonly double[] _imaginary;
    private readonly double _sigma;

    /// <summary>Sequences of <paramref name="length"/> samples with exponent <paramref name="beta"/> (0 ≤ β ≤ 10).</summary>
    public ColoredNoise(double beta, int length)
    {
        if (!(beta >= 0 && beta <= 10))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be between 0 (white) and 10.");
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        Beta = beta;
        Length = length;
        int bins = length / 2 + 1;
        _scale = new double[bins];
        for (int k = 0; k < bins; k++)
            _scale[k] = Math.Pow(Math.Max(k, 1) / (double)length, -beta / 2);
        // σ = 2·√(Σ_{k≥1} w_k²)/T, the Nyquist term halved for even T: the standard deviation the sum below would have.
        double power = 0;
        for (int k = 1; k < bins; k++)
        {
            double w = _scale[k] * (k == bins - 1 && length % 2 == 0 ? 0.5 : 1);
            power += w * w;
        }
        _sigma = 2 * Math.Sqrt(power) / length;
        _cos = new double[length];
        _sin = new double[length];
        for (int m = 0; m < length; m++)
        {
            double angle = 2 * Math.PI * m / length;
            (_sin[m], _cos[m]) = Math.SinCos(angle);
        }
        _real = new double[bins];
        _imaginary = new double[bins];
    }

    /// <summary>β.</summary>
    public double Beta { get; }

    /// <summary>T, the samples in a sequence.</summary>
    public int Length { get; }

    /// <summary>Writes a fresh unit-variance sequence of <see cref="Length"/> samples into <paramref name="destination"/>,
    /// drawing 2·(T/2 + 1) normals from <paramref name="rng"/> (real then imaginary part of each frequency, in order).</summary>
    public void Generate(Rng rng, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int n = Length, bins = _real.Length;
        if (destination.Length != n)
            throw new ArgumentException($"A sequence has {n} samples, got a span of {destination.Length}.", nameof(destination));
        for (int k = 0; k < bins; k++)
        {
            _real[k] = rng.Normal() * _scale[k];
            _imaginary[k] = rng.Normal() * _scale[k];
        }
        // The zero frequency (and for even T the Nyquist one) must be real for a real signal; √2 keeps its power.
        _imaginary[0] = 0;
        _real[0] *= Math.Sqrt(2);
        bool even = n % 2 == 0;
        if (even)
        {
            _imaginary[bins - 1] = 0;
            _real[bins - 1] *= Math.Sqrt(2);
        }
        int last = even ? bins - 2 : bins - 1;  // the frequencies that appear twice (k and T − k)
        double norm = 1.0 / (n * _sigma);
        for (int t = 0; t < n; t++)
        {
            // x_t = (1/T)·[X_0 + 2·Σ_k (Re X_k·cos(2πkt/T) − Im X_k·sin(2πkt/T)) + X_{T/2}·(−1)^t]
            double sum = _real[0];
            int index = 0;
            for (int k = 1; k <= last; k++)
            {
                index += t;
                if (index >= n)
                    index -= n;
                sum += 2 * (_real[k] * _cos[index] - _imaginary[k] * _sin[index]);
            }
            if (even)
                sum += (t % 2 == 0 ? 1 : -1) * _real[bins - 1];
            destination[t] = sum * norm;
        }
    }
}
