"""Start one of bibdebitor's processes (the reference debtor system, the service platform) on
a free port with its own SQLite database: for the demo, the benchmarks and the tests."""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar


def cli(entry_point: str) -> list[str]:
    """Our own interpreter and entry point, never user input (hence the S603 exemptions)."""
    return [sys.executable, "-c", f"from bibdebitor.cli import {entry_point}; {entry_point}()"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


GRACE_SECONDS = 10


def stop(process: subprocess.Popen[bytes] | None) -> None:
    """Ask a background process to finish (SIGTERM) and wait for it; one that has not
    finished in ``GRACE_SECONDS`` (a worker finishing its calls in hand) is killed, so that
    no run leaves a process behind."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(GRACE_SECONDS)


@dataclass
class ServiceProcess:
    """``<command> serve`` on a free port, configured only by its environment."""

    COMMAND: ClassVar[list[str]]
    DATABASE: ClassVar[str]

    data_dir: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    env_extra: dict[str, str] = field(default_factory=dict)
    processes: int = 1  # server processes (``serve --processes``)

    @property
    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if "DATABASE_URL" not in k and k != "DJANGO_SETTINGS_MODULE"
        }
        env["BIBDEBITOR_DATA_DIR"] = str(self.data_dir)
        env["BIBDEBITOR_LOG_LEVEL"] = "WARNING"
        env.update(self.env_extra)
        return env

    def manage(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run one of the process's management commands; its output (raises on failure)."""
        done = subprocess.run(  # noqa: S603
            [*self.COMMAND, *args], env={**self.env, **(env or {})}, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")
        return done.stdout

    def spawn(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        """Start one of the process's long-running commands in the background."""
        return subprocess.Popen(  # noqa: S603
            [*self.COMMAND, *args], env={**self.env, **(env or {})}, stdout=subprocess.DEVNULL
        )

    def serve(self) -> None:
        self.port = self.port or free_port()
        self.process = self.spawn(
            "serve", f"--addr=127.0.0.1:{self.port}", f"--processes={self.processes}"
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        stop(self.process)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        connection = sqlite3.connect(self.data_dir / self.DATABASE, timeout=20)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()
