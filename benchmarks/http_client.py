"""What the HTTP benchmarks share: gunicorn on loopback, a lean keep-alive client, percentiles.

The server runs as in production (``-c python:prep.serving``, settings from the environment);
the client is one thread per simulated user over ``http.client`` (keep-alive), so that the
load client, which shares the machine's cores with the server, stays cheap. Every loop that
uses it is bounded in count and time, and it only ever talks to 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

PASSWORD = "steady measuring stick"
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
T = TypeVar("T")
_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
_FIELD = re.compile(r'name="(card_id|reps|review_uid)" value="([^"]*)"')


class Browser:
    """A keep-alive HTTP client with a small cookie jar (Flask's session, prep's device
    cookie), kept as the ``Cookie`` header it sends."""

    def __init__(self, port: int, timeout: float = 30):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookie = ""
        self.token = ""
        self.location: str | None = None  # the last response's Location header
        self.last_headers: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, Any] | None = None,
                json_reply: bool = False) -> tuple[int, str]:
        """Send one request (a form body when given); the status and the body text."""
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_reply:
            headers["Accept"] = "application/json"
            headers["X-CSRFToken"] = self.token
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode()
                break
            except (OSError, http.client.HTTPException) as error:
                self.connection.close()  # the next request opens a new connection
                # A keep-alive connection the server closed while idle: a GET is sent again
                # on a new one, as browsers do (a POST is retried by its caller, if safe).
                if method == "GET" and attempt == 1 and isinstance(error, _STALE):
                    continue
                raise ConnectionError(f"{method} {path}: {error!r}") from error
        self.location = response.getheader("Location")
        self.last_headers = dict(response.getheaders())
        if "html" in (response.getheader("Content-Type") or "") and (
                token := _META.search(text)):
            self.token = token.group(1)  # login starts a new session, with a new token
        for name, value in response.getheaders():  # the session, and prep_device at login
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                kept = [c for c in self.cookie.split("; ")
                        if c and c.split("=", 1)[0] != cookie.split("=", 1)[0]]
                self.cookie = "; ".join([*kept, cookie])
        return response.status, text

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def json(self, path: str, form: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST a form as the page's script does; the status and the decoded JSON reply."""
        status, text = self.request("POST", path, form, json_reply=True)
        try:
            return status, json.loads(text)
        except ValueError:
            return status, {}

    def log_in(self, email: str) -> bool:
        """Log in through the login form; True on success."""
        self.request("GET", "/login")
        status, _ = self.request("POST", "/login", {
            "csrf_token": self.token, "email": email, "password": PASSWORD})
        return status == 302

    def review_fields(self) -> dict[str, str] | None:
        """GET the review page: the shown card's form fields, or None (done, or an error)."""
        status, page = self.request("GET", "/review")
        fields = dict(_FIELD.findall(page))
        return fields if status == 200 and "card_id" in fields else None


def retried(action: Callable[[], T]) -> T:
    """``action()``, sent once more if the connection dropped (as the review page does: the
    same review id or the same choice, so the server stores it once either way)."""
    try:
        return action()
    except OSError:
        return action()


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank), NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Server:
    """A gunicorn serving prep on a loopback port; its log file and its master process."""

    def __init__(self, port: int, process: subprocess.Popen[bytes], log: Path):
        self.port, self.process, self.log = port, process, log

    def worker_pids(self) -> list[int]:
        """The master's worker processes."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the master and its live workers have used so far."""
        total = 0
        for pid in [self.process.pid, *self.worker_pids()]:
            try:
                total += _cpu_of(Path(f"/proc/{pid}/stat").read_text())
            except OSError:
                continue  # a worker that just exited
        return total / os.sysconf("SC_CLK_TCK")

    def wait_ready(self, seconds: float = 20) -> None:
        """Wait (bounded) until /healthz answers 200."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            probe = Browser(self.port, timeout=2)
            try:
                if probe.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            finally:
                probe.close()
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not come up:\n{self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        """SIGTERM (graceful: in-flight requests finish), then wait, then SIGKILL if stuck."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _cpu_of(stat: str) -> int:
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)


def postgres_cpu_seconds() -> float:
    """CPU time used so far by this machine's PostgreSQL processes (0 when none run here)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # a process that just exited
        if "(postgres)" in text:
            total += _cpu_of(text)
    return total / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A loopback port nothing listens on now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(url: str, folder: Path, *, workers: int = 2, threads: int = 2,
                 worker_class: str = "", port: int | None = None) -> Server:
    """Start gunicorn as ``prep serve`` does, on ``url`` (``worker_class``, when given,
    replaces prep's own); returns once it answers."""
    port = port or free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench",
           "PREP_INSTANCE_PATH": str(folder), "WEB_CONCURRENCY": str(workers),
           "PREP_THREADS": str(threads), "PREP_BIND": f"127.0.0.1:{port}",
           # Per-worker counts are fine here (no login is limited); tests may pass Redis.
           "PREP_RATELIMIT_STORAGE_URL": os.environ.get("PREP_RATELIMIT_STORAGE_URL",
                                                        "memory://")}
    log = folder / "gunicorn.log"
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:prep.serving",
             *(["--worker-class", worker_class] if worker_class else []), "prep:create_app()"],
            env=env, stdout=output, stderr=output)
    server = Server(port, process, log)
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
    return server


@contextmanager
def serving(url: str, **options: Any) -> Iterator[Server]:
    """A gunicorn for the duration of the block, stopped (gracefully) afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(url, Path(folder), **options)
        try:
            yield server
        finally:
            server.stop()


def run_users(prepare: Callable[[int], Any], simulate: Callable[[Any, float], None],
              users: int, seconds: float, on_start: Callable[[], None] | None = None) -> float:
    """Each user in its own thread: ``prepare(n)`` (log in, say), then, once every user is
    prepared, ``simulate(prepared, deadline)`` for ``seconds`` (``on_start()`` is called as
    the window opens); returns the timed window's length."""
    window: dict[str, float] = {}

    def open_window() -> None:
        window["start"] = time.perf_counter()
        window["deadline"] = window["start"] + seconds
        if on_start is not None:
            on_start()

    ready = threading.Barrier(users, action=open_window)

    def user(n: int) -> None:
        prepared = prepare(n)
        try:
            ready.wait(timeout=300)
        except threading.BrokenBarrierError:
            return
        simulate(prepared, window["deadline"])

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 360)
    return time.perf_counter() - window.get("start", time.perf_counter())
