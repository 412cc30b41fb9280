"""Production serving: gunicorn's settings, read from the environment.

``prep serve`` (or ``make serve``) runs ``gunicorn -c python:prep.serving 'prep:create_app()'``.
Every setting has an environment variable, so one image serves any size of machine:

- ``PREP_BIND`` (default ``127.0.0.1:8000``): the address to listen on.
- ``WEB_CONCURRENCY`` (default 2): worker processes (gunicorn's own variable).
- ``PREP_THREADS`` (default 2): threads per worker (gthread workers: keep-alive connections
  wait in the worker's poller, not in a thread; a second thread overlaps one request's
  database round trips with another's work, more only add GIL contention).
- ``PREP_REUSE_PORT`` (default: on where ``net.ipv4.tcp_migrate_req`` is 1): one listening
  socket per worker, so that the kernel spreads connections (see ``_reuse_port``).
- ``PREP_GRACEFUL_TIMEOUT`` (default 30 s): on SIGTERM or SIGINT, workers stop accepting and
  finish the requests they hold for up to this long before they are killed.
- ``PREP_RATELIMIT_STORAGE_URL``: with more than one worker it must be set (Redis, shared by
  every worker); prep refuses to start without it, and warns when it is ``memory://``.

The app logs one JSON line per request to stdout (see ``prep.logs``), so gunicorn's own
access log is off; its error log goes to stderr.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip().isdigit() else default


bind = os.environ.get("PREP_BIND", "127.0.0.1:8000")
workers = _int("WEB_CONCURRENCY", 2)
worker_class = "gthread"
threads = _int("PREP_THREADS", 2)
graceful_timeout = _int("PREP_GRACEFUL_TIMEOUT", 30)
timeout = 60  # a worker silent this long is killed and replaced by the master
keepalive = 5


def _reuse_port() -> bool:
    """Whether each worker gets its own SO_REUSEPORT socket (``PREP_REUSE_PORT``: 1 or 0;
    by default, when the kernel migrates a closing socket's waiting connections).

    With one socket per worker the kernel spreads connections over the workers. On one
    shared socket the worker that wakes first accepts nearly every keep-alive connection:
    measured, all 8 clients on one worker in 3 runs of 5, half the throughput with the other
    worker idle. But a worker that stops gracefully (a reload) closes its socket only after
    its grace period, and connections routed to it meanwhile are reset then, unless Linux's
    ``net.ipv4.tcp_migrate_req`` is 1, which moves them to the other workers' sockets.
    """
    chosen = os.environ.get("PREP_REUSE_PORT", "").strip()
    if chosen in ("0", "1"):
        return chosen == "1"
    try:
        return Path("/proc/sys/net/ipv4/tcp_migrate_req").read_text().strip() == "1"
    except OSError:
        return False


reuse_port = _reuse_port()
accesslog = None
errorlog = "-"
loglevel = "info"
# One app per worker, built after the fork: no engine or pool is shared across processes.
preload_app = False
# gunicorn's control socket sits at one path per OS user: two servers would fight over it.
control_socket_disable = True


def on_starting(server) -> None:
    """Refuse to start where prep would be unsafe or stuck: a taken port, or rate limits
    counted per worker."""
    _check_address(server)
    _check_rate_limit_storage(server.cfg.workers, server.log)


def _check_rate_limit_storage(workers: int, log) -> None:
    """With several workers, memory storage counts failed logins per worker: each worker
    lets the full number of guesses through, and a locked account logs in on another. So
    ``PREP_RATELIMIT_STORAGE_URL`` must name shared storage (Redis); an explicit
    ``memory://`` is taken as a choice, with a warning."""
    storage = os.environ.get("PREP_RATELIMIT_STORAGE_URL", "").strip()
    if workers <= 1 or (storage and not storage.startswith("memory")):
        return
    problem = (f"{workers} workers with rate limits in each worker's memory: every worker "
               f"allows the full number of login guesses")
    if not storage:
        raise SystemExit(f"prep: {problem}. Set PREP_RATELIMIT_STORAGE_URL=redis://HOST:6379/0 "
                         f"(shared counts), or WEB_CONCURRENCY=1, or PREP_RATELIMIT_STORAGE_URL="
                         f"memory:// to accept this.")
    for _ in range(3):  # loud: a single line is lost among the workers' start-up lines
        log.warning("prep: WARNING: %s (PREP_RATELIMIT_STORAGE_URL=%s).", problem, storage)


def _check_address(server) -> None:
    """With a socket per worker the master binds nothing, so a taken port would not stop
    gunicorn: its workers would fail to bind, one after another, or join whatever holds the
    port. Try the address first (without SO_REUSEPORT) and refuse to start if it is taken."""
    if not server.cfg.reuse_port:
        return
    for address in server.cfg.address:
        if not isinstance(address, tuple):
            continue  # a Unix socket path
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as error:
                raise SystemExit(f"prep: cannot listen on {address[0]}:{address[1]}: "
                                 f"{error.strerror}") from None
