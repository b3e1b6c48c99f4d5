using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sac.Core.Training;

/// <summary>
/// Marks an option that never changes what a run computes (the thread count; the step budget, which only says where a
/// run stops): a checkpoint need not agree with the run resuming it on this option.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class TrajectoryNeutralAttribute : Attribute;

/// <summary>
/// Marks an option added after checkpoints were first written, with the value every run that predates it had in effect
/// (the behaviour before the option existed). A checkpoint or config.json without the option reads as that value, so a
/// new option never makes an existing run unresumable. NOTE: the predating value is a fact about the past and never
/// changes; the default may (a run started after the default changed records the option, so it is not affected).
/// </summary>
/// <param name="value">The value runs from before the option had (a number, bool or string, as the option's JSON).</param>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PredatingValueAttribute(object? value) : Attribute
{
    /// <summary>The value runs from before the option had.</summary>
    public object? Value { get; } = value;
}

/// <summary>How the options records' properties compare between a checkpoint and the run resuming it.</summary>
public static class OptionHistory
{
    /// <summary>True when <paramref name="property"/> changes what a run computes.</summary>
    public static bool AffectsTrajectory(PropertyInfo property) => property.GetCustomAttribute<TrajectoryNeutralAttribute>() is null;

    /// <summary>The value runs from before <paramref name="property"/> existed had, if it was added later.</summary>
    public static bool TryGetPredatingValue(PropertyInfo property, out object? value)
    {
        var attribute = property.GetCustomAttribute<PredatingValueAttribute>();
        value = attribute?.Value;
        return attribute is not null;
    }

    /// <summary>
    /// Compares <paramref name="current"/> (an options record) with <paramref name="saved"/> (the same record as a checkpoint
    /// wrote it, in <paramref name="json"/>'s serialization) and returns the first option that differs in a way that changes
    /// the run: (key, saved value, current value), or null. Trajectory-neutral options are skipped; an option the
    /// checkpoint lacks is compared with its predating value, and one without a predating value differs.
    /// </summary>
    public static (string Key, string Saved, string Current)? FirstDifference<TRecord>(TRecord current, JsonObject? saved, JsonSerializerOptions json)
    {
        var mine = JsonSerializer.SerializeToNode(current, json)!.AsObject();
        foreach (var property in typeof(TRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || !AffectsTrajectory(property))
                continue;
            string key = property.Name;
            JsonNode? value = mine[key];
            JsonNode? theirs;
            if (saved is not null && saved.TryGetPropertyValue(key, out var node))
                theirs = node;
            else if (TryGetPredatingValue(property, out object? predating))
                theirs = JsonSerializer.SerializeToNode(Convert(predating, property.PropertyType), property.PropertyType, json);
            else
                return (key, "(none)", value?.ToJsonString() ?? "null");
            if (!JsonNode.DeepEquals(value, theirs))
                return (key, theirs?.ToJsonString() ?? "null", value?.ToJsonString() ?? "null");
        }
        return null;
    }

    /// <summary>An attribute's constant as the property's type (an enum from its name or number, an int as a long …).</summary>
    public static object? Convert(object? value, Type type)
    {
        if (value is null)
            return null;
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target.IsEnum)
            return value is string name ? Enum.Parse(target, name) : Enum.ToObject(target, value);
        return System.Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
    }
}
