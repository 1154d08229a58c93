"""`cv-site serve` against a running server: safe paths, 404s, content types, base paths, live
rebuilds announced over server-sent events, errors kept apart from the last good site."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from cv_site.build import BuildOptions
from cv_site.serve import PortInUse, Site, ignored, make_server

ROOT = Path(__file__).resolve().parent.parent
SECRET = b"TOP-SECRET-OUTSIDE-THE-SITE"


def copy_example(folder: Path) -> Path:
    (folder / "data").mkdir(parents=True)
    for name in ("site.yml", "cv.yml", "news.yml", "publications.bib"):
        shutil.copy(ROOT / "data" / name, folder / "data" / name)
    return folder


class Running:
    def __init__(self, source: Path, base_url: str | None = None, watch: bool = False):
        self.site = Site(BuildOptions(source, source / "_site", base_url, pdf=False), quiet=True)
        self.server = make_server(self.site, "127.0.0.1", 0)
        assert self.site.rebuild()
        if watch:
            self.site.start_watching()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.port = self.server.server_address[1]

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        connection.putrequest(method, path, skip_accept_encoding=True)  # the path goes out exactly as given
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def close(self) -> None:
        self.site.stop()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory):
    source = copy_example(tmp_path_factory.mktemp("serve") / "site")
    (source.parent / "secret.txt").write_bytes(SECRET)
    (source / "data" / "secret.txt").write_bytes(SECRET)
    server = Running(source)
    output = source / "_site"
    os.symlink(source.parent / "secret.txt", output / "link-out.txt")
    os.symlink(source.parent, output / "dir-out")
    (output / "empty-folder").mkdir()
    yield server
    server.close()


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/../../../../etc/passwd", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/etc/passwd",
    "/..%2fsecret.txt", "/publications/..%2f..%2fsecret.txt", "/publications/../../secret.txt",
    "/%2e%2e%5csecret.txt", "/..\\secret.txt", "/./../secret.txt", "/link-out.txt", "/dir-out/secret.txt",
    "/dir-out/site/data/secret.txt", "/%00", "/index.html%00.txt", "/%ff%fe", "//etc/passwd",
    "/.nojekyll", "/empty-folder/", "/empty-folder",
])
def test_nothing_from_outside_the_output(running: Running, path: str) -> None:
    status, _, body = running.get(path)
    assert status in (301, 403, 404), path
    assert SECRET not in body and b"root:" not in body
    if status == 301:  # only a folder inside the site redirects, and never to a listing
        status, _, body = running.get(path + "/")
        assert status == 404 and SECRET not in body


def test_no_directory_listing(running: Running) -> None:
    status, headers, body = running.get("/empty-folder/")
    assert status == 404
    assert b"Index of" not in body and b"Directory listing" not in body


def test_missing_page_gets_the_sites_404_with_status_404(running: Running) -> None:
    status, headers, body = running.get("/no/such/page/")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert (running.site.output / "404.html").read_bytes().split(b"</body>")[0] in body
    assert b"/__cv-site/livereload.js" in body


@pytest.mark.parametrize("path, kind", [
    ("/", "text/html; charset=utf-8"), ("/publications/", "text/html; charset=utf-8"),
    ("/assets/style.css", "text/css; charset=utf-8"), ("/assets/site.js", "text/javascript; charset=utf-8"),
    ("/feed.xml", "application/xml"), ("/sitemap.xml", "application/xml"), ("/robots.txt", "text/plain; charset=utf-8"),
    ("/publications.bib", "text/plain; charset=utf-8"), ("/favicon.svg", "image/svg+xml"),
])
def test_content_types_and_no_caching(running: Running, path: str, kind: str) -> None:
    status, headers, body = running.get(path)
    assert status == 200 and body
    assert headers["content-type"] == kind
    assert headers["cache-control"] == "no-store"
    assert headers["x-content-type-options"] == "nosniff"


def test_folder_without_slash_redirects_like_github_pages(running: Running) -> None:
    status, headers, _ = running.get("/publications?x=1")
    assert status == 301 and headers["location"] == "/publications/?x=1"


def test_head_has_no_body(running: Running) -> None:
    status, headers, body = running.get("/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0


def test_script_only_in_served_pages_never_in_built_files(running: Running) -> None:
    _, _, served = running.get("/")
    on_disk = (running.site.output / "index.html").read_bytes()
    assert b"/__cv-site/" in served and b"/__cv-site/" not in on_disk
    assert all(b"__cv-site" not in p.read_bytes() for p in running.site.output.rglob("*") if p.is_file())
    status, headers, script = running.get("/__cv-site/livereload.js")
    assert status == 200 and b"EventSource" in script


def test_project_site_is_served_under_its_base_path(tmp_path: Path) -> None:
    server = Running(copy_example(tmp_path / "site"), base_url="https://name.github.io/repo/")
    try:
        status, headers, _ = server.get("/")
        assert status == 302 and headers["location"] == "/repo/"
        status, _, body = server.get("/repo/")
        assert status == 200 and b'href="/repo/publications/"' in body
        status, _, _ = server.get("/repo/assets/style.css")
        assert status == 200
        assert server.get("/repo")[1]["location"] == "/repo/"
        assert server.get("/publications/")[0] == 404
        assert server.get("/repo/../repo/")[0] == 403
    finally:
        server.close()


def test_port_given_and_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        site = Site(BuildOptions(tmp_path, tmp_path / "_site"), quiet=True)
        with pytest.raises(PortInUse, match=f"port {port} .* is in use"):
            make_server(site, "127.0.0.1", port)


@pytest.mark.parametrize("name, skip", [
    ("cv.yml", False), ("publications.bib", False), (".cv.yml.swp", True), ("cv.yml~", True),
    ("4913", True), (".#cv.yml", True), ("#cv.yml#", True), ("cv.yml.tmp", True),
])
def test_editor_files_are_ignored(name: str, skip: bool) -> None:
    assert ignored(f"/site/data/{name}") is skip


class Events:
    """Reads /__cv-site/events in a thread."""

    def __init__(self, port: int):
        self.events: list[tuple[str, dict]] = []
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.connection.request("GET", "/__cv-site/events")
        self.response = self.connection.getresponse()
        assert self.response.getheader("content-type").startswith("text/event-stream")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name = None
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: ") and name:
                    self.events.append((name, json.loads(line[6:])))
                    name = None
        except (OSError, ValueError):
            pass

    def wait(self, name: str, timeout: float = 10) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index, (event, data) in enumerate(self.events):
                if event == name:
                    del self.events[: index + 1]
                    return data
            time.sleep(0.02)
        raise AssertionError(f"no {name!r} event in {timeout} s (got {self.events})")


def test_saves_rebuild_reload_show_and_clear_errors(tmp_path: Path) -> None:
    source = copy_example(tmp_path / "site")
    server = Running(source, watch=True)
    cv = source / "data" / "cv.yml"
    good = cv.read_text(encoding="utf-8")
    try:
        events = Events(server.port)
        time.sleep(0.3)
        index = source / "_site" / "index.html"
        paper = next((source / "_site" / "publications").glob("*/index.html"))
        paper_stat = paper.stat()
        cv.write_text(good.replace("bio: |", "bio: |\n    Live-edited sentence.\n", 1) if "bio: |" in good
                      else good, encoding="utf-8")
        assert "Live-edited sentence." in cv.read_text(encoding="utf-8"), "the example's bio is not a block"
        changed = events.wait("reload")["changed"]
        assert "index.html" in changed
        assert not any(path.startswith("publications/") for path in changed)
        assert b"Live-edited sentence." in index.read_bytes()
        assert paper.stat().st_mtime_ns == paper_stat.st_mtime_ns and paper.stat().st_ino == paper_stat.st_ino

        before = {p: p.read_bytes() for p in (source / "_site").rglob("*") if p.is_file()}
        cv.write_text(good.replace("person:", "person: [oops", 1), encoding="utf-8")
        problems = events.wait("problems")["problems"]
        assert any("cv.yml:" in problem for problem in problems)
        assert {p: p.read_bytes() for p in (source / "_site").rglob("*") if p.is_file()} == before
        late = Events(server.port)  # a page opened now sees the errors at once
        assert late.wait("problems")["problems"] == problems

        cv.write_text(good, encoding="utf-8")
        assert "index.html" in events.wait("reload")["changed"]
        assert server.site.state.problems is None
    finally:
        server.close()
