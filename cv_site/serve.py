"""`cv-site serve`: build, serve the output on 127.0.0.1, rebuild on every save, reload the browser.

- One `Builder` (build.py) for the whole session: after a save only what changed is loaded,
  rendered and written (see build.py), so a rebuild takes milliseconds.
- Watching: `watchfiles` on the site's data/, templates/ and static/ (and the built-in theme's when
  running from a checkout); editor swap and backup files are ignored; changes are grouped (an
  editor's atomic save is several events) and built once.
- Reloading: every HTML page is served with a small script (cv_site/livereload.js; only here, never
  in built files) that listens to server-sent events at /__cv-site/events: `reload` lists the output
  files a build changed (a page reloads when it or an asset changed), `problems` carries the errors
  of a failed build (shown over every open page; the last good site stays served), `ok` clears them.
- Safety: files only from inside the output folder (no `..`, encoded or not; no symlink leading
  out: 403), no directory listings (a folder without index.html is a 404), the site's 404.html with
  status 404, `Cache-Control: no-store`, 127.0.0.1 unless --host says otherwise; a foreign Host or a
  slow client is dealt with by serve_net.py; the event stream answers no page of another origin; the
  overlay shows a bug as one line, its traceback goes to the terminal only.
- A project site (`https://name.github.io/repo/`) is served under /repo/, as on GitHub Pages.
"""

from __future__ import annotations

import errno
import json
import mimetypes
import os
import sys
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cv_site.build import Builder, BuildOptions
from cv_site.errors import UserError
from cv_site.serve_net import GuardedHandler, Server

PREFIX = "/__cv-site/"
EVENTS = PREFIX + "events"
SCRIPT = PREFIX + "livereload.js"
SCRIPT_FILE = Path(__file__).with_name("livereload.js")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
DEFAULT_PORT = 8000
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".bib": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/vnd.microsoft.icon",
    ".woff2": "font/woff2",
}
INTERNAL_ERROR = ("internal error in cv-site (a bug, not a problem in your files): its details are in the "
                  "terminal where cv-site serve runs; please report them")
EVENTS_REFUSED = "403 Forbidden: the event stream of cv-site serve is for its own pages only.\n"
STREAM_CHECK = 2  # seconds between checks that an event stream's browser is still there
KEEP_ALIVE = 15  # seconds of silence after which an event stream sends a comment
# Editors' temporary, swap and backup files: never a reason to rebuild.
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak", ".orig", ".part", ".crdownload")


def ignored(path: str) -> bool:
    name = os.path.basename(path)
    return (name.startswith((".#", ".~")) or (name.startswith("#") and name.endswith("#"))
            or name.endswith(IGNORED_SUFFIXES) or name == "4913" or name.startswith(".goutputstream")
            or name.startswith(".") and name.endswith(".swp") or name == ".DS_Store")


@dataclass
class _State:
    """What the browsers are told: a growing list of events, and the current errors."""

    lock: threading.Condition = field(default_factory=threading.Condition)
    events: deque = field(default_factory=lambda: deque(maxlen=100))  # (number, event name, JSON data)
    last: int = 0  # number of the newest event
    problems: list[str] | None = None  # the errors of the last build, None after a good one
    closing: bool = False

    def publish(self, name: str, data: dict) -> None:
        with self.lock:
            self.last += 1
            self.events.append((self.last, name, json.dumps(data, ensure_ascii=False)))
            self.lock.notify_all()


