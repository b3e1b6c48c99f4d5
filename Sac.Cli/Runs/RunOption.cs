using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json.Nodes;
using Sac.Core.Algorithms;
using Sac.Core.Training;

namespace Sac.Cli.Runs;

/// <summary>
/// One option of a training run, declared once in <see cref="RunOptions"/>: its name (<c>--name</c> on the command line,
/// the same name in camelCase in config.json), its help line, and the property of <see cref="SacOptions"/>,
/// <see cref="TrainerOptions"/> or <see cref="RunConfig"/> it sets. The default shown in the help is read from that
/// record's defaults; values are read from command-line text and from JSON by the property's type.
/// </summary>
public sealed class RunOption
{
    private readonly Func<RunConfig, object?> _get;
    private readonly Func<RunConfig, object?, RunConfig> _set;

    private RunOption(string name, string help, Type type, PropertyInfo? property, Func<RunConfig, object?> get,
        Func<RunConfig, object?, RunConfig> set, object? defaultValue, string? nullMeans)
    {
        (Name, Help, ValueType, Property, Default, NullMeans) = (name, help, type, property, defaultValue, nullMeans);
        (_get, _set) = (get, set);
    }

    /// <summary>The name: <c>--{Name}</c> on the command line, <see cref="Key"/> in config.json.</summary>
    public string Name { get; }

    /// <summary>The config.json key: <see cref="Name"/> in camelCase ("actor-lr" → "actorLr").</summary>
    public string Key => CamelCase(Name);

    /// <summary>The help line, without the default (which <see cref="Description"/> appends).</summary>
    public string Help { get; }

    /// <summary>The value's type: int, long, double, double?, bool, string, <see cref="SacVersion"/>, another enum or a list of ints.</summary>
    public Type ValueType { get; }

    /// <summary>The record property the option sets (null for <see cref="Shortcut"/> options).</summary>
    public PropertyInfo? Property { get; }

    /// <summary>The default, from the record's own defaults (before any environment profile).</summary>
    public object? Default { get; }

    /// <summary>What a null value means, for the help ("no clipping", "−dim(A)"); null when the option cannot be null.</summary>
    public string? NullMeans { get; }

    /// <summary>
    /// Whether the option changes what a run computes (<see cref="TrajectoryNeutralAttribute"/> on its property says
    /// not); a checkpoint must agree with the run resuming it on every option that does.
    /// </summary>
    public bool AffectsTrajectory => Property is not null && OptionHistory.AffectsTrajectory(Property);

    /// <summary>
    /// The value runs from before this option existed had (<see cref="PredatingValueAttribute"/>), read for a config.json
    /// or checkpoint that lacks it; <paramref name="value"/> is null and the result false for options as old as the format.
    /// </summary>
    public bool TryGetPredatingValue(out object? value)
    {
        value = null;
        if (Property is null || !OptionHistory.TryGetPredatingValue(Property, out object? raw))
            return false;
        value = OptionHistory.Convert(raw, ValueType);
        return true;
    }

    /// <summary>May be given with --resume: it does not change the trajectory.</summary>
    public bool ResumeAdjustable { get; private init; }

    /// <summary>Sets other options and is not itself saved in config.json (--lr sets all four learning rates).</summary>
    public bool Shortcut { get; private init; }

    /// <summary>The --help text: the help line and the default.</summary>
    public string Description => Shortcut || Default is "" ? Help : $"{Help} Default {(Default is null ? NullMeans : Format(Default))}.";

    /// <summary>The option's value in <paramref name="config"/>.</summary>
    public object? Get(RunConfig config) => _get(config);

    /// <summary><paramref name="config"/> with this option set to <paramref name="value"/> (of <see cref="ValueType"/>).</summary>
    public RunConfig Set(RunConfig config, object? value) => _set(config, value);

    /// <summary>An option on a <see cref="SacOptions"/> property.</summary>
    public static RunOption Sac<TValue>(string name, Expression<Func<SacOptions, TValue>> property, string help, string? nullMeans = null, bool resumeAdjustable = false) =>
        OnRecord(name, property, help, c => c.Sac, (c, sac) => c with { Sac = sac }, new SacOptions(), nullMeans).With(resumeAdjustable);

    /// <summary>An option on a <see cref="TrainerOptions"/> property.</summary>
    public static RunOption Trainer<TValue>(string name, Expression<Func<TrainerOptions, TValue>> property, string help, bool resumeAdjustable = false) =>
        OnRecord(name, property, help, c => c.Trainer, (c, trainer) => c with { Trainer = trainer }, new TrainerOptions(), null).With(resumeAdjustable);

    /// <summary>An option on a <see cref="RunConfig"/> property (the run's own settings: environment, checkpoints).</summary>
    public static RunOption Run<TValue>(string name, Expression<Func<RunConfig, TValue>> property, string help, bool resumeAdjustable = false) =>
        OnRecord(name, property, help, c => c, (_, c) => c, new RunConfig(), null).With(resumeAdjustable);

    /// <summary>A shortcut that sets several options to one value, applied before them (so each can still override it).</summary>
    public static RunOption ShortcutFor(string name, string help, params RunOption[] targets) =>
        new(name, help, targets[0].ValueType, null, c => targets[0].Get(c),
            (c, value) => targets.Aggregate(c, (config, target) => target.Set(config, value)), null, null) { Shortcut = true };

