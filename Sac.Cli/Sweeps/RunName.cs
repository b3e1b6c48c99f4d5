using System.Security.Cryptography;
using System.Text;

namespace Sac.Cli.Sweeps;

/// <summary>A cell's run directory name: <c>&lt;env&gt;-&lt;algo&gt;[-&lt;key&gt;=&lt;value&gt;…]-seed&lt;k&gt;</c>, safe on any file system.</summary>
public static class RunName
{
    /// <summary>Longer names are cut and given a hash of the whole name, so they stay unique (and under NAME_MAX).</summary>
    public const int MaxLength = 120;

    /// <summary>
    /// The name of the cell of <paramref name="env"/>, <paramref name="algo"/>, the varied options'
    /// <paramref name="values"/> (key, value as typed on the command line) and <paramref name="seed"/>, e.g.
    /// <c>Pendulum-v1-v2-actorLr=0.001-hidden=64x64-seed3</c>.
    /// </summary>
    public static string For(string env, string algo, IEnumerable<(string Key, string Value)> values, int seed)
    {
        var name = new StringBuilder($"{env}-{algo}");
        foreach (var (key, value) in values)
            name.Append('-').Append(key).Append('=').Append(value.Replace(',', 'x'));
        string full = Sanitize(name.ToString());
        string suffix = $"-seed{seed}";
        if (full.Length + suffix.Length <= MaxLength)
            return full + suffix;
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..8];
        return full[..(MaxLength - suffix.Length - hash.Length - 1)] + "-" + hash + suffix;
    }

    /// <summary>Keeps letters, digits and <c>. _ - =</c>; anything else becomes '_'.</summary>
    public static string Sanitize(string text) =>
        string.Concat(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '=' ? c : '_'));
}
