"""First run: `prep run` (what `make run` starts) on a taken port, and its request log."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PREP = str(Path(sys.executable).parent / "prep")


def environment(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "PREP_INSTANCE_PATH": str(tmp_path / "instance"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'first.sqlite3'}"}
    env.pop("FLASK_APP", None)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_taken_port_is_refused_with_a_way_out(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run([PREP, "run", "--port", str(port)], env=environment(tmp_path),
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert f"make run PORT={port + 1}" in done.stderr


def test_each_request_is_logged_once(tmp_path: Path) -> None:
    env = environment(tmp_path)
    subprocess.run([PREP, "db", "upgrade"], env=env, check=True, capture_output=True,
                   timeout=120)
    port = free_port()
    server = subprocess.Popen([PREP, "run", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as reply:
                    assert reply.status == 200
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("prep run did not answer")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    lines = [line for line in output.splitlines() if "/healthz" in line]
    assert len(lines) == 1, output
    assert '"path": "/healthz"' in lines[0]
    assert "Running on http://127.0.0.1" in output  # the server's own start line stays
