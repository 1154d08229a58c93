"""The network side of `cv-site serve`: which requests it answers, and how long a client may take.

- Host check, against DNS rebinding (as Vite and webpack-dev-server do): a page on another site can
  make its own name resolve to 127.0.0.1 and then read this server as if it were its own, but the
  browser still sends that name in `Host`. So only the names this server is reached by are answered
  (localhost, 127.0.0.1, [::1] and the --host address, each with this server's port); others get 403.
- No thread per connection: one thread (the gate) holds every new connection until its request head
  has arrived, and closes those that have not sent it within 5 s; at most 64 requests are handled at
  once (an event stream is one; more get a quick 503); a response closes its connection, so no idle
  keep-alive connection holds a thread; the listen backlog is 128 (Python's default is 5).
"""

from __future__ import annotations

import http.server
import io
import ipaddress
import os
import queue
import re
import selectors
import socket
import sys
import threading
import time
from dataclasses import dataclass, field

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
EVERY_INTERFACE = ("0.0.0.0", "::", "")
HEAD_END = re.compile(rb"\r?\n\r?\n")  # the blank line after the headers (http.server accepts bare \n)
MAX_HEAD = 65536
QUIET_ERRORS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


@dataclass(frozen=True)
class Hosts:
    """The `Host` values this server answers: allowed names, each with the server's port."""

    names: tuple[str, ...]  # lower case, IPv6 addresses in brackets as in a Host header
    port: int
    any_address: bool = False  # bound to every interface: any IP address of this machine

    @classmethod
    def serving(cls, host: str, port: int) -> Hosts:
        bound = (f"[{host}]" if ":" in host else host).lower()
        names = list(LOOPBACK_NAMES)
        if bound not in LOOPBACK_NAMES:
            # Served to the network: a user on the LAN opens http://<the bound IP>:<port>/ (with
            # --host 0.0.0.0, any IP address of this machine), or the machine's own name.
            machine = socket.gethostname().lower()
            on_lan = [machine] if "." in machine else [machine, machine + ".local"]  # .local: mDNS
            names += [name for name in (bound, *on_lan) if name and name not in names]
        return cls(tuple(names), port, host in EVERY_INTERFACE)

    def allows(self, host: str | None) -> bool:
        name = self._name(host) if host else None
        if name is None:
            return False
        return name in self.names or (self.any_address and _is_ip_address(name))

    def allows_origin(self, origin: str) -> bool:
        """Whether `origin` (an `Origin` header) is this server's own: http://<allowed host>."""
        return origin.startswith("http://") and self.allows(origin[len("http://"):])

    def refusal(self) -> str:
        shown = [f"{name}:{self.port}" for name in self.names]
        if self.any_address:
            shown.append(f"any IP address of this machine with port {self.port}")
        return ("403 Forbidden: cv-site serve answers only to requests for " + ", ".join(shown) +
                " (a guard against DNS rebinding). Open one of those addresses, or restart it with "
                "--host set to the name or address to serve on.\n")

    def _name(self, host: str) -> str | None:
        """The name in `host` if it carries this server's port ("name:port"; "name" alone on port
        80, where browsers leave the port out), lower case; None otherwise."""
        suffix = f":{self.port}"
        if host.endswith(suffix):
            return host[: -len(suffix)].lower()
        if self.port == 80 and not re.search(r":\d*$", host):
            return host.lower()
        return None


def _is_ip_address(name: str) -> bool:
    """An IPv4 address, or an IPv6 one in brackets. DNS rebinding needs a name: a page whose address
    is an IP address is that server's own page."""
    bracketed = name.startswith("[") and name.endswith("]")
    try:
        address = ipaddress.ip_address(name[1:-1] if bracketed else name)
    except ValueError:
        return False
    return (address.version == 6) == bracketed


class GuardedHandler(http.server.BaseHTTPRequestHandler):
    """A handler for `Server`: reads the request head the gate collected, refuses foreign Hosts,
    answers one request per connection."""

    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds a response may wait on a client that does not read it
    server: Server

    def __init__(self, request: socket.socket, client_address, server: Server, head: bytes):
        self.head = head
        super().__init__(request, client_address, server)

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # the request was read by the gate
        self.rfile = io.BytesIO(self.head)

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or not self.server.hosts.allows(hosts[0]):
            self.send_text(403, self.server.hosts.refusal())
            return False
        return True

    def send(self, status: int, data: bytes, kind: str, location: str = "") -> None:
        """A whole response (its body left out for HEAD), then the end of the connection."""
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Connection", "close")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_text(self, status: int, text: str) -> None:
        self.send(status, text.encode(), "text/plain; charset=utf-8")

    def client_gone(self) -> bool:
        """Whether the client closed the connection (checked during a long response, when the
        client has nothing more to send: reading would show the end of the connection)."""
        try:
            self.connection.setblocking(False)
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True
        finally:
            self.connection.settimeout(self.timeout)

    def log_message(self, format: str, *args: object) -> None:  # quiet: the build log is what matters
        pass


