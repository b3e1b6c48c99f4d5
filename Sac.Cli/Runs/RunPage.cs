using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sac.Render.Recording;
using Sac.Render.Video;

namespace Sac.Cli.Runs;

/// <summary>
/// A run's page, <c>index.html</c> in its directory: the headline numbers, the videos of its evaluations (the latest
/// one playing), the learning curve, the per-term rewards of the last evaluation, and every option of config.json. It
/// is static and refers only to files in the run directory by relative paths (no server, no network, no script), so
/// it opens offline from a file:// URL, and the directory can be copied or archived with its page.
/// </summary>
/// <remarks>
/// The page is a function of the directory's files alone: <see cref="Write"/> may be called at any time (training does
/// at the end and after each video; <c>sac render</c> after its video), and a report over many runs links each run's
/// <c>&lt;run&gt;/index.html</c> after calling it.
/// </remarks>
public static class RunPage
{
    /// <summary>The page's file name in the run directory.</summary>
    public const string FileName = "index.html";

    /// <summary>The plot of the last evaluation's rewards by term, next to the page.</summary>
    public const string TermsPlotFileName = "eval_terms.svg";

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>A video of the run directory, with what the page says about it.</summary>
    private sealed record VideoEntry(string RelativePath, string? Poster, string Caption, long? Step, DateTime Written);

