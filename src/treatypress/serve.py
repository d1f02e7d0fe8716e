"""``treatypress serve``: the web edition on localhost, rebuilt and reloaded as the author saves.

- watchfiles (Rust ``notify``: inotify, FSEvents, ...) reports saved files, so there is no
  polling loop here; its debounce is shortened from 1.6 s to 50 ms so that the page follows a
  save within half a second;
- the web edition is rebuilt in this process (the modules stay imported, so a small book takes
  tens of milliseconds) and the page is told to reload by a server-sent event;
- the PDF preview is built in a child process (WeasyPrint would otherwise hold the interpreter
  lock and delay the next web rebuild), restarted when a newer save arrives, and linked from
  the page;
- a build with errors keeps the last good book on screen, with the located problems above it.

The server binds 127.0.0.1 only: a draft is nobody else's business.
"""

from __future__ import annotations

import html
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from watchfiles import Change, DefaultFilter, watch

from .build import BuildOptions, build
from .cache import FOLDER
from .diagnostics import BuildFailed, Diagnostic, Severity

HOST = "127.0.0.1"
# watchfiles waits this long for more changes before reporting a batch (an editor's save can be
# several writes); its default, 1600 ms, would make the page lag a save by well over a second
DEBOUNCE_MS = 50
# watchfiles yields an empty batch after this long without changes; the first one tells that
# the watches are in place (it has no "ready" callback), the later ones are ignored
READY_MS = 300
KEEPALIVE_S = 15.0  # a comment line on the event stream, so proxies and browsers keep it open


@dataclass
class Preview:
    """What the page shows, shared by the watcher, the PDF builder and the request handlers."""

    root: Path
    out: Path  # a temporary folder: web/ (the last good web edition) and pdf/ (the preview)
    generation: int = 0  # bumped after every web rebuild, good or bad; the page reloads on it
    html_name: str = ""  # the web edition's file in out/web; "" until a build has succeeded
    problems: tuple[Diagnostic, ...] = ()  # of the latest build (errors mean it was not shown)
    pdf_state: str = "building"  # building, ready or failed
    pdf_problems: str = ""  # the PDF build's messages when it failed
    changed: threading.Condition = field(default_factory=threading.Condition)
    _pdf_process: subprocess.Popen[str] | None = None
    # One web build at a time: the first build (main thread) and a save seen by the watcher may
    # overlap, and two builds writing the same folder would make one fail (out-write-failed)
    _building: threading.Lock = field(default_factory=threading.Lock)

    def rebuild_web(self) -> None:
        with self._building:
            self._rebuild_web()

    def _rebuild_web(self) -> None:
        try:
            result = build(self.root, BuildOptions(formats=("html",), out_dir=self.out / "web"))
            problems = result.diagnostics
            names = [p.name for p in result.written if p.suffix == ".html"]
            html_name = names[0] if names else self.html_name
        except BuildFailed as failed:
            problems, html_name = failed.diagnostics, self.html_name
        with self.changed:
            self.problems, self.html_name = problems, html_name
            self.generation += 1
            self.changed.notify_all()

    def rebuild_pdf(self) -> None:
        """(Re)start the PDF build in a child process; a newer save cancels an older build."""
        old, self._pdf_process = self._pdf_process, None  # so that its waiter knows it was cancelled
        if old is not None and old.poll() is None:
            old.kill()
            old.wait()
        with self.changed:
            self.pdf_state = "building"
            self.changed.notify_all()
        command = [
            sys.executable,
            "-m",
            "treatypress",
            "build",
            str(self.root),
            "--format",
            "pdf",
            "--out",
            str(self.out / "pdf"),
            "--quiet",
        ]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self._pdf_process = process
        threading.Thread(target=self._await_pdf, args=(process,), daemon=True).start()

    def _await_pdf(self, process: subprocess.Popen[str]) -> None:
        _, err = process.communicate()
        if process is not self._pdf_process:  # cancelled by a newer save
            return
        with self.changed:
            self.pdf_state = "ready" if process.returncode == 0 else "failed"
            self.pdf_problems = err if process.returncode else ""
            self.changed.notify_all()

    def stop(self) -> None:
        if self._pdf_process is not None and self._pdf_process.poll() is None:
            self._pdf_process.kill()
            self._pdf_process.wait()

    def pdf_path(self) -> Path | None:
        found = sorted((self.out / "pdf").glob("*.pdf"))
        return found[0] if found else None

    def page(self) -> bytes:
        """The last good web edition with the live-reload script and the status bar added."""
        with self.changed:
            name, generation = self.html_name, self.generation
            problems, pdf_state, pdf_problems = self.problems, self.pdf_state, self.pdf_problems
        text = (self.out / "web" / name).read_text(encoding="utf-8") if name else _EMPTY
        bar = _status_bar(problems, pdf_state, pdf_problems, shown=bool(name), generation=generation)
        head, body_end = text.rfind("</head>"), text.rfind("</body>")
        if body_end < 0 or head < 0:
            return (text + bar).encode()
        return (text[:head] + _STYLE + text[head:body_end] + bar + _SCRIPT + text[body_end:]).encode()


