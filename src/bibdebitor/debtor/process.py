"""Start the reference debtor system as its own process, on its own database, set up for one
library system: for the demo, the benchmarks and the integration tests."""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

# Our own interpreter and entry point, never user input (hence the S603 exemptions below).
DEBTOR_CLI = [sys.executable, "-c", "from bibdebitor.cli import debtor_main; debtor_main()"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


@dataclass
class DebtorProcess:
    """``bibdebitor-debtor serve`` on a free port with an SQLite database in ``data_dir``."""

    data_dir: Path
    organisation: uuid.UUID = field(default_factory=uuid.uuid4)
    instance: uuid.UUID = field(default_factory=uuid.uuid4)
    sender: uuid.UUID = field(default_factory=uuid.uuid4)
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    vendor: str = "kmd_opus"
    port: int = 0
    process: subprocess.Popen | None = None
    env_extra: dict[str, str] = field(default_factory=dict)

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

    def manage(self, *args: str) -> str:
        """Run a management command of the debtor system; its output (raises on failure)."""
        done = subprocess.run(  # noqa: S603
            [*DEBTOR_CLI, *args], env=self.env, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")
        return done.stdout

    def set_up(self, *extra: str) -> None:
        self.manage(
            "setup-instance",
            "--name=Test Kommune",
            f"--organisation={self.organisation}",
            f"--instance={self.instance}",
            f"--vendor={self.vendor}",
            f"--sender={self.sender}",
            f"--token={self.token}",
            "--map-sortiment",
            *extra,
        )

    def start(self, *setup: str) -> DebtorProcess:
        self.manage("migrate", "--noinput")
        self.set_up(*setup)
        self.port = free_port()
        self.process = subprocess.Popen(  # noqa: S603
            [*DEBTOR_CLI, "serve", f"--addr=127.0.0.1:{self.port}"],
            env=self.env,
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base_url}/sf1590/DebitorRegistreringAfsend/1"

    def query(self, sql: str, *params: object) -> list[tuple]:
        connection = sqlite3.connect(self.data_dir / "debtor.sqlite3", timeout=20)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()
