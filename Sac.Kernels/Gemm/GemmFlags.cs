namespace Sac.Kernels;

/// <summary>A compile-time boolean: a struct type argument whose <see cref="On"/> the JIT folds, removing the branch.</summary>
internal interface IFlag
{
    /// <summary>The flag's value.</summary>
    static abstract bool On { get; }
}

/// <summary>The flag that is set.</summary>
internal readonly struct On : IFlag
{
    /// <inheritdoc/>
    static bool IFlag.On => true;
}

/// <summary>The flag that is clear.</summary>
internal readonly struct Off : IFlag
{
    /// <inheritdoc/>
    static bool IFlag.On => false;
}