class Site:
    """The served site: builds it, rebuilds it on change, and tells the browsers."""

    def __init__(self, options: BuildOptions, *, quiet: bool = False):
        self.options = options
        self.builder = Builder(options)
        self.state = _State()
        self.output = Path(os.path.abspath(options.output))
        self.base_path = "/"
        self.quiet = quiet
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    # building
    def rebuild(self) -> bool:
        started = time.perf_counter()
        try:
            result = self.builder.build()
        except UserError as error:
            problems = [str(p) for p in error.problems if p.severity == "error"] or [error.report()]
            self.state.problems = problems
            self.state.publish("problems", {"problems": problems})
            self._say(error.report().replace("nothing was written.", "the last good site is still served."))
            return False
        except Exception:  # a bug: keep serving; the traceback to the terminal only, never to a browser
            self.state.problems = [INTERNAL_ERROR]
            self.state.publish("problems", {"problems": [INTERNAL_ERROR]})
            self._say(f"internal error (please report it, with this traceback):\n{traceback.format_exc()}"
                      "the last good site is still served.")
            return False
        self._set_base(result.site)
        had_problems = self.state.problems is not None
        self.state.problems = None
        if result.changed:
            self.state.publish("reload", {"changed": list(result.changed)})
        elif had_problems:
            self.state.publish("ok", {})
        elapsed = (time.perf_counter() - started) * 1000
        self._say(f"{time.strftime('%H:%M:%S')} rebuilt: {result.rendered} rendered, "
                  f"{len(result.changed)} files changed ({elapsed:.0f} ms)")
        for warning in result.pdf_warnings:  # a CV grown past its max_pages, as it happens
            self._say(str(warning))
        return True

    def _set_base(self, site) -> None:
        from cv_site.site.pages import base_parts

        self.base_path = base_parts(self.options.base_url if self.options.base_url is not None else site.settings.url)[1]

    def _say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=sys.stderr, flush=True)

    # watching
    def watched(self) -> list[Path]:
        from cv_site.theme import THEME_DIR

        source = Path(self.options.source)
        folders = [source / "data", source / "templates", source / "static"]
        if (THEME_DIR / "pyproject.toml").is_file():  # running from a checkout: the theme is editable
            folders += [THEME_DIR / "templates", THEME_DIR / "static"]
        unique: dict[Path, Path] = {}
        for folder in folders:
            if folder.is_dir():
                unique.setdefault(folder.resolve(), folder)
        return list(unique)

    def start_watching(self) -> None:
        self._watcher = threading.Thread(target=self._watch, name="cv-site-watch", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        import watchfiles

        output = str(self.output) + os.sep

        def wanted(change: watchfiles.Change, path: str) -> bool:
            return not ignored(path) and not path.startswith(output) and not os.path.isdir(path)

        for changes in watchfiles.watch(*self.watched(), watch_filter=wanted, debounce=400, step=20,
                                        stop_event=self._stop, yield_on_timeout=False, raise_interrupt=False):
            if self._stop.is_set():
                break
            self.rebuild()

    def stop(self) -> None:
        self._stop.set()
        with self.state.lock:
            self.state.closing = True
            self.state.lock.notify_all()

    # serving
    def resolve(self, url_path: str) -> tuple[int, Path | None, str]:
        """(status, file, redirect) for a URL path: 200 with a file, 301/302 with a location,
        403 for paths that leave the output folder, 404 otherwise."""
        base = self.base_path
        if not url_path.startswith(base):
            if url_path in ("/", "/index.html") or url_path + "/" == base:
                return 302, None, base
            return 404, None, ""
        relative = unquote(url_path[len(base):], errors="strict")
        if "\0" in relative or "\\" in relative:
            return 403, None, ""
        parts = relative.split("/")
        if any(part in ("..", ".") for part in parts):
            return 403, None, ""
        root = os.path.realpath(self.output)
        target = os.path.join(root, *[p for p in parts if p])
        real = os.path.realpath(target)
        if real != root and not real.startswith(root + os.sep):
            return 403, None, ""  # a symlink that leads out
        if os.path.isdir(real):
            if not url_path.endswith("/"):
                return 301, None, url_path + "/"
            real = os.path.join(real, "index.html")
        if not os.path.isfile(real):
            return 404, None, ""
        if any(part.startswith(".") for part in parts if part):
            return 404, None, ""  # .nojekyll, .git: not part of the site
        return 200, Path(real), ""

    def page_file(self, path: Path) -> str:
        return path.relative_to(os.path.realpath(self.output)).as_posix()

    def inject(self, html: bytes, page: str) -> bytes:
        tag = (f'<script src="{SCRIPT}" data-events="{EVENTS}" data-page="{page}" defer></script>').encode()
        index = html.rfind(b"</body>")
        return html[:index] + tag + html[index:] if index >= 0 else html + tag

    def events(self, handler: "_Handler") -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream; charset=utf-8")
        handler.send_header("Cache-Control", "no-store")
        handler.send_header("Connection", "close")
        handler.end_headers()
        state = self.state
        with state.lock:
            seen = state.last
            problems = state.problems
        first = "retry: 500\n\n"
        if problems:
            first += "event: problems\ndata: " + json.dumps({"problems": problems}, ensure_ascii=False) + "\n\n"
        try:
            handler.wfile.write(first.encode())
            written = time.monotonic()
            while True:
                with state.lock:
                    if not state.closing and state.last <= seen:
                        state.lock.wait(timeout=STREAM_CHECK)
                    if state.closing:
                        return
                    new = [event for event in state.events if event[0] > seen]
                    seen = state.last
                if new:
                    message = "".join(f"event: {name}\ndata: {data}\n\n" for _, name, data in new)
                elif handler.client_gone():
                    return
                elif time.monotonic() - written >= KEEP_ALIVE:
                    message = ": keep-alive\n\n"
                else:
                    continue
                handler.wfile.write(message.encode())
                written = time.monotonic()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
            return


class _Handler(GuardedHandler):
    server_version = "cv-site"
    site: Site  # set on the subclass made by `make_server`

    def do_GET(self) -> None:
        path = urlsplit(self.path).path or "/"
        if path == EVENTS:
            origin = self.headers.get("Origin")  # browsers send none for their page's own origin
            if origin is not None and not self.server.hosts.allows_origin(origin):
                return self.send_text(403, EVENTS_REFUSED)
            return self.site.events(self)
        if path == SCRIPT:
            return self.send(200, SCRIPT_FILE.read_bytes(), CONTENT_TYPES[".js"])
        try:
            status, file, location = self.site.resolve(path)
        except UnicodeDecodeError:
            status, file, location = 404, None, ""
        if status in (301, 302):
            query = urlsplit(self.path).query
            return self.send(status, b"", "text/plain; charset=utf-8", location + ("?" + query if query else ""))
        if status == 200 and file is not None:
            data = file.read_bytes()
            suffix = file.suffix.lower()
            kind = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if suffix == ".html":
                data = self.site.inject(data, self.site.page_file(file))
            return self.send(200, data, kind)
        missing = self.site.output / "404.html"
        if status == 404 and missing.is_file():
            page = missing.read_bytes()
        else:
            page = (f"<!doctype html><html lang=en><meta charset=utf-8><title>{status}</title>"
                    f"<body><h1>{status} {'Forbidden' if status == 403 else 'Not found'}</h1></body></html>").encode()
        return self.send(status, self.site.inject(page, "*"), CONTENT_TYPES[".html"])

    do_HEAD = do_GET  # `send` leaves the body out


class PortInUse(Exception):
    pass


def make_server(site: Site, host: str = "127.0.0.1", port: int | None = None) -> Server:
    """Bind `host:port`; without a port, the first free one from 8000 (then any)."""
    handler = type("Handler", (_Handler,), {"site": site})
    candidates = [port] if port is not None else [*range(DEFAULT_PORT, DEFAULT_PORT + 20), 0]
    for candidate in candidates:
        try:
            return Server((host, candidate), handler)
        except OSError as error:
            if error.errno != errno.EADDRINUSE or port is not None:
                if port is not None and error.errno == errno.EADDRINUSE:
                    raise PortInUse(f"port {port} on {host} is in use (another cv-site serve?): pass another "
                                    "--port, or leave --port out to take the next free one") from None
                raise
    raise PortInUse("no free port")  # pragma: no cover: port 0 always gives one


def serve(options: BuildOptions, host: str = "127.0.0.1", port: int | None = None, open_browser: bool = False) -> int:
    site = Site(options)
    try:
        server = make_server(site, host, port)
    except PortInUse as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if host not in LOCAL_HOSTS:
        reach = (f"; they open http://<this machine's IP address>:{server.server_address[1]}/"
                 if server.hosts.any_address else "")
        print(f"warning: serving on {host}: other machines on the network can see the site "
              f"(the default, 127.0.0.1, is this machine only){reach}", file=sys.stderr)
    site.rebuild()
    site.start_watching()
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{server.server_address[1]}{site.base_path}"
    print(f"serving {site.output} at {url}  (Ctrl-C to stop)", flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        print("\nstopped", file=sys.stderr)
    finally:
        site.stop()
        server.server_close()
    return 0
