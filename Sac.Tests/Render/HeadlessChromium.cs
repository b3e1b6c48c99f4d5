using System.Diagnostics;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Sac.Tests.Render;

/// <summary>
/// Debian's Chromium, headless, driven through the DevTools protocol over a WebSocket (System.Net.WebSockets, no
/// browser-automation package): it starts on about:blank, the console, uncaught exceptions and failed loads are
/// listened to before anything is opened, then a page is navigated to, evaluated and photographed.
/// </summary>
/// <remarks>
/// Started as this machine's notes say Chromium must be here: --headless --no-sandbox --disable-gpu --disable-quic
/// --no-first-run --disable-background-networking --disable-component-update --disable-sync and a fresh
/// --user-data-dir (without the networking flags it keeps trying to reach Google's hosts, which the closed network
/// refuses).
/// </remarks>
internal sealed class HeadlessChromium : IDisposable
{
    public const string Executable = "/usr/bin/chromium";

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly Dictionary<int, TaskCompletionSource<JsonObject>> _replies = [];
    private readonly List<string> _errors = [];
    private TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;
    private int _nextId;

    private HeadlessChromium(Process process, string profile, Uri page)
    {
        (_process, _profile) = (process, profile);
        _socket.ConnectAsync(page, CancellationToken.None).Wait(TimeSpan.FromSeconds(30));
        _reader = Task.Run(ReadLoop);
    }

    /// <summary>Console errors, uncaught exceptions and failed loads seen so far, one line each.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
                return _errors.ToArray();
        }
    }

    /// <summary>Starts Chromium with a window of <paramref name="width"/> × <paramref name="height"/>, listening to its page.</summary>
    public static HeadlessChromium Start(int width, int height)
    {
        if (!File.Exists(Executable))
            Assert.Fail($"{Executable} is not installed; install it: apt-get install -y chromium (dotnet cake does, as root)");
        string profile = Directory.CreateTempSubdirectory("sac-chromium-").FullName;
        var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--mute-audio", $"--user-data-dir={profile}", "--remote-debugging-port=0",
            $"--window-size={width},{height}", "about:blank",
        })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();

        // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/…" on stderr gives the port; /json/list the page.
        string? port = null;
        var clock = Stopwatch.StartNew();
        while (port is null && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var line = process.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).Result;
            if (line is null)
                break;
            if (Regex.Match(line, @"DevTools listening on ws://127\.0\.0\.1:(\d+)/") is { Success: true } match)
                port = match.Groups[1].Value;
        }
        if (port is null)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("Chromium did not open its DevTools port");
        }
        _ = process.StandardError.ReadToEndAsync();
        using var http = new HttpClient();
        var targets = JsonNode.Parse(http.GetStringAsync($"http://127.0.0.1:{port}/json/list").Result)!.AsArray();
        string page = targets.First(t => (string?)t!["type"] == "page")!["webSocketDebuggerUrl"]!.GetValue<string>();
        var browser = new HeadlessChromium(process, profile, new Uri(page));
        browser.Send("Runtime.enable");
        browser.Send("Log.enable");
        browser.Send("Page.enable");
        return browser;
    }

    /// <summary>Opens <paramref name="url"/> and waits for its load event.</summary>
    public void Navigate(string url)
    {
        _loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        JsonObject reply = Send("Page.navigate", new JsonObject { ["url"] = url });
        Assert.That(reply["errorText"], Is.Null, $"Chromium could not open {url}: {reply["errorText"]}");
        Assert.That(_loaded.Task.Wait(TimeSpan.FromSeconds(60)), Is.True, $"{url} did not finish loading");
    }

    /// <summary>The value of a JavaScript expression in the page.</summary>
    public JsonNode? Evaluate(string expression)
    {
        JsonObject reply = Send("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        Assert.That(reply["exceptionDetails"], Is.Null, $"{expression} threw: {reply["exceptionDetails"]?.ToJsonString()}");
        return reply["result"]!["value"];
    }

    /// <summary>A PNG of the whole page as it is now (beyond the window too), in page coordinates.</summary>
    public byte[] Screenshot()
    {
        JsonObject layout = Send("Page.getLayoutMetrics");
        JsonNode size = layout["cssContentSize"] ?? layout["contentSize"]!;
        var clip = new JsonObject
        {
            ["x"] = 0, ["y"] = 0, ["width"] = size["width"]!.GetValue<double>(), ["height"] = size["height"]!.GetValue<double>(), ["scale"] = 1,
        };
        var parameters = new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true, ["clip"] = clip };
        return Convert.FromBase64String(Send("Page.captureScreenshot", parameters)["data"]!.GetValue<string>());
    }

    /// <summary>Sends one command and waits for its result.</summary>
    public JsonObject Send(string method, JsonObject? parameters = null)
    {
        var reply = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        int id;
        lock (_replies)
        {
            id = ++_nextId;
            _replies[id] = reply;
        }
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        lock (_socket)
            _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None).Wait();
        Assert.That(reply.Task.Wait(TimeSpan.FromSeconds(60)), Is.True, $"no answer to {method}");
        JsonObject answer = reply.Task.Result;
        Assert.That(answer["error"], Is.Null, $"{method} failed: {answer["error"]?.ToJsonString()}");
        return answer["result"]?.AsObject() ?? new JsonObject();
    }

    private async Task ReadLoop()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        while (_socket.State == WebSocketState.Open)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
            }
            catch (WebSocketException)
            {
                return;
            }
            if (result.MessageType == WebSocketMessageType.Close)
                return;
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
                continue;
            var node = JsonNode.Parse(message.ToArray())!.AsObject();
            message.SetLength(0);
            if (node["id"] is { } id)
            {
                TaskCompletionSource<JsonObject>? reply;
                lock (_replies)
                    _replies.Remove(id.GetValue<int>(), out reply);
                reply?.TrySetResult(node);
                continue;
            }
            Event(node["method"]!.GetValue<string>(), node["params"]?.AsObject());
        }
    }

    private void Event(string method, JsonObject? parameters)
    {
        string? error = method switch
        {
            "Runtime.consoleAPICalled" when (string?)parameters?["type"] is "error" or "assert" =>
                "console." + parameters!["type"] + ": " + string.Join(" ", parameters["args"]!.AsArray().Select(a => a?["value"]?.ToString() ?? a?["description"]?.ToString())),
            "Runtime.exceptionThrown" => "exception: " + parameters?["exceptionDetails"]?.ToJsonString(),
            "Log.entryAdded" when (string?)parameters?["entry"]?["level"] == "error" =>
                "log: " + parameters!["entry"]!["text"] + " " + parameters["entry"]!["url"],
            _ => null,
        };
        if (error is not null)
        {
            lock (_errors)
                _errors.Add(error);
        }
        if (method == "Page.loadEventFired")
            _loaded.TrySetResult();
    }

    public void Dispose()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).Wait(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is WebSocketException or AggregateException)
        {
        }
        _socket.Dispose();
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