def serve(root: Path, port: int) -> int:
    if not root.is_dir():
        print(
            f"{root}: error [no-book] no such folder\n  hint: treatypress new {root} starts a book there",
            file=sys.stderr,
        )
        return 1
    root = root.resolve()
    out = Path(tempfile.mkdtemp(prefix="treatypress-serve-"))
    preview = Preview(root, out)
    try:
        server = ThreadingHTTPServer((HOST, port), _handler(preview))
    except OSError as exc:
        print(
            f"error [serve-port] cannot listen on {HOST}:{port}: {exc.strerror}\n"
            "  hint: choose another port with --port N (0 picks a free one)",
            file=sys.stderr,
        )
        shutil.rmtree(out, ignore_errors=True)
        return 1
    server.daemon_threads = True
    stop, ready = threading.Event(), threading.Event()
    # watching starts before the first build, so that no save made from now on is missed
    threading.Thread(target=_watch, args=(preview, stop, ready), daemon=True).start()
    ready.wait()
    preview.rebuild_web()
    for problem in preview.problems:
        print(problem.format(), file=sys.stderr)
    preview.rebuild_pdf()
    print(
        f"treatypress: serving {root} at http://{HOST}:{server.server_address[1]}/ "
        "(the page follows your saves; Ctrl-C stops)",
        file=sys.stderr,
        flush=True,
    )
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops as cleanly as Ctrl-C
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\ntreatypress: stopped", file=sys.stderr)
    finally:
        stop.set()
        with preview.changed:
            preview.changed.notify_all()
        server.server_close()
        preview.stop()
        shutil.rmtree(out, ignore_errors=True)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class _BookFilter(DefaultFilter):
    """Every file of the book except its outputs (and editors' and VCS's, as DefaultFilter)."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.dist = str(root / "dist")
        self.cache = str(root / FOLDER)  # the build cache: written by the builds themselves

    def __call__(self, change: Change, path: str) -> bool:
        # a `treatypress build` run beside the server writes dist/ through a staging folder
        outputs = path.startswith((self.dist, self.cache)) or ".treatypress-staging-" in path
        return not outputs and bool(super().__call__(change, path))


def _watch(preview: Preview, stop: threading.Event, ready: threading.Event) -> None:
    # yield_on_timeout: the first (empty) batch says the watches are in place
    for changes in watch(
        preview.root,
        watch_filter=_BookFilter(preview.root),
        debounce=DEBOUNCE_MS,
        step=10,
        stop_event=stop,
        raise_interrupt=False,
        rust_timeout=READY_MS,
        yield_on_timeout=True,
    ):
        ready.set()
        if not changes:
            continue
        if any(path.endswith(".csl") for _, path in changes):
            # what a style file says (note style or not) is read once per process; an edit must be seen
            from .bibliography.styles import find_style

            find_style.cache_clear()
        preview.rebuild_web()
        for problem in preview.problems:
            print(problem.format(), file=sys.stderr)
        preview.rebuild_pdf()


def _handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = unquote(urlparse(self.path).path)
            if path in ("/", "/index.html"):
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", preview.page())
            elif path == "/events":
                since = parse_qs(urlparse(self.path).query).get("since", [""])[0]
                self._events(int(since) if since.isdigit() else None)
            elif path == "/status":
                with preview.changed:
                    status = {
                        "generation": preview.generation,
                        "pdf": preview.pdf_state,
                        "errors": sum(p.severity is Severity.ERROR for p in preview.problems),
                    }
                self._send(HTTPStatus.OK, "application/json", json.dumps(status).encode())
            elif path == "/preview.pdf":
                pdf = preview.pdf_path()
                if pdf is None:
                    self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"the PDF is being built")
                else:
                    self._send(HTTPStatus.OK, "application/pdf", pdf.read_bytes())
            else:
                self._file(preview.out / "web", path.lstrip("/"))

        def _file(self, folder: Path, rel: str) -> None:
            target = (folder / rel).resolve()
            if not target.is_relative_to(folder.resolve()) or not target.is_file():
                self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found")
                return
            import mimetypes

            kind, _ = mimetypes.guess_type(target.name)
            self._send(HTTPStatus.OK, kind or "application/octet-stream", target.read_bytes())

        def _events(self, since: int | None) -> None:
            """Server-sent events: 'reload' after each web rebuild, 'pdf' when the preview changes.
            ``since`` is the generation the page shows: a rebuild that finished while the page
            was loading, before this stream opened, still reloads it."""
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            with preview.changed:
                seen, pdf = (preview.generation if since is None else since), preview.pdf_state
            try:
                while True:
                    with preview.changed:
                        preview.changed.wait_for(_news(preview, seen, pdf), timeout=KEEPALIVE_S)
                        generation, pdf_now = preview.generation, preview.pdf_state
                    if generation != seen:
                        message = f"event: reload\ndata: {generation}\n\n"
                    elif pdf_now != pdf:
                        message = f"event: pdf\ndata: {pdf_now}\n\n"
                    else:
                        message = ": still here\n\n"
                    seen, pdf = generation, pdf_now
                    self.wfile.write(message.encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

        def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")  # a reload must show the new book
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per request would bury the book's problems

    return Handler


def _news(preview: Preview, seen: int, pdf: str) -> Callable[[], bool]:
    """Whether the page has something new to hear: a rebuild, or a change of the PDF preview."""
    return lambda: preview.generation != seen or preview.pdf_state != pdf


def _status_bar(
    problems: tuple[Diagnostic, ...], pdf_state: str, pdf_problems: str, *, shown: bool, generation: int
) -> str:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    items = "".join(f"<li class='tp-{p.severity.value}'><code>{html.escape(p.format())}</code></li>" for p in problems)
    if errors:
        verdict = (
            "The last save has errors; the book below is the last one that built."
            if shown
            else "The book has errors and has not built yet."
        )
    elif problems:
        verdict = "Built, with warnings."
    else:
        verdict = "Built."
    pdf_text = {
        "building": "PDF preview: building…",
        "ready": "PDF preview",
        "failed": "PDF preview: failed (see below)",
    }[pdf_state]
    pdf_link = (
        f"<a id='tp-pdf' href='/preview.pdf' target='_blank'>{pdf_text}</a>"
        if pdf_state == "ready"
        else f"<span id='tp-pdf'>{pdf_text}</span>"
    )
    pdf_errors = f"<pre>{html.escape(pdf_problems)}</pre>" if pdf_problems else ""
    return (
        f"<aside id='treatypress-status' data-generation='{generation}' "
        f"class='{'tp-failed' if errors else 'tp-ok'}'><p>{verdict} {pdf_link}</p>"
        f"{'<ul>' + items + '</ul>' if items else ''}{pdf_errors}</aside>"
    )


_EMPTY = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>treatypress</title></head><body></body></html>"
_STYLE = """<style>
#treatypress-status { position: sticky; top: 0; z-index: 10; font: 14px/1.4 sans-serif; margin: 0;
  padding: .4em 1em; background: #eef6ee; border-bottom: 1px solid #9c9; }
