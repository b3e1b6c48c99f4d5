namespace Sac.Mujoco.Native;

/// <summary>
/// A model and its <c>mjData</c>: the checked calls (<c>mj_step</c>, <c>mj_forward</c>, …) and spans over the data's
/// arrays, read through the generated offsets (the array's pointer at <see cref="MjArray.PointerOffset"/> in mjData,
/// its length from the model's sizes). Owns both native objects.
/// </summary>
/// <remarks>
/// After a MuJoCo error (see <see cref="MujocoHooks"/>) the data is in an undefined state: the simulation is then
/// <see cref="Faulted"/>, every call but <see cref="ResetData"/> throws, and <see cref="ResetData"/> replaces the
/// data with a fresh <c>mj_makeData</c> (MuJoCo never writes to the model while simulating).
/// </remarks>
internal sealed unsafe class MujocoSimulation : IDisposable
{
    private DataHandle _data;

    /// <summary>Makes the data for <paramref name="model"/>, which the simulation then owns.</summary>
    /// <exception cref="MujocoException"><c>mj_makeData</c> failed.</exception>
    public MujocoSimulation(MujocoModel model)
    {
        Model = model;
        _data = MakeData(model);
    }

    /// <summary>The model.</summary>
    public MujocoModel Model { get; }

    /// <summary>True after a MuJoCo error, until <see cref="ResetData"/>.</summary>
    public bool Faulted { get; private set; }