class Server(http.server.HTTPServer):
    """http.server's HTTPServer with the guards above; its handler class is a `GuardedHandler`."""

    request_queue_size = 128
    # On POSIX, SO_REUSEADDR only lets a restarted server bind while the last one's connections
    # linger (TIME_WAIT, up to a minute); a port with a live listener still fails. On Windows it
    # would let two servers share the port, so it stays off there.
    allow_reuse_address = os.name != "nt"
    max_handlers = 64  # requests handled at once
    max_waiting = 512  # connections still sending their request head (the oldest is dropped first)
    head_timeout = 5.0  # seconds for a new connection to send its whole request head

    def __init__(self, address: tuple[str, int], handler_class: type[GuardedHandler]):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self._handling = 0
        self._lock = threading.Lock()
        self._gate = _Gate(self)
        super().__init__(address, handler_class)  # binds, or closes the gate and raises
        self.hosts = Hosts.serving(address[0], self.server_address[1])

    @property
    def handling(self) -> int:
        """How many requests are being handled (each open event stream is one)."""
        return self._handling

    def process_request(self, request: socket.socket, client_address) -> None:
        self._gate.admit(request, client_address)

    def dispatch(self, connection: socket.socket, client_address, head: bytes) -> None:
        """Handle a request whose head has arrived, in a thread of its own, or answer 503."""
        if self._take_slot():
            try:
                threading.Thread(target=self._handle, args=(connection, client_address, head), daemon=True).start()
                return
            except RuntimeError:  # the system has no thread to give
                self._done()
        _send_and_close(connection, "503 Service Unavailable",
                        f"cv-site serve is busy with {self.max_handlers} requests; try again.\n")

    def _take_slot(self) -> bool:
        with self._lock:
            if self._handling >= self.max_handlers:
                return False
            self._handling += 1
            return True

    def _handle(self, connection: socket.socket, client_address, head: bytes) -> None:
        try:
            self.RequestHandlerClass(connection, client_address, self, head)
        except Exception:
            self.handle_error(connection, client_address)
        finally:
            self.shutdown_request(connection)
            self._done()

    def _done(self) -> None:
        with self._lock:
            self._handling -= 1

    def handle_error(self, request, client_address) -> None:  # a browser closing a socket is no news
        if not isinstance(sys.exc_info()[1], QUIET_ERRORS):
            super().handle_error(request, client_address)

    def server_close(self) -> None:
        super().server_close()
        self._gate.close()


@dataclass
class _Arrival:
    address: object
    deadline: float
    head: bytearray = field(default_factory=bytearray)


class _Gate:
    """One thread that reads the request heads of all new connections, without blocking on any, and
    hands each complete head to `Server.dispatch`; closes connections that take too long."""

    def __init__(self, server: Server):
        self._server = server
        self._selector = selectors.DefaultSelector()
        self._waiting: dict[socket.socket, _Arrival] = {}  # oldest first
        self._new: queue.SimpleQueue = queue.SimpleQueue()
        self._wake, self._waker = socket.socketpair()  # the accepting thread wakes the gate through it
        self._waker.setblocking(False)
        self._selector.register(self._wake, selectors.EVENT_READ)
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="cv-site-gate", daemon=True)
        self._thread.start()

    def admit(self, connection: socket.socket, address) -> None:
        self._new.put((connection, address))
        self._nudge()

    def close(self) -> None:
        self._closing = True
        self._nudge()
        self._thread.join(timeout=5)

    def _nudge(self) -> None:
        try:
            self._waker.send(b"\0")
        except OSError:  # full: the gate has wake-ups to read already; closed: the gate has stopped
            pass

    def _run(self) -> None:
        try:
            while not self._closing:
                for key, _ in self._selector.select(self._time_left()):
                    if key.fileobj is self._wake:
                        self._wake.recv(4096)
                        self._take_new()
                    else:
                        self._read(key.fileobj)
                self._drop_late()
        finally:
            self._take_new()
            for connection in list(self._waiting):
                self._drop(connection)
            self._selector.close()
            self._wake.close()
            self._waker.close()

    def _time_left(self) -> float | None:
        if not self._waiting:
            return None
        oldest = next(iter(self._waiting.values()))
        return max(0.0, oldest.deadline - time.monotonic())

    def _take_new(self) -> None:
        while not self._new.empty():
            connection, address = self._new.get()
            if self._closing:
                connection.close()
                continue
            if len(self._waiting) >= self._server.max_waiting:
                self._drop(next(iter(self._waiting)))
            connection.setblocking(False)
            self._waiting[connection] = _Arrival(address, time.monotonic() + self._server.head_timeout)
            self._selector.register(connection, selectors.EVENT_READ)

    def _read(self, connection: socket.socket) -> None:
        arrival = self._waiting[connection]
        try:
            data = connection.recv(16384)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            return self._drop(connection)
        arrival.head += data
        if HEAD_END.search(arrival.head, max(0, len(arrival.head) - len(data) - 3)):
            self._forget(connection)
            self._server.dispatch(connection, arrival.address, bytes(arrival.head))
        elif len(arrival.head) > MAX_HEAD:
            self._forget(connection)
            _send_and_close(connection, "431 Request Header Fields Too Large", "Request header too large.\n")

    def _drop_late(self) -> None:
        now = time.monotonic()
        while self._waiting:
            connection, arrival = next(iter(self._waiting.items()))
            if arrival.deadline > now:
                return
            self._drop(connection)

    def _forget(self, connection: socket.socket) -> None:
        self._selector.unregister(connection)
        del self._waiting[connection]

    def _drop(self, connection: socket.socket) -> None:
        self._forget(connection)
        connection.close()


def _send_and_close(connection: socket.socket, status: str, text: str) -> None:
    """A short answer from outside any handler thread, then the end of the connection."""
    body = text.encode()
    head = (f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    try:
        connection.setblocking(False)
        connection.send(head.encode() + body)  # a few hundred bytes: the socket's buffer takes them
    except OSError:
        pass
    connection.close()
