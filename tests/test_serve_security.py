"""`cv-site serve` against hostile clients: foreign Host names (DNS rebinding), pages of other origins
reading the event stream, silent and half-sent connections, more clients than threads, and a bug's
traceback kept out of the browser. Real sockets on 127.0.0.1."""

from __future__ import annotations

import selectors
import socket
import threading
import time
from pathlib import Path

import pytest
from test_serve import Events, Running, copy_example

from cv_site.serve_net import Hosts

INTERNAL_ERROR = ("internal error in cv-site (a bug, not a problem in your files): its details are in the "
                  "terminal where cv-site serve runs; please report them")
EVENTS_REFUSED = "403 Forbidden: the event stream of cv-site serve is for its own pages only.\n"


def refusal(port: int) -> str:
    return (f"403 Forbidden: cv-site serve answers only to requests for localhost:{port}, 127.0.0.1:{port}, "
            f"[::1]:{port} (a guard against DNS rebinding). Open one of those addresses, or restart it with "
            "--host set to the name or address to serve on.\n")


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory):
    server = Running(copy_example(tmp_path_factory.mktemp("serve-security") / "site"))
    yield server
    server.close()


def ask(port: int, head: str | bytes) -> tuple[int, dict[str, str], bytes]:
    """Send a raw request, read the answer to its end (the server closes every connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(head.encode() if isinstance(head, str) else head)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head_part, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head_part.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


def get(port: int, host: str | None, path: str = "/", extra: str = "") -> tuple[int, dict[str, str], bytes]:
    host_line = f"Host: {host}\r\n" if host is not None else ""
    return ask(port, f"GET {path} HTTP/1.1\r\n{host_line}{extra}\r\n")


FOREIGN_HOSTS = ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example", "127.0.0.1.evil.example:{port}",
                 "localhost.evil.example:{port}", "", "localhost", "127.0.0.1", "localhost:{other}",
                 "127.0.0.1:{other}", "[::1]", "192.168.1.20:{port}", "localhost.:{port}", "localhost:{port}.evil",
                 "evil@localhost:{port}", "localhost :{port}", "[::2]:{port}", "0x7f.0.0.1:{port}"]


@pytest.mark.parametrize("host", FOREIGN_HOSTS)
def test_a_foreign_host_is_refused(running: Running, host: str) -> None:
    port = running.port
    status, headers, body = get(port, host.format(port=port, other=port + 1))
    assert status == 403
    assert body.decode() == refusal(port)
    assert headers["content-type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize("request_text", [
    "GET / HTTP/1.0\r\n\r\n",  # HTTP/1.0 sends no Host
    "GET / HTTP/1.1\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\n\r\n",
    "HEAD / HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: evil.example:{port}\r\nContent-Length: 0\r\n\r\n",
    "GET /__cv-site/events HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n",
    "GET /__cv-site/livereload.js HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n",
])
def test_no_host_or_a_foreign_one_is_refused_for_every_request(running: Running, request_text: str) -> None:
    status, _, body = ask(running.port, request_text.format(port=running.port))
    assert status == 403
    assert body == (b"" if request_text.startswith("HEAD") else refusal(running.port).encode())


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}", "[::1]:{port}"])
def test_the_servers_own_names_are_answered(running: Running, host: str) -> None:
    status, _, body = get(running.port, host.format(port=running.port))
    assert status == 200
    assert body == running.site.inject((running.site.output / "index.html").read_bytes(), "index.html")


@pytest.mark.parametrize("host, allowed", [
    ("192.168.1.20:8000", True), ("10.0.0.7:8000", True), ("[fe80::1]:8000", True), ("0.0.0.0:8000", True),
    ("localhost:8000", True), (f"{socket.gethostname()}:8000", True), (f"{socket.gethostname()}.local:8000", True),
    ("192.168.1.20:8001", False), ("192.168.1.20", False), ("192.168.1.20.evil.example:8000", False),
    ("evil.example:8000", False), ("[192.168.1.20]:8000", False), ("fe80::1:8000", False), ("", False),
])
def test_on_every_interface_any_ip_address_of_the_machine_is_answered(host: str, allowed: bool) -> None:
    """--host 0.0.0.0: a phone on the LAN opens http://<the machine's IP>:8000/ (an IP address
    cannot be rebound, a name can)."""
    assert Hosts.serving("0.0.0.0", 8000).allows(host) is allowed


def test_on_one_interface_its_address_and_the_machines_name_are_answered() -> None:
    hosts = Hosts.serving("192.168.1.20", 8000)
    assert hosts.names == ("localhost", "127.0.0.1", "[::1]", "192.168.1.20", socket.gethostname().lower(),
                           socket.gethostname().lower() + ".local")
    assert hosts.allows("192.168.1.20:8000") and not hosts.allows("10.0.0.7:8000")
    assert Hosts.serving("::1", 8000).names == ("localhost", "127.0.0.1", "[::1]")
    assert Hosts.serving("0.0.0.0", 8000).refusal().startswith(
        "403 Forbidden: cv-site serve answers only to requests for localhost:8000, 127.0.0.1:8000, [::1]:8000, "
        "0.0.0.0:8000, ")
    assert "any IP address of this machine with port 8000 (a guard" in Hosts.serving("0.0.0.0", 8000).refusal()


def test_on_port_80_the_host_comes_without_a_port() -> None:
    hosts = Hosts.serving("127.0.0.1", 80)
    assert all(hosts.allows(host) for host in ("localhost", "localhost:80", "127.0.0.1", "[::1]"))
    assert not any(hosts.allows(host) for host in ("localhost:8080", "evil.example", "[::1]:8080", "::1"))


def open_stream(port: int, origin: str | None = None) -> socket.socket:
    """An event stream, read up to its first message."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    origin_line = f"Origin: {origin}\r\n" if origin else ""
    connection.sendall(f"GET /__cv-site/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{origin_line}\r\n".encode())
    received = b""
    while b"retry: 500" not in received:
        chunk = connection.recv(4096)
        assert chunk, received
        received += chunk
    assert received.startswith(b"HTTP/1.1 200 ") and b"Content-Type: text/event-stream" in received
    return connection


