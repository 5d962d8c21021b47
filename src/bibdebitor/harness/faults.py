"""A small fault-injecting HTTP proxy, to put in front of a real server in the fault drills and
the hand-over benchmark under faults."""

from __future__ import annotations

import http.client
import random
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RANDOM_FAULTS = ("503", "lose", "slow", "reset", "delay")


class FaultProxy:
    """Forwards POSTs to ``target`` unless a scripted fault says otherwise:

    * ``"503"``: answer 503 without forwarding;
    * ``"lose"``: forward (the receiver applies it) and answer 502, as if the answer was lost;
    * ``"slow"``: forward, then hold the answer past the client's timeout;
    * ``"delay"``: forward, then answer a little late (a slow response that arrives);
    * ``"reset"``: close the connection without an answer.
    With ``rate`` > 0, calls beyond the scripted ones meet a random fault at that rate.
    Records every body it was given and every fault it made.
    """

    def __init__(
        self,
        target_port: int,
        slow_seconds: float = 3.0,
        *,
        rate: float = 0.0,
        seed: int = 0,
        delay_seconds: float = 0.3,
    ) -> None:
        self.target_port = target_port
        self.slow_seconds = slow_seconds
        self.delay_seconds = delay_seconds
        self.rate = rate
        self.rng = random.Random(seed)  # noqa: S311  # reproducible drills, nothing secret
        self.made: list[str] = []
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
                    fault = proxy.next_fault()
                if fault == "503":
                    return self._answer(503, b"busy")
                if fault == "reset":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return None
                status, answer = proxy.forward(self.path, body, dict(self.headers))
                if fault == "lose":
                    return self._answer(502, b"bad gateway")
                if fault in ("slow", "delay"):
                    time.sleep(proxy.slow_seconds if fault == "slow" else proxy.delay_seconds)
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

    def next_fault(self) -> str:
        if self.faults:
            return self.faults.popleft()
        if self.rng.random() < self.rate:
            fault = self.rng.choice(RANDOM_FAULTS)
            self.made.append(fault)
            return fault
        return "pass"

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

    @property
    def port(self) -> int:
        return self.server.server_port

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"