    /// <summary>
    /// Writes (atomically) <c>index.html</c> and the terms plot of the run in <paramref name="runDirectory"/> from what
    /// the directory holds; a missing file leaves its section out. Returns the page's path.
    /// </summary>
    public static string Write(string runDirectory)
    {
        var run = new RunDirectory(runDirectory, "--run");
        JsonObject? config = ReadJson(run.Config);
        JsonObject? summary = ReadJson(run.Summary);
        string title = config is null
            ? Path.GetFileName(run.Path)
            : $"SAC {Text(config["algo"])} on {Text(config["env"])} (seed {Text(config["seed"])})";

        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <link rel="icon" href="data:,">
            <title>{{E(title)}}</title>
            <style>
            body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; margin: 2em auto; max-width: 1000px; padding: 0 1em; color: #222; }
            h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ddd; }
            .sub { color: #666; margin-top: 0; }
            table { border-collapse: collapse; font-size: 0.9em; } td, th { padding: 0.15em 0.8em 0.15em 0; text-align: left; vertical-align: top; }
            td.num { text-align: right; font-family: "DejaVu Sans Mono", monospace; white-space: nowrap; }
            img.plot { max-width: 100%; height: auto; border: 1px solid #eee; }
            video, img.video { max-width: 100%; height: auto; background: #000; }
            .grid { display: flex; flex-wrap: wrap; gap: 1em; } .grid figure { margin: 0; width: 300px; }
            figcaption { font-size: 0.85em; color: #444; }
            .note { color: #777; font-style: italic; }
            code { font-size: 0.9em; }
            </style>
            </head>
            <body>
            <h1>{{E(title)}}</h1>
            <p class="sub">{{E(Status(run, config, summary))}}</p>

            """);

        AppendVideos(html, run);
        AppendLearningCurve(html, run);
        AppendTerms(html, run);
        AppendSummary(html, summary);
        AppendConfig(html, config);
        html.Append("""
            <h2>Files</h2>
            <p><a href="config.json">config.json</a> · <a href="progress.csv">progress.csv</a>
            """);
        if (File.Exists(run.Summary))
            html.Append(" · <a href=\"summary.json\">summary.json</a>");
        html.Append("""
             · <code>checkpoints/</code> (<code>sac eval --run DIR</code>, <code>sac render --run DIR</code>)</p>
            </body>
            </html>

            """);
        RunDirectory.WriteAtomically(run.Page, html.ToString());
        return run.Page;
    }

    private static string Status(RunDirectory run, JsonObject? config, JsonObject? summary)
    {
        // A summary counts only if it covers the configured steps: an extension (`train --resume --steps N`) that was
        // stopped keeps the old summary beside a config that already says N.
        bool covers = summary is not null && !(config?["steps"] is { } configured && Number(summary["steps"]) < Number(configured));
        if (covers)
            return string.Create(C, $"Finished: {Number(summary!["steps"]):N0} steps, final evaluation {Number(summary["finalEvalMean"]):F1} ± {Number(summary["finalEvalStd"]):F1}, best {Number(summary["bestEvalMean"]):F1} at step {Number(summary["bestEvalStep"]):N0}.");
        if (File.Exists(run.Progress))
        {
            var evals = ProgressLog.ReadColumn(run.Progress, "eval/mean_reward");
            string total = config?["steps"] is { } steps ? string.Create(C, $" of {Number(steps):N0}") : "";
            if (evals.Count > 0)
                return string.Create(C, $"In progress or interrupted: last evaluation {evals[^1].Value:F1} at step {evals[^1].Step:N0}{total}.");
        }
        return "No evaluation yet.";
    }

    private static void AppendVideos(StringBuilder html, RunDirectory run)
    {
        List<VideoEntry> videos = Videos(run);
        html.Append("<h2>Evaluation videos</h2>\n");
        if (videos.Count == 0)
        {
            html.Append("<p class=\"note\">No videos: train with <code>--record-every N</code>, or run <code>sac render --run DIR</code>.</p>\n");
            return;
        }
        VideoEntry latest = videos[0];
        html.Append("<figure>\n").Append(Player(latest, main: true)).Append($"<figcaption>{E(latest.Caption)}</figcaption>\n</figure>\n");
        if (videos.Count > 1)
        {
            html.Append("<div class=\"grid\">\n");
            foreach (VideoEntry video in videos.Skip(1))
                html.Append("<figure>\n").Append(Player(video, main: false)).Append($"<figcaption>{E(video.Caption)}</figcaption>\n</figure>\n");
            html.Append("</div>\n");
        }
    }

    /// <summary>The latest video plays by itself (muted, looping: what browsers allow without a click); the others wait for one.</summary>
    private static string Player(VideoEntry video, bool main)
    {
        if (VideoFormats.FromPath(video.RelativePath) == VideoFormat.Gif)
            return $"<img class=\"video\" src=\"{Url(video.RelativePath)}\" alt=\"{E(video.Caption)}\"{(main ? "" : " loading=\"lazy\"")}>\n";
        string poster = video.Poster is null ? "" : $" poster=\"{Url(video.Poster)}\"";
        string type = VideoFormats.FromPath(video.RelativePath) == VideoFormat.Mp4 ? "video/mp4" : "video/webm";
        string behaviour = main ? "autoplay muted loop playsinline controls preload=\"auto\"" : "muted loop playsinline controls preload=\"none\"";
        return $"<video {behaviour}{poster}><source src=\"{Url(video.RelativePath)}\" type=\"{type}\"></video>\n";
    }

    /// <summary>The run's videos, newest training step first, then the renders, newest first.</summary>
    private static List<VideoEntry> Videos(RunDirectory run)
    {
        if (!Directory.Exists(run.Videos))
            return [];
        var entries = new List<VideoEntry>();
        foreach (string file in Directory.EnumerateFiles(run.Videos))
        {
            string name = Path.GetFileName(file);
            if (VideoFormats.FromPath(name) is null || RunDirectory.IsVideoTemporary(name))
                continue;
            string stem = Path.GetFileNameWithoutExtension(name);
            string? poster = File.Exists(Path.Combine(run.Videos, stem + ".png")) ? $"videos/{stem}.png" : null;
            string csv = Path.Combine(run.Videos, stem + ".csv");
            string returns = "";
            if (File.Exists(csv))
            {
                try
                {
                    var table = TermsTable.Read(csv);
                    double[] episode = table["episode"], total = table["return"];
                    var finals = Enumerable.Range(0, table.Rows).GroupBy(r => episode[r]).Select(g => total[g.Last()]).ToArray();
                    returns = finals.Length == 1
                        ? string.Create(C, $", return {finals[0]:F1}")
                        : string.Create(C, $", returns {string.Join(", ", finals.Select(r => r.ToString("F1", C)))}");
                }
                catch (FormatException)
                {
                }
            }
            long? step = stem.StartsWith("step-", StringComparison.Ordinal) && long.TryParse(stem["step-".Length..], NumberStyles.None, C, out long s) ? s : null;
            string caption = step is long at ? string.Create(C, $"Evaluation at step {at:N0}{returns}") : $"{stem}{returns}";
            entries.Add(new VideoEntry($"videos/{name}", poster, caption, step, File.GetLastWriteTimeUtc(file)));
        }
        // The recorded evaluations, latest step first, then the renders, newest first.
        return entries.OrderBy(e => e.Step is null).ThenByDescending(e => e.Step).ThenByDescending(e => e.Written).ToList();
    }

    private static void AppendLearningCurve(StringBuilder html, RunDirectory run)
    {
        html.Append("<h2>Learning curve</h2>\n");
        html.Append(File.Exists(Path.Combine(run.Path, "learning_curve.svg"))
            ? "<p><img class=\"plot\" id=\"learning-curve\" src=\"learning_curve.svg\" alt=\"Training episode returns and evaluation mean ± std over environment steps\"></p>\n"
            : "<p class=\"note\">The learning curve is drawn when training ends (and after each recorded video).</p>\n");
    }

    /// <summary>The last evaluation's per-step rewards: eval_terms.csv when training wrote it, else the newest recording's table.</summary>
    private static void AppendTerms(StringBuilder html, RunDirectory run)
    {
        html.Append("<h2>Rewards of the last evaluation, by term</h2>\n");
        string? source = File.Exists(run.EvalTerms) ? run.EvalTerms : NewestRecordingTable(run);
        TermsTable.Table? table = null;
        if (source is not null)
        {
            try
            {
                table = TermsTable.Read(source);
            }
            catch (FormatException)
            {
            }
        }
        if (source is null || table is null || table.Rows == 0)
        {
            html.Append("<p class=\"note\">No evaluation has been recorded yet.</p>\n");
            return;
        }
        string svg = Path.Combine(run.Path, TermsPlotFileName);
        TermsPlot.Render(table, "Rewards per step of the last evaluation's first episode", svg);
        html.Append($"<p><img class=\"plot\" id=\"terms\" src=\"{TermsPlotFileName}\" alt=\"Per-step reward and reward terms of one evaluation episode\"></p>\n");
        html.Append($"<p>From <a href=\"{Url(Path.GetRelativePath(run.Path, source).Replace('\\', '/'))}\">{E(Path.GetRelativePath(run.Path, source))}</a>. Sums over that episode:</p>\n<table>\n");
        double[] episode = table["episode"];
        int[] rows = Enumerable.Range(0, table.Rows).Where(r => episode[r] == 0).ToArray();
        foreach (string column in table.Columns.Where(c => c is not ("episode" or "step" or "return")))
        {
            double[] values = table[column];
            // Positions and velocities are states, not rewards: their last value says more than their sum.
            bool isReward = column == "reward" || column.StartsWith("reward_", StringComparison.Ordinal);
            double shown = isReward ? rows.Where(r => table["step"][r] > 0).Sum(r => values[r]) : values[rows[^1]];
            html.Append(string.Create(C, $"<tr><td>{E(column)}</td><td class=\"num\">{shown:F3}</td><td>{(isReward ? "sum" : "at the end")}</td></tr>\n"));
        }
        html.Append("</table>\n");
    }

    private static string? NewestRecordingTable(RunDirectory run) => !Directory.Exists(run.Videos) ? null : Directory
        .EnumerateFiles(run.Videos, "step-*.csv")
        .OrderByDescending(f => Path.GetFileName(f), StringComparer.Ordinal)
        .FirstOrDefault();

    private static void AppendSummary(StringBuilder html, JsonObject? summary)
    {
        if (summary is null)
            return;
        html.Append("<h2>Summary</h2>\n<table>\n");
        foreach (var (key, value) in summary)
            html.Append($"<tr><td>{E(key)}</td><td class=\"num\">{E(Text(value))}</td></tr>\n");
        html.Append("</table>\n");
    }

    private static void AppendConfig(StringBuilder html, JsonObject? config)
    {
        html.Append("<h2>Configuration</h2>\n");
        if (config is null)
        {
            html.Append("<p class=\"note\">No config.json.</p>\n");
            return;
        }
        html.Append("<table>\n");
        foreach (var (key, value) in config)
        {
            if (key == "format")
                continue;
            string? help = RunOptions.Find(key)?.Help;
            html.Append($"<tr><td><code>{E(key)}</code></td><td class=\"num\">{E(Text(value))}</td><td>{E(help ?? "")}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    private static JsonObject? ReadJson(string path)
    {
        try
        {
            return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException)
        {
            return null;
        }
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "none",
        JsonValue value when value.TryGetValue(out string? s) => s,
        JsonValue value when value.TryGetValue(out double d) => d.ToString("G6", C),
        _ => node.ToJsonString(),
    };

    private static double Number(JsonNode? node) => node is JsonValue value && value.TryGetValue(out double d) ? d : double.NaN;

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A relative URL: each path segment percent-encoded.</summary>
    private static string Url(string relativePath) => E(string.Join('/', relativePath.Split('/').Select(Uri.EscapeDataString)));
}