@pytest.mark.parametrize("origin", [
    "http://evil.example", "http://evil.example:{port}", "null", "https://127.0.0.1:{port}", "http://127.0.0.1:{other}",
    "http://localhost:3000", "http://127.0.0.1.evil.example:{port}", "",
])
def test_the_event_stream_refuses_other_origins(running: Running, origin: str) -> None:
    port = running.port
    status, _, body = get(port, f"127.0.0.1:{port}", "/__cv-site/events",
                          f"Origin: {origin.format(port=port, other=port + 1)}\r\n")
    assert status == 403 and body.decode() == EVENTS_REFUSED


@pytest.mark.parametrize("origin", ["http://127.0.0.1:{port}", "http://localhost:{port}", None])
def test_the_event_stream_answers_its_own_pages(running: Running, origin: str | None) -> None:
    """Chromium sends no Origin for its page's own origin (test_serve_browser.py checks)."""
    open_stream(running.port, origin.format(port=running.port) if origin else None).close()


def test_every_response_closes_its_connection(running: Running) -> None:
    """No idle keep-alive connection ever holds a thread."""
    status, headers, _ = get(running.port, f"127.0.0.1:{running.port}", extra="Connection: keep-alive\r\n")
    assert status == 200 and headers["connection"] == "close"  # and `ask` read to the end: it was closed


def closed(connection: socket.socket) -> bool:
    try:
        return connection.recv(1) == b""
    except ConnectionResetError:
        return True


def closed_now(connections: list[socket.socket]) -> int:
    """How many of the connections the server has closed already (each asked nothing: the only thing
    a connection can read is its end)."""
    with selectors.DefaultSelector() as selector:
        for connection in connections:
            selector.register(connection, selectors.EVENT_READ)
        return len(selector.select(timeout=0))


