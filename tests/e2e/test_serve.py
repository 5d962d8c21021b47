"""``serve --processes N``: several waitress processes on one listening socket, stopped
together by SIGTERM, and gone by themselves when their parent is killed outright."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from bibdebitor.harness.processes import cli, free_port, wait_for_port

LIBRARY = cli("main")


@pytest.fixture
def served(tmp_path):
    env = {k: v for k, v in os.environ.items() if "DATABASE_URL" not in k}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["BIBDEBITOR_DATA_DIR"] = str(tmp_path)
    port = free_port()
    process = subprocess.Popen(
        [*LIBRARY, "serve", f"--addr=127.0.0.1:{port}", "--processes=2", "--threads=1"],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(port)
    yield process, port
    if process.poll() is None:
        process.kill()
        process.wait(10)
    for child in children_of(process.pid):
        os.kill(child, signal.SIGKILL)


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def started_children(pid: int, expected: int, within: float = 10.0) -> list[int]:
    """The children once ``expected`` have forked (the first may open the port before the
    second is started, on a busy machine)."""
    deadline = time.monotonic() + within
    while len(found := children_of(pid)) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def answering(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/oauth/token", timeout=2)
    except httpx.TransportError:
        return False
    return True


def gone(pids: list[int], within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() for pid in pids):
            return True
        time.sleep(0.1)
    return False


def test_several_processes_answer_on_one_port_and_stop_together(served):
    process, port = served
    servers = started_children(process.pid, 2)
    assert len(servers) == 2
    for _ in range(20):  # new connections each: the kernel spreads them over both
        answer = httpx.get(f"http://127.0.0.1:{port}/oauth/token")
        assert answer.status_code == 405  # the token endpoint only takes POST
    process.send_signal(signal.SIGTERM)
    assert process.wait(10) == 0
    assert gone(servers)
    assert not answering(port)


def test_server_processes_stop_when_their_parent_is_killed(served):
    process, port = served
    servers = started_children(process.pid, 2)
    process.kill()
    process.wait(10)
    assert gone(servers)
    assert not answering(port)


def staff_sign_in(client: httpx.Client, base: str, username: str, forwarded_for: str) -> int:
    """One wrong password at the admin's sign-in, through a proxy that names the client."""
    page = client.get(f"{base}/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        f"{base}/admin/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": "wrong-1"},
        headers={"X-Forwarded-For": forwarded_for, "Referer": f"{base}/admin/login/"},
    )
    return answer.status_code


def test_behind_a_trusted_proxy_a_lock_out_by_address_locks_out_that_client_only(tmp_path):
    env = {k: v for k, v in os.environ.items() if "DATABASE_URL" not in k}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env |= {"BIBDEBITOR_DATA_DIR": str(tmp_path), "BIBDEBITOR_TRUSTED_PROXY": "127.0.0.1"}
    subprocess.run([*LIBRARY, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [*LIBRARY, "serve", f"--addr=127.0.0.1:{port}"], env=env, stdout=subprocess.DEVNULL
    )
    try:
        wait_for_port(port)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client() as client:
            # Five wrong tries from one client, each under another name: the fifth locks its
            # address.
            for n in range(4):
                assert staff_sign_in(client, base, f"guess{n}", "203.0.113.7") == 200
            assert staff_sign_in(client, base, "guess4", "203.0.113.7") == 429
            # Another client behind the same proxy is not.
            assert staff_sign_in(client, base, "colleague", "198.51.100.4") == 200
    finally:
        process.terminate()
        process.wait(10)