#treatypress-status.tp-failed { background: #fdeeee; border-bottom-color: #c99; }
#treatypress-status ul { margin: .3em 0; padding-left: 1.2em; }
#treatypress-status code, #treatypress-status pre { white-space: pre-wrap; }
</style>
"""
# Reload on every rebuild, keeping the reader's place; show the PDF link once it is ready
_SCRIPT = """<script>
(function () {
  var y = sessionStorage.getItem("treatypress-scroll");
  if (y !== null) { window.scrollTo(0, +y); sessionStorage.removeItem("treatypress-scroll"); }
  var shown = document.getElementById("treatypress-status").getAttribute("data-generation");
  var events = new EventSource("/events?since=" + shown);
  events.addEventListener("reload", function () {
    sessionStorage.setItem("treatypress-scroll", String(window.scrollY));
    location.reload();
  });
  events.addEventListener("pdf", function (e) {
    var link = document.getElementById("tp-pdf");
    if (e.data === "ready") { link.outerHTML = "<a id='tp-pdf' href='/preview.pdf' target='_blank'>PDF preview</a>"; }
    else if (e.data === "failed") { location.reload(); }
    else { link.outerHTML = "<span id='tp-pdf'>PDF preview: building\\u2026</span>"; }
  });
})();
</script>
"""