def wait_all_closed(connections: list[socket.socket], within: float) -> float:
    """Seconds until the server closed every connection; fails after `within` seconds."""
    started = time.monotonic()
    selector = selectors.DefaultSelector()
    for connection in connections:
        selector.register(connection, selectors.EVENT_READ)
    open_ = len(connections)
    while open_ and time.monotonic() - started < within:
        for key, _ in selector.select(timeout=0.5):
            assert closed(key.fileobj), "the server sent something to a connection that asked nothing"
            selector.unregister(key.fileobj)
            open_ -= 1
    selector.close()
    assert open_ == 0, f"{open_} of {len(connections)} connections still open after {within} s"
    return time.monotonic() - started


def test_half_open_connections_hold_no_thread_and_are_closed_within_seconds(running: Running) -> None:
    port = running.port
    running.server.head_timeout = timeout = 1.0  # the gate's 5 s, shortened: the same rule, a shorter wait
    threads_before = threading.active_count()
    starts = [b"", b"GET / HT", f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode()]
    held = []
    try:
        first_opened = time.monotonic()
        for number in range(300):
            connection = socket.create_connection(("127.0.0.1", port), timeout=5)
            connection.sendall(starts[number % 3])
            held.append(connection)
            if number % 100 == 99:
                # A client is served meanwhile, and its answer means the server has accepted all before
                # it: 300 connections at once from this process could outrun the accepting thread, and
                # the kernel would drop those past the listen queue (128) for a retry a second later.
                assert get(port, f"127.0.0.1:{port}")[0] == 200
        assert closed_now(held) == 0  # the clients were served while the 300 were held
        assert threading.active_count() <= threads_before + 1
        wait_all_closed(held, within=timeout + 3)
        assert time.monotonic() - first_opened >= timeout  # held until the timeout, not dropped at once
    finally:
        running.server.head_timeout = type(running.server).head_timeout
        for connection in held:
            connection.close()


def test_when_too_many_wait_the_oldest_is_dropped_and_new_clients_are_served(running: Running) -> None:
    port = running.port
    running.server.max_waiting = 10
    held = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(30)]
    try:
        started = time.monotonic()
        assert get(port, f"127.0.0.1:{port}")[0] == 200
        wait_all_closed(held[:20], within=2)  # well before the 5 s timeout
        assert time.monotonic() - started < running.server.head_timeout
    finally:
        running.server.max_waiting = type(running.server).max_waiting
        for connection in held:
            connection.close()


def test_a_request_head_over_64_kib_is_refused(running: Running) -> None:
    status, _, body = ask(running.port, b"GET /" + b"a" * 65532)  # 65,537 bytes, no end of the head
    assert status == 431 and body == b"Request header too large.\n"


def test_more_requests_than_threads_get_503_and_a_gone_browsers_stream_ends(tmp_path: Path) -> None:
    server = Running(copy_example(tmp_path / "site"))
    server.server.max_handlers = 2
    streams = [open_stream(server.port), open_stream(server.port)]  # each holds a thread
    try:
        assert server.server.handling == 2
        status, _, body = get(server.port, f"127.0.0.1:{server.port}")
        assert status == 503 and body == b"cv-site serve is busy with 2 requests; try again.\n"
        streams.pop().close()  # the tab is closed
        deadline = time.monotonic() + 5
        while server.server.handling > 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.server.handling == 1
        assert get(server.port, f"127.0.0.1:{server.port}")[0] == 200
    finally:
        for stream in streams:
            stream.close()
        server.close()


def test_a_bugs_traceback_goes_to_the_terminal_never_to_the_browser(tmp_path: Path, capfd) -> None:
    server = Running(copy_example(tmp_path / "site"))
    server.site.quiet = False
    secret_path = str(Path(__file__).resolve().parent.parent / "cv_site" / "render.py")

    def broken_build(changed=None):
        raise RuntimeError(f"a bug at {secret_path}")

    try:
        events = Events(server.port)
        server.site.builder.build = broken_build
        assert server.site.rebuild() is False
        assert events.wait("problems") == {"problems": [INTERNAL_ERROR]}
        assert Events(server.port).wait("problems") == {"problems": [INTERNAL_ERROR]}  # a page opened later
        terminal = capfd.readouterr().err
        assert terminal.startswith("internal error (please report it, with this traceback):\nTraceback")
        assert f"RuntimeError: a bug at {secret_path}\nthe last good site is still served." in terminal
    finally:
        server.close()
