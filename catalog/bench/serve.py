"""Serving the project for a benchmark: gunicorn with a set number of workers, DEBUG off,
production settings (``bench_orders``, ``bench_city``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

_collected: list[bool] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn(module: str, workers: int, port: int | None = None) -> tuple[subprocess.Popen, int]:
    """Start gunicorn serving ``module``'s settings on loopback; returns the process and port
    once it accepts connections."""
    port = port or free_port()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=module,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=settings.SECRET_KEY,  # the benchmark's sessions are signed with it
        # The same keys as the data was written with (production settings demand them).
        LINLI_FIELD_KEYS=",".join(settings.LINLI_FIELD_KEYS),
        LINLI_BLIND_INDEX_KEY=settings.LINLI_BLIND_INDEX_KEY,
        LINLI_HTTPS="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # One account stands for many residents here: its per-account API limit is lifted.
        LINLI_API_USER_RATE="",
    )
    if connection.vendor == "sqlite":
        env["LINLI_SQLITE_PATH"] = str(settings.DATABASES["default"]["NAME"])
    if module == "linli.settings" and not _collected:
        # Production settings serve hashed static files from a manifest: gather them first.
        subprocess.run(  # nosec B603: our own interpreter and manage.py, fixed arguments
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=settings.BASE_DIR, check=True
        )
        _collected.append(True)
    binary = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [
            str(binary),
            "linli.wsgi:application",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
            "--backlog",
            "2048",
        ],
        env=env,
        cwd=settings.BASE_DIR,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=30)
