using System.Reflection;
using System.Reflection.Emit;

namespace Sac.Tests.Foundation;

/// <summary>
/// The layers of docs/architecture.md, read from the compiled code: which namespace uses which, from every type's
/// signatures and every method body's IL (calls, field accesses, allocations, casts, tokens). Arrows point down only,
/// so no two namespaces may depend on each other, directly or around a cycle.
/// </summary>
public class NamespaceDependencyTests
{
    private static readonly string[] Assemblies = ["Sac.Kernels", "Sac.Autodiff", "Sac.Core", "Sac.Mujoco", "Sac.Walkthrough", "Sac.Render", "sac"];

    [Test]
    public void Namespaces_FormNoCycle()
    {
        var graph = DependencyGraph();
        Assert.That(graph.Keys, Does.Contain("Sac.Core.Training").And.Contain("Sac.Cli.Commands").And.Contain("Sac.Render.Scenes"), "the graph was read");
        Assert.That(graph["Sac.Core.Training"], Does.Contain("Sac.Core.Checkpoints"), "a dependency known to exist was found");
        foreach (string start in graph.Keys)
        {
            var cycle = FindCycle(graph, start);
            Assert.That(cycle, Is.Null, () => $"namespace cycle: {string.Join(" → ", cycle!)}");
        }
    }

    [Test]
    public void Engine_UsesNoNamespaceAboveIt()
    {
        // The engine (Kernels, Autodiff, Core) knows nothing of the walkthrough, the CLI or the tests.
        foreach (var (from, to) in DependencyGraph().SelectMany(e => e.Value.Select(t => (e.Key, t))))
        {
            if (from.StartsWith("Sac.Kernels", StringComparison.Ordinal))
                Assert.That(to, Does.StartWith("Sac.Kernels"), $"{from} → {to}");
            if (from.StartsWith("Sac.Autodiff", StringComparison.Ordinal))
                Assert.That(to, Does.StartWith("Sac.Kernels").Or.StartWith("Sac.Autodiff"), $"{from} → {to}");
            if (from.StartsWith("Sac.Core", StringComparison.Ordinal))
                Assert.That(to, Does.Not.StartWith("Sac.Walkthrough").And.Not.StartWith("Sac.Cli").And.Not.StartWith("Sac.Mujoco").And.Not.StartWith("Sac.Render"), $"{from} → {to}");
            if (from.StartsWith("Sac.Mujoco", StringComparison.Ordinal))
                Assert.That(to, Does.Not.StartWith("Sac.Walkthrough").And.Not.StartWith("Sac.Cli").And.Not.StartWith("Sac.Render"), $"{from} → {to}");
            // The pictures sit beside the walkthrough, under the CLI: they use the environments, never the other way round.
            if (from.StartsWith("Sac.Render", StringComparison.Ordinal))
                Assert.That(to, Does.Not.StartWith("Sac.Walkthrough").And.Not.StartWith("Sac.Cli"), $"{from} → {to}");
        }
    }

    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph, string start)
    {
        var path = new List<string> { start };
        var seen = new HashSet<string>();
        bool Walk(string node)
        {
            foreach (string next in graph.GetValueOrDefault(node, []))
            {
                if (next == start)
                {
                    path.Add(next);
                    return true;
                }
                if (!seen.Add(next))
                    continue;
                path.Add(next);
                if (Walk(next))
                    return true;
                path.RemoveAt(path.Count - 1);
            }
            return false;
        }
        return Walk(start) ? path : null;
    }

    /// <summary>Namespace → the other Sac namespaces its types use.</summary>
    private static Dictionary<string, HashSet<string>> DependencyGraph()
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (string name in Assemblies)
        {
            var assembly = Assembly.Load(name);
            foreach (var type in assembly.GetTypes())
            {
                string? from = NamespaceOf(type);
                if (from is null || !from.StartsWith("Sac.", StringComparison.Ordinal))
                    continue;
                var uses = graph.TryGetValue(from, out var set) ? set : graph[from] = new HashSet<string>(StringComparer.Ordinal);
                foreach (var used in UsedTypes(type))
                    if (NamespaceOf(used) is { } to && to != from && to.StartsWith("Sac.", StringComparison.Ordinal))
                        uses.Add(to);
            }
        }
        return graph;
    }

    /// <summary>A type's namespace; a nested type (a closure, a state machine) counts as its outermost type's.</summary>
    private static string? NamespaceOf(Type type)
    {
        if (type.IsGenericParameter)
            return null;
        while (type.DeclaringType is { } outer)
            type = outer;
        return type.Namespace;
    }

    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static IEnumerable<Type> UsedTypes(Type type)
    {
        if (type.BaseType is { } baseType)
            foreach (var t in Expand(baseType)) yield return t;
        foreach (var i in type.GetInterfaces())
            foreach (var t in Expand(i)) yield return t;
        foreach (var field in type.GetFields(Everything))
            foreach (var t in Expand(field.FieldType)) yield return t;
        foreach (var property in type.GetProperties(Everything))
            foreach (var t in Expand(property.PropertyType)) yield return t;
        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            if (method is MethodInfo m)
                foreach (var t in Expand(m.ReturnType)) yield return t;
            foreach (var parameter in method.GetParameters())
                foreach (var t in Expand(parameter.ParameterType)) yield return t;
            foreach (var used in BodyTypes(method))
                foreach (var t in Expand(used)) yield return t;
        }
    }

    /// <summary>A type and its element and generic argument types.</summary>
    private static IEnumerable<Type> Expand(Type type)
    {
        if (type.HasElementType)
        {
            foreach (var t in Expand(type.GetElementType()!)) yield return t;
            yield break;
        }
        yield return type;
        if (type.IsGenericType)
            foreach (var argument in type.GetGenericArguments())
                foreach (var t in Expand(argument)) yield return t;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The types a method body refers to through its IL's type, method, field and token operands.</summary>
    private static IEnumerable<Type> BodyTypes(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
            yield break;
        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            var code = OpCodesByValue[unchecked((short)value)];
            i += code.Size;
            switch (code.OperandType)
            {
                case OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok:
                    var member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArguments, methodArguments);
                    if (member is Type t)
                        yield return t;
                    else if (member?.DeclaringType is { } declaring)
                        yield return declaring;
                    if (member is MethodInfo called)
                        yield return called.ReturnType;
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }
}