    private static RunOption OnRecord<TRecord, TValue>(string name, Expression<Func<TRecord, TValue>> selector, string help,
        Func<RunConfig, TRecord> record, Func<RunConfig, TRecord, RunConfig> replace, TRecord defaults, string? nullMeans)
        where TRecord : class
    {
        var property = (PropertyInfo)((MemberExpression)selector.Body).Member;
        // A record's copy constructor, then the init accessor: `with { Property = value }` for a property known at run time.
        var copy = typeof(TRecord).GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, [typeof(TRecord)])
            ?? throw new InvalidOperationException($"{typeof(TRecord).Name} is not a record.");
        return new RunOption(name, help, typeof(TValue), property, c => property.GetValue(record(c)), (c, value) =>
        {
            var clone = (TRecord)copy.Invoke([record(c)]);
            property.SetValue(clone, value);
            return replace(c, clone);
        }, property.GetValue(defaults), nullMeans);
    }

    private RunOption With(bool resumeAdjustable) => new(Name, Help, ValueType, Property, _get, _set, Default, NullMeans)
    {
        ResumeAdjustable = resumeAdjustable,
        Shortcut = Shortcut,
    };

    /// <summary>Reads a command-line value; a <see cref="UsageException"/> naming the option and what it expects.</summary>
    public object? Parse(string? text)
    {
        string value = text?.Trim() ?? "";
        var culture = CultureInfo.InvariantCulture;
        if (ValueType == typeof(bool) && value.Length == 0)
            return true; // a bare flag: --learn-alpha
        if (Nullable.GetUnderlyingType(ValueType) is not null && value is "none" or "null")
            return null;
        Type type = Nullable.GetUnderlyingType(ValueType) ?? ValueType;
        object? parsed = type switch
        {
            _ when type == typeof(int) => int.TryParse(value, NumberStyles.Integer, culture, out int i) ? i : null,
            _ when type == typeof(long) => long.TryParse(value, NumberStyles.Integer, culture, out long l) ? l : null,
            _ when type == typeof(double) => double.TryParse(value, NumberStyles.Float, culture, out double d) ? d : null,
            _ when type == typeof(bool) => bool.TryParse(value, out bool b) ? b : null,
            _ when type == typeof(string) => value.Length > 0 ? value : null,
            _ when type == typeof(SacVersion) => AlgorithmRegistry.Find(value)?.Version,
            _ when type.IsEnum => EnumValues(type).FirstOrDefault(e => EnumName(e) == value),
            _ when type == typeof(IReadOnlyList<int>) => ParseSizes(value),
            _ => throw new InvalidOperationException($"--{Name}: no parser for {type.Name}."),
        };
        return parsed ?? throw new UsageException($"--{Name} expects {Expected}, got '{text}'.");
    }

    /// <summary>Reads a config.json value (a JSON number, string, boolean, array or null).</summary>
    public object? FromJson(JsonNode? node, string source)
    {
        if (node is null)
            return Nullable.GetUnderlyingType(ValueType) is not null ? null : throw new UsageException($"{source}: '{Key}' cannot be null.");
        string text = node switch
        {
            JsonArray array when ValueType == typeof(IReadOnlyList<int>) => string.Join(',', array.Select(e => e?.ToJsonString())),
            JsonValue value when value.TryGetValue(out string? s) => s,
            _ => node.ToJsonString(),
        };
        try
        {
            return Parse(text);
        }
        catch (UsageException)
        {
            throw new UsageException($"{source}: '{Key}' expects {Expected}, got {node.ToJsonString()}.");
        }
    }

    /// <summary>The value as config.json holds it.</summary>
    public JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        SacVersion version => JsonValue.Create(Format(version)),
        Enum e => JsonValue.Create(EnumName(e)),
        IReadOnlyList<int> sizes => new JsonArray(sizes.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        bool b => JsonValue.Create(b),
        string s => JsonValue.Create(s),
        _ => throw new InvalidOperationException($"--{Name}: cannot write a {value.GetType().Name}."),
    };

    /// <summary>The value as it is typed on the command line: v2, 256,256, 0.0003, true.</summary>
    public static string Format(object? value) => value switch
    {
        null => "none",
        SacVersion version => AlgorithmRegistry.For(version).Name,
        Enum e => EnumName(e),
        IReadOnlyList<int> sizes => string.Join(',', sizes),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private string Expected => (Nullable.GetUnderlyingType(ValueType) ?? ValueType) switch
    {
        var t when t == typeof(int) || t == typeof(long) => "an integer",
        var t when t == typeof(double) => Nullable.GetUnderlyingType(ValueType) is null ? "a number" : "a number or none",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(SacVersion) => "one of " + string.Join(", ", AlgorithmRegistry.All.Select(a => a.Name)),
        var t when t.IsEnum => "one of " + string.Join(", ", EnumValues(t).Select(EnumName)),
        var t when t == typeof(IReadOnlyList<int>) => "positive integers separated by commas (e.g. 256,256)",
        _ => "a value",
    };

    private static IEnumerable<Enum> EnumValues(Type type) => Enum.GetValues(type).Cast<Enum>();

    /// <summary>An enum value's name on the command line and in config.json: its [JsonStringEnumMemberName], else its
    /// name in lower case (white, pink, ou).</summary>
    private static string EnumName(Enum value)
    {
        var field = value.GetType().GetField(value.ToString())!;
        return field.GetCustomAttribute<System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute>()?.Name
            ?? value.ToString().ToLowerInvariant();
    }

    private static int[]? ParseSizes(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
                return null;
        return sizes.Length > 0 ? sizes : null;
    }

    private static string CamelCase(string kebab)
    {
        var parts = kebab.Split('-');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    /// <inheritdoc/>
    public override string ToString() => "--" + Name;
}
