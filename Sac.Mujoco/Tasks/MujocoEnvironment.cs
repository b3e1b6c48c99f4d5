using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Sac.Core.Environments;
using Sac.Core;
using Sac.Mujoco.Native;

namespace Sac.Mujoco.Tasks;

/// <summary>
/// What the five locomotion tasks share, as Gymnasium's <c>MujocoEnv</c> does: one model and its data, an action space
/// from the actuators' <c>ctrlrange</c>, <c>frame_skip</c> calls of <c>mj_step</c> per environment step followed by
/// one <c>mj_rnePostConstraint</c>, the reset (<c>mj_resetData</c>, noise on qpos and qvel, <c>mj_forward</c>), the
/// reward terms, and the complete state for a bitwise resume.
/// </summary>
/// <remarks>
/// The native library is loaded by the first constructor call, not before: Sac runs without MuJoCo installed until a
/// MuJoCo task is created. Observations are float32 (Sac's observation type) of Gymnasium's float64 values.
/// <para>
/// Stepping checks what MuJoCo reports instead of letting it pass silently: after every <c>mj_step</c>, the
/// bad-value warnings (a NaN, ±∞ or |x| &gt; 1e10 in ctrl, qpos, qvel or qacc, after which MuJoCo resets the state or
/// zeroes the controls) become one <see cref="MujocoException"/> naming the step, the frame and the field; after the
/// frames, qpos and qvel are checked the same way, since MuJoCo checks them only at the start of its next step.
/// The episode then needs <see cref="Reset"/>.
/// </para>
/// </remarks>
public abstract class MujocoEnvironment : IEnvironment, IStatefulEnvironment, IRewardTerms, IDisposable
{
    // The mjData arrays mj_step reads (the state, the controls and applied forces, the solver's warm start), plus
    // xpos/xipos: a step reads the body positions before its frames, and after mj_step they hold the kinematics of the
    // start of the last sub-step, which the state alone does not give back.
    private static readonly MjArray[] s_savedArrays =
    [
        MjDataArrays.qpos, MjDataArrays.qvel, MjDataArrays.act, MjDataArrays.ctrl, MjDataArrays.qacc_warmstart,
        MjDataArrays.qfrc_applied, MjDataArrays.xfrc_applied, MjDataArrays.mocap_pos, MjDataArrays.mocap_quat,
        MjDataArrays.xpos, MjDataArrays.xipos,
    ];

    private readonly double[] _initialQpos;
    private readonly double[] _initialQvel;
    private readonly double[] _ctrlLow;
    private readonly double[] _ctrlHigh;
    private readonly double[] _terms;
    private readonly IReadOnlyList<string> _termNames;
    private Rng? _rng;
    private int _episodeStep;
    private bool _broken;