    /// <summary>The <c>mjData*</c>, valid until <see cref="Dispose"/> or a fault.</summary>
    public nint Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_data.IsClosed, this);
            if (Faulted)
                throw new MujocoException($"The simulation of {Model.FileName} faulted on a MuJoCo error; reset it before using it again.");
            return _data.DangerousGetHandle();
        }
    }

    /// <summary>A data array as a span of <typeparamref name="T"/>, whose size must match the C element type.</summary>
    public Span<T> Array<T>(MjArray field)
        where T : unmanaged
    {
        if (sizeof(T) != field.ElementSize)
            throw new ArgumentException($"{field.Name} holds {field.ElementType} ({field.ElementSize} bytes), not {typeof(T).Name}.", nameof(field));
        return new Span<T>(*(void**)(Pointer + field.PointerOffset), field.Length(Model.Sizes));
    }

    /// <summary><c>qpos</c> (nq): joint positions.</summary>
    public Span<double> Qpos => Array<double>(MjDataArrays.qpos);

    /// <summary><c>qvel</c> (nv): joint velocities.</summary>
    public Span<double> Qvel => Array<double>(MjDataArrays.qvel);

    /// <summary><c>ctrl</c> (nu): the controls <c>mj_step</c> applies.</summary>
    public Span<double> Ctrl => Array<double>(MjDataArrays.ctrl);

    /// <summary><c>xpos</c> (nbody × 3): body frame positions, as of the start of the last <c>mj_step</c>'s integration.</summary>
    public Span<double> Xpos => Array<double>(MjDataArrays.xpos);

    /// <summary><c>xipos</c> (nbody × 3): body centre-of-mass positions, as stale as <see cref="Xpos"/>.</summary>
    public Span<double> Xipos => Array<double>(MjDataArrays.xipos);

    /// <summary><c>cinert</c> (nbody × 10): body inertias in the centre-of-mass frame.</summary>
    public Span<double> Cinert => Array<double>(MjDataArrays.cinert);

    /// <summary><c>cvel</c> (nbody × 6): body velocities in the centre-of-mass frame.</summary>
    public Span<double> Cvel => Array<double>(MjDataArrays.cvel);

    /// <summary><c>qfrc_actuator</c> (nv): actuator forces in joint space.</summary>
    public Span<double> QfrcActuator => Array<double>(MjDataArrays.qfrc_actuator);

    /// <summary><c>cfrc_ext</c> (nbody × 6): external (contact) forces per body; zero unless <see cref="RnePostConstraint"/> ran.</summary>
    public Span<double> CfrcExt => Array<double>(MjDataArrays.cfrc_ext);

    /// <summary><c>time</c>, the simulation time.</summary>
    public ref double Time => ref *(double*)(Pointer + MjDataScalars.time);

    /// <summary><c>warning[w].number</c>: how often warning <paramref name="warning"/> (an <see cref="MjWarning"/>) was raised since the last reset.</summary>
    public int WarningCount(int warning) => *(int*)WarningStat(warning, MjWarningStatLayout.number);

    /// <summary><c>warning[w].lastinfo</c>: the index (dof or actuator) that warning <paramref name="warning"/> last named.</summary>
    public int WarningIndex(int warning) => *(int*)WarningStat(warning, MjWarningStatLayout.lastinfo);

    /// <summary>Zeroes every warning counter.</summary>
    public void ClearWarnings() =>
        new Span<byte>((void*)(Pointer + MjDataVectors.warning), MjConstants.mjNWARNING * MjWarningStatLayout.Size).Clear();

    /// <summary><c>mj_step</c>: one time step.</summary>
    public void Step()
    {
        MujocoNative.mj_step(Model.Pointer, Pointer);
        ThrowIfErrorRaised("mj_step");
    }

    /// <summary><c>mj_forward</c>: every derived quantity for the current state, without integrating.</summary>
    public void Forward()
    {
        MujocoNative.mj_forward(Model.Pointer, Pointer);
        ThrowIfErrorRaised("mj_forward");
    }

    /// <summary><c>mj_rnePostConstraint</c>: cacc, cfrc_int and cfrc_ext for the current state.</summary>
    public void RnePostConstraint()
    {
        MujocoNative.mj_rnePostConstraint(Model.Pointer, Pointer);
        ThrowIfErrorRaised("mj_rnePostConstraint");
    }

    /// <summary><c>mj_resetData</c>: qpos = qpos0 and everything else zero; a faulted simulation gets fresh data instead.</summary>
    public void ResetData()
    {
        if (Faulted)
        {
            _data.Dispose();
            _data = MakeData(Model);
            Faulted = false;
            return;
        }
        MujocoNative.mj_resetData(Model.Pointer, Pointer);
        ThrowIfErrorRaised("mj_resetData");
    }

    /// <summary>Frees the data, then the model (idempotent).</summary>
    public void Dispose()
    {
        _data.Dispose();
        Model.Dispose();
    }

    /// <summary>The index of the first value <c>mju_isBad</c> would reject (NaN, or |x| &gt; mjMAXVAL = 1e10), or −1.</summary>
    public static int FindBad(ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            // Written as a negated comparison so that NaN, which fails every comparison, counts as bad.
            if (!(Math.Abs(values[i]) <= MujocoLayout.MaxValue))
                return i;
        }
        return -1;
    }

    private nint WarningStat(int warning, int fieldOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warning);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(warning, MjConstants.mjNWARNING);
        return Pointer + MjDataVectors.warning + warning * MjWarningStatLayout.Size + fieldOffset;
    }

    private void ThrowIfErrorRaised(string call)
    {
        if (!MujocoHooks.HasError)
            return;
        Faulted = true;
        throw new MujocoException(
            $"MuJoCo raised an error in {call} ({Model.FileName}): {MujocoHooks.TakeError()} " +
            "MuJoCo's state is undefined after an error, so this simulation's data is discarded; reset the environment to continue.");
    }

    private static DataHandle MakeData(MujocoModel model)
    {
        nint data = MujocoNative.mj_makeData(model.Pointer);
        if (MujocoHooks.TakeError() is { } error)
        {
            if (data != 0)
                MujocoNative.mj_deleteData(data);
            throw new MujocoException($"MuJoCo could not make the data for {model.FileName}: {error}");
        }
        if (data == 0)
            throw new MujocoException($"MuJoCo could not make the data for {model.FileName} (mj_makeData returned null).");
        return new DataHandle(data);
    }
}
