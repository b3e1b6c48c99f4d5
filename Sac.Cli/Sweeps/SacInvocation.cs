using System.Diagnostics;

namespace Sac.Cli.Sweeps;

/// <summary>
/// How to start this same `sac` again (for the local executor's children and the Slurm script): the apphost when this
/// process is one, else the dotnet host with <c>exec</c> and sac.dll's path, so a sweep runs the very build that wrote it.
/// </summary>
public static class SacInvocation
{
    /// <summary>The program and the arguments before sac's own: <c>["/…/sac"]</c> or <c>["/…/dotnet", "exec", "/…/sac.dll"]</c>.</summary>
    public static IReadOnlyList<string> Prefix()
    {
        string dll = typeof(SacInvocation).Assembly.Location;
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "sac")
            return [self];
        return [DotnetHost(), "exec", dll];
    }

    /// <summary>A start for <c>sac args…</c> with no redirection.</summary>
    public static ProcessStartInfo Start(IEnumerable<string> args)
    {
        var prefix = Prefix();
        var start = new ProcessStartInfo(prefix[0]) { UseShellExecute = false };
        foreach (string arg in prefix.Skip(1).Concat(args))
            start.ArgumentList.Add(arg);
        return start;
    }

    private static string DotnetHost()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
            return self;
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
            return host;
        string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, "dotnet")))
            return Path.Combine(root, "dotnet");
        // The runtime this process runs on lives under <dotnet root>/shared/Microsoft.NETCore.App/<version>/.
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? "";
        string candidate = Path.GetFullPath(Path.Combine(runtime, "..", "..", "..", "dotnet"));
        return File.Exists(candidate) ? candidate : "dotnet";
    }
}
