"""Structured logs: one JSON line per request on stdout, each with a request id.

The id comes from a well-formed ``X-Request-ID`` header (a proxy in front may set one) or is
made here; it is echoed in the response's ``X-Request-ID`` header and added to every record
logged while the request runs, so one request's lines can be found together.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
logger = logging.getLogger("prep.requests")


class StdoutHandler(logging.StreamHandler):
    """A handler writing to whatever ``sys.stdout`` is when a record is logged."""

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, _value) -> None:
        pass


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object: time, level, logger, message, process id, request id
    and extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process or os.getpid(),  # which gunicorn worker
        }
        if has_request_context() and "request_id" in g:
            entry["request_id"] = g.request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def _not_a_request_line(record: logging.LogRecord) -> bool:
    """Drop the development server's access lines: prep logs every request itself (JSON)."""
    return " - - [" not in str(record.msg)


def register_logging(app: Flask) -> None:
    """JSON logs on stdout for the app and its requests; a request id on every request."""
    logging.getLogger("werkzeug").addFilter(_not_a_request_line)  # added once, however often
    handler = StdoutHandler()
    handler.setFormatter(JsonFormatter())
    for target in (logger, app.logger):
        target.handlers[:] = [handler]
        target.setLevel(logging.INFO)
        target.propagate = False

    @app.before_request
    def _start() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _log(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        started = g.get("request_started")
        logger.info("request", extra={"fields": {
            "method": request.method, "path": request.path, "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        }})
        return response