    /// <summary>Loads <paramref name="assetFile"/> and sets up the spaces; the subclass fixes every other number.</summary>
    /// <param name="id">The Gymnasium id.</param>
    /// <param name="assetFile">The embedded MJCF file, e.g. <c>hopper.xml</c>.</param>
    /// <param name="arguments">The task's Gymnasium arguments; this class reads <c>frame_skip</c> and <c>reset_noise_scale</c>.</param>
    /// <param name="observationDimension">The observation length the task defines (its <see cref="RequireSizes"/> call checks the model is the one it is written for).</param>
    /// <param name="normalVelocityNoise">True when qvel noise is N(0, scale²) (HalfCheetah, Ant), false for U(−scale, scale).</param>
    /// <param name="termNames">The names of <see cref="LastTerms"/>, as Gymnasium's info keys.</param>
    private protected MujocoEnvironment(string id, string assetFile, GymnasiumArguments arguments, int observationDimension,
        bool normalVelocityNoise, string[] termNames)
    {
        Id = id;
        FrameSkip = arguments.FrameSkip;
        ResetNoiseScale = arguments.ResetNoiseScale;
        NormalVelocityNoise = normalVelocityNoise;
        MujocoModel model = MujocoModel.LoadAsset(assetFile);
        try
        {
            Simulation = new MujocoSimulation(model);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        // Gymnasium: dt = model.opt.timestep * frame_skip; init_qpos/init_qvel = the data's state before any reset.
        Dt = model.Timestep * FrameSkip;
        _initialQpos = Simulation.Qpos.ToArray();
        _initialQvel = Simulation.Qvel.ToArray();

        // Gymnasium: action_space = Box(ctrlrange[:, 0], ctrlrange[:, 1], dtype=float32).
        ReadOnlySpan<double> ctrlRange = model.Array<double>(MjModelArrays.actuator_ctrlrange);
        int nu = model.Sizes.nu;
        _ctrlLow = new double[nu];
        _ctrlHigh = new double[nu];
        var low = new float[nu];
        var high = new float[nu];
        for (int j = 0; j < nu; j++)
        {
            (_ctrlLow[j], _ctrlHigh[j]) = (ctrlRange[2 * j], ctrlRange[2 * j + 1]);
            (low[j], high[j]) = ((float)_ctrlLow[j], (float)_ctrlHigh[j]);
        }
        ActionSpace = new Box(low, high);
        ObservationSpace = new Box(Filled(observationDimension, float.NegativeInfinity), Filled(observationDimension, float.PositiveInfinity));
        _termNames = Array.AsReadOnly(termNames);
        _terms = new double[termNames.Length];
        View = new MujocoView(Simulation);
    }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    /// <remarks>Unbounded, as Gymnasium's <c>Box(-inf, inf)</c>.</remarks>
    public Box ObservationSpace { get; }

    /// <inheritdoc/>
    /// <remarks>The actuators' <c>ctrlrange</c>. Finite actions outside it are clipped before they reach MuJoCo.</remarks>
    public Box ActionSpace { get; }

    /// <summary>mj_step calls per environment step (Gymnasium's <c>frame_skip</c>).</summary>
    public int FrameSkip { get; }

    /// <summary>The duration of one environment step, <c>opt.timestep × frame_skip</c> seconds.</summary>
    public double Dt { get; }

    /// <summary>The reset noise scale (Gymnasium's <c>reset_noise_scale</c>).</summary>
    public double ResetNoiseScale { get; }

    /// <summary>True when the reset adds N(0, scale²) to qvel, false when it adds U(−scale, scale).</summary>
    public bool NormalVelocityNoise { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> TermNames => _termNames;

    /// <inheritdoc/>
    /// <remarks>After a reset, the positions Gymnasium's reset info reports, and zero for the rest.</remarks>
    public ReadOnlySpan<double> LastTerms => _terms;

    /// <summary>The geoms and their current poses, for drawing the simulation (see <see cref="MujocoView"/>).</summary>
    public MujocoView View { get; }

    /// <summary>The model and data, for the tasks and for tests that read mjData themselves.</summary>
    internal MujocoSimulation Simulation { get; }

    /// <summary>The data's qpos right after <c>mj_makeData</c> (<c>qpos0</c>), which the reset noise is added to.</summary>
    private protected ReadOnlySpan<double> InitialQpos => _initialQpos;

    /// <summary>The reward terms of the current step, for the task to fill in.</summary>
    private protected Span<double> Terms => _terms;

    /// <inheritdoc/>
    /// <exception cref="EnvironmentException">The observation span has the wrong length.</exception>
    public void Reset(Span<float> observation, int? seed = null)
    {
        CheckObservationLength(observation);
        _rng = EnvironmentSeeding.ForReset(_rng, seed);

        Simulation.ResetData();
        // Gymnasium's reset_model: every qpos draw first, then every qvel draw, each added to the initial state.
        double scale = ResetNoiseScale;
        Span<double> qpos = Simulation.Qpos;
        for (int i = 0; i < qpos.Length; i++)
            qpos[i] = _initialQpos[i] + _rng.Uniform(-scale, scale);
        Span<double> qvel = Simulation.Qvel;
        for (int i = 0; i < qvel.Length; i++)
            qvel[i] = NormalVelocityNoise ? _initialQvel[i] + scale * _rng.Normal() : _initialQvel[i] + _rng.Uniform(-scale, scale);
        // set_state: the derived quantities (xpos, cinert, cvel, qfrc_actuator, …) for the new state. cfrc_ext stays
        // zero until the first step's mj_rnePostConstraint, in Gymnasium's first observation too.
        Simulation.Forward();

        _episodeStep = 0;
        _broken = false;
        _terms.AsSpan().Clear();
        WriteResetTerms(_terms);
        WriteObservation(observation);
    }

    /// <inheritdoc/>
    /// <exception cref="EnvironmentException">
    /// The action or observation span has the wrong length, or the last step failed and Reset was not called since.
    /// </exception>
    /// <exception cref="MujocoException">MuJoCo reported a bad value (NaN, ±∞, |x| &gt; 1e10) during the step.</exception>
    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (action.Length != _ctrlLow.Length)
            ThrowActionLength(action.Length);
        CheckObservationLength(observation);
        if (_broken)
            ThrowBroken();
        return StepTask(action, observation);
    }

    /// <summary>
    /// One environment step in Gymnasium's order: read the position(s) the velocity comes from, <see cref="Simulate"/>,
    /// read them again, then the observation, the reward terms, the reward and termination.
    /// </summary>
    private protected abstract StepResult StepTask(ReadOnlySpan<float> action, Span<float> observation);

    /// <summary>Writes the observation of the current state.</summary>
    private protected abstract void WriteObservation(Span<float> observation);

    /// <summary>Writes the terms Gymnasium's reset info reports (the positions); the others are already zero.</summary>
    private protected abstract void WriteResetTerms(Span<double> terms);

    /// <summary>
    /// Gymnasium's <c>do_simulation</c>: ctrl = the action clipped to ctrlrange, <see cref="FrameSkip"/> × mj_step,
    /// then mj_rnePostConstraint (cfrc_ext stays zero without it), checking for bad values after each frame.
    /// </summary>
    /// <exception cref="MujocoException">A bad value in ctrl, qpos, qvel or qacc.</exception>
    private protected void Simulate(ReadOnlySpan<float> action)
    {
        // Until the frames are through, a failure leaves the episode unusable.
        _broken = true;
        MujocoHooks.ClearWarning();
        Span<double> ctrl = Simulation.Ctrl;
        // NOTE: Gymnasium writes the raw action to ctrl and MuJoCo clamps it to ctrlrange (ctrllimited) inside
        // mj_fwdActuation; clamping here first gives the same forces. NaN passes Math.Clamp unchanged, so MuJoCo's own
        // check reports it (the BADCTRL warning) as it would in Gymnasium.
        for (int j = 0; j < ctrl.Length; j++)
            ctrl[j] = Math.Clamp((double)action[j], _ctrlLow[j], _ctrlHigh[j]);

        for (int frame = 1; frame <= FrameSkip; frame++)
        {
            Simulation.Step();
            ThrowIfMujocoWarned(frame);
        }
        Simulation.RnePostConstraint();
        // mj_step checks qpos and qvel at its start; the last frame's result is checked here instead.
        ThrowIfBad(Simulation.Qpos, "qpos");
        ThrowIfBad(Simulation.Qvel, "qvel");
        _episodeStep++;
        _broken = false;
    }

    /// <summary>Checks that the model has the sizes the task's observation layout is written for.</summary>
    /// <exception cref="MujocoException">It does not (the asset and the task disagree).</exception>
    private protected void RequireSizes(int nq, int nv, int nu, int nbody)
    {
        MjModelSizes s = Simulation.Model.Sizes;
        if (s.nq == nq && s.nv == nv && s.nu == nu && s.nbody == nbody)
            return;
        Dispose();
        throw new MujocoException(
            $"{Id}: the model {Simulation.Model.FileName} has nq={s.nq}, nv={s.nv}, nu={s.nu}, nbody={s.nbody}, but the task " +
            $"is defined for nq={nq}, nv={nv}, nu={nu}, nbody={nbody}.");
    }

    /// <summary>low &lt; x &lt; high, as Gymnasium's strict health checks test a range; NaN fails.</summary>
    private protected static bool StrictlyWithin(double x, (double Low, double High) range) => range.Low < x && x < range.High;

    /// <summary>Σ aⱼ² over the action as given (Gymnasium's <c>np.sum(np.square(action))</c>), in double.</summary>
    private protected static double SumOfSquares(ReadOnlySpan<float> action)
    {
        double sum = 0;
        foreach (float a in action)
            sum += (double)a * a;
        return sum;
    }

    /// <summary>Copies <paramref name="source"/> into the start of <paramref name="destination"/>, rounding to float32.</summary>
    /// <returns>The number of values written.</returns>
    private protected static int Write(ReadOnlySpan<double> source, Span<float> destination)
    {
        for (int i = 0; i < source.Length; i++)
            destination[i] = (float)source[i];
        return source.Length;
    }

    /// <summary>As <see cref="Write(ReadOnlySpan{double}, Span{float})"/>, clipping each value to [<paramref name="low"/>, <paramref name="high"/>] first.</summary>
    private protected static int WriteClipped(ReadOnlySpan<double> source, double low, double high, Span<float> destination)
    {
        for (int i = 0; i < source.Length; i++)
            destination[i] = (float)Math.Clamp(source[i], low, high);
        return source.Length;
    }

    /// <inheritdoc/>
    /// <exception cref="EnvironmentException">The last step failed and Reset was not called since.</exception>
    public JsonObject SaveState()
    {
        if (_broken)
            throw new EnvironmentException($"{Id}: the last step failed, so there is no valid state to save; call Reset first.");
        var state = new JsonObject { ["id"] = Id };
        foreach (MjArray field in s_savedArrays)
            state[field.Name] = MujocoState.SaveArray(Simulation.Array<double>(field));
        state["time"] = Simulation.Time;
        state["episodeStep"] = _episodeStep;
        state["terms"] = MujocoState.SaveArray(_terms);
        state["rng"] = EnvironmentState.SaveRng(_rng);
        return state;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Everything is validated (id, lengths, finite values) before anything is written, so a refused state leaves the
    /// environment as it was. No <c>mj_forward</c> follows: it would overwrite the saved qacc_warmstart and xpos.
    /// </remarks>
    public void RestoreState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string savedId = EnvironmentState.Get<string>(state, "id", Id);
        if (savedId != Id)
            throw new EnvironmentException($"{Id}: the saved state is of {savedId}, not of this environment.");
        var arrays = new double[s_savedArrays.Length][];
        for (int k = 0; k < s_savedArrays.Length; k++)
        {
            MjArray field = s_savedArrays[k];
            arrays[k] = MujocoState.RestoreArray(state, field.Name, field.Length(Simulation.Model.Sizes), Id);
        }
        double time = EnvironmentState.Get<double>(state, "time", Id);
        int episodeStep = EnvironmentState.Get<int>(state, "episodeStep", Id);
        double[] terms = MujocoState.RestoreArray(state, "terms", _terms.Length, Id);
        Rng? rng = EnvironmentState.RestoreRng(state["rng"], Id);

        if (Simulation.Faulted)
            Simulation.ResetData();
        for (int k = 0; k < s_savedArrays.Length; k++)
            arrays[k].CopyTo(Simulation.Array<double>(s_savedArrays[k]));
        Simulation.Time = time;
        Simulation.ClearWarnings();
        _episodeStep = episodeStep;
        _broken = false;
        terms.CopyTo(_terms, 0);
        _rng = rng;
    }

    /// <summary>Frees the native model and data.</summary>
    public void Dispose()
    {
        Simulation.Dispose();
        GC.SuppressFinalize(this);
    }

    private void ThrowIfMujocoWarned(int frame)
    {
        // mjWARN_BADQPOS..mjWARN_BADCTRL: the four warnings after which the episode is not the simulation it claims.
        for (int warning = MjWarning.mjWARN_BADQPOS; warning <= MjWarning.mjWARN_BADCTRL; warning++)
        {
            if (Simulation.WarningCount(warning) > 0)
                ThrowMujocoWarned(warning, frame);
        }
    }

    private void ThrowIfBad(ReadOnlySpan<double> values, string field)
    {
        int index = MujocoSimulation.FindBad(values);
        if (index >= 0)
            ThrowBadAfterFrames(field, index, values[index]);
    }

    [DoesNotReturn]
    private void ThrowMujocoWarned(int warning, int frame)
    {
        int index = Simulation.WarningIndex(warning);
        (string field, string consequence) = warning switch
        {
            MjWarning.mjWARN_BADCTRL => ($"ctrl[{index}] (actuator {index}, from action[{index}])", "MuJoCo zeroed every control for that frame"),
            MjWarning.mjWARN_BADQACC => ($"qacc[{index}] (dof {index})", "the simulation is unstable; MuJoCo reset its state"),
            MjWarning.mjWARN_BADQVEL => ($"qvel[{index}] (dof {index})", "MuJoCo reset its state"),
            _ => ($"qpos[{index}]", "MuJoCo reset its state"),
        };
        string text = MujocoHooks.LastWarning is { } message ? $" MuJoCo's warning: \"{message.Trim()}\"." : "";
        throw new MujocoException(
            $"{Id}: MuJoCo found a bad value (NaN, ±inf or beyond 1e10) in {field} at step {_episodeStep + 1} of the " +
            $"episode, frame {frame} of {FrameSkip}; {consequence}.{text} The episode cannot continue: call Reset.");
    }

    [DoesNotReturn]
    private void ThrowBadAfterFrames(string field, int index, double value) => throw new MujocoException(
        $"{Id}: {field}[{index}] is {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} after the " +
        $"{FrameSkip} frames of step {_episodeStep + 1} of the episode (NaN, ±inf or beyond 1e10): the simulation is " +
        "unstable. The episode cannot continue: call Reset.");

    [DoesNotReturn]
    private void ThrowActionLength(int length) => throw new EnvironmentException(
        $"{Id}: the action has {length} value(s) but the action space {ActionSpace} expects {ActionSpace.Dimension}.");

    [DoesNotReturn]
    private void ThrowBroken() => throw new EnvironmentException(
        $"{Id}: step {_episodeStep + 1} of the episode failed, so the episode cannot continue; call Reset first.");

    private void CheckObservationLength(Span<float> observation)
    {
        if (observation.Length != ObservationSpace.Dimension)
        {
            throw new EnvironmentException(
                $"{Id}: the observation span has {observation.Length} element(s) but the observation space needs {ObservationSpace.Dimension}.");
        }
    }

    private static float[] Filled(int length, float value)
    {
        var values = new float[length];
        values.AsSpan().Fill(value);
        return values;
    }
}
