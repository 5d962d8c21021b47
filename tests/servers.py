"""Real servers for integration tests: the reference debtor system in its own process with its
own SQLite database, and a small fault-injecting HTTP proxy in front of it."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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
class DebtorServer:
    """``bibdebitor-debtor serve`` on a free port, set up for one library system."""

    data_dir: Path
    organisation: uuid.UUID = field(default_factory=uuid.uuid4)
    instance: uuid.UUID = field(default_factory=uuid.uuid4)
    sender: uuid.UUID = field(default_factory=uuid.uuid4)
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    vendor: str = "kmd_opus"
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if "DATABASE_URL" not in k and k != "DJANGO_SETTINGS_MODULE"
        }
        env["BIBDEBITOR_DATA_DIR"] = str(self.data_dir)
        env["BIBDEBITOR_LOG_LEVEL"] = "WARNING"
        return env

    def manage(self, *args: str) -> None:
        subprocess.run([*DEBTOR_CLI, *args], env=self.env, check=True, capture_output=True)

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

    def start(self) -> DebtorServer:
        self.manage("migrate", "--noinput")
        self.set_up()
        self.port = free_port()
        self.process = subprocess.Popen(
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
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sf1590/DebitorRegistreringAfsend/1"

    def query(self, sql: str, *params: object) -> list[tuple]:
        connection = sqlite3.connect(self.data_dir / "debtor.sqlite3", timeout=20)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()


class FaultProxy:
    """Forwards POSTs to ``target`` unless a scripted fault says otherwise:

    * ``"503"``: answer 503 without forwarding;
    * ``"lose"``: forward (the receiver applies it) and answer 502, as if the answer was lost;
    * ``"slow"``: forward, then hold the answer past the client's timeout;
    * ``"reset"``: close the connection without an answer.
    Records every body it was given.
    """

    def __init__(self, target_port: int, slow_seconds: float = 3.0) -> None:
        self.target_port = target_port
        self.slow_seconds = slow_seconds
        self.faults: deque[str] = deque()
        self.bodies: list[bytes] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with proxy.lock:
                    proxy.bodies.append(body)
                    fault = proxy.faults.popleft() if proxy.faults else "pass"
                if fault == "503":
                    return self._answer(503, b"busy")
                if fault == "reset":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return None
                status, answer = proxy.forward(self.path, body, dict(self.headers))
                if fault == "lose":
                    return self._answer(502, b"bad gateway")
                if fault == "slow":
                    time.sleep(proxy.slow_seconds)
                return self._answer(status, answer)

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def forward(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.target_port, timeout=60)
        try:
            keep = {k: v for k, v in headers.items() if k.lower() not in {"host", "connection"}}
            connection.request("POST", path, body, keep)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def start(self) -> FaultProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"
