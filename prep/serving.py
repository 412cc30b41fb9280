"""Production serving: gunicorn's settings, read from the environment.

``prep serve`` (or ``make serve``) runs ``gunicorn -c python:prep.serving 'prep:create_app()'``.
Every setting has an environment variable, so one image serves any size of machine:

- ``PREP_BIND`` (default ``127.0.0.1:8000``): the address to listen on.
- ``WEB_CONCURRENCY`` (default 2): worker processes (gunicorn's own variable).
- ``PREP_THREADS`` (default 2): threads per worker (gthread workers: keep-alive connections
  wait in the worker's poller, not in a thread; a second thread overlaps one request's
  database round trips with another's work, more only add GIL contention).
- ``PREP_GRACEFUL_TIMEOUT`` (default 30 s): on SIGTERM or SIGINT, workers stop accepting and
  finish the requests they hold for up to this long before they are killed.

The app logs one JSON line per request to stdout (see ``prep.logs``), so gunicorn's own
access log is off; its error log goes to stderr.
"""

from __future__ import annotations

import os


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
# Each worker listens on its own SO_REUSEPORT socket, so the kernel spreads connections over
# the workers. On one shared socket the worker that wakes first accepts nearly every
# keep-alive connection: measured, all 8 clients on one worker in 3 runs of 5, half the
# throughput with the other worker idle.
reuse_port = True
accesslog = None
errorlog = "-"
loglevel = "info"
# One app per worker, built after the fork: no engine or pool is shared across processes.
preload_app = False
# gunicorn's control socket sits at one path per OS user: two servers would fight over it.
control_socket_disable = True
