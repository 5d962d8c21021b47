"""The demo's landscape, started once for the browser tests (the walk and the errands): ``bibdebitor
demo --size tiny`` serving on free ports, as a newcomer starts it, and Debian's chromium."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bibdebitor.backoffice.roles import LIBRARY_STAFF
from bibdebitor.harness.processes import cli, free_port

from .demo_walk import Demo

LIBRARY = cli("main")


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Iterator[Demo]:
    root = tmp_path_factory.mktemp("walk")
    env = {k: v for k, v in os.environ.items() if "DATABASE_URL" not in k}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["BIBDEBITOR_DATA_DIR"] = str(root)
    subprocess.run([*LIBRARY, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    log = (root / "demo.log").open("w")
    process = subprocess.Popen(
        [*LIBRARY, "demo", "--size=tiny", f"--addr=127.0.0.1:{free_port()}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 600
        while "Kører. Tryk Ctrl-C" not in (root / "demo.log").read_text():
            assert process.poll() is None, (root / "demo.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the demo did not start serving in 600 s"
            time.sleep(1)
        logins_file = root / "landscape" / "LOGINS.txt"
        logins = dict(line.split(": ", 1) for line in logins_file.read_text().splitlines())
        password = "bibliotekar-walk-2026"
        subprocess.run(
            [
                *LIBRARY,
                "staff-user",
                "--username=bibliotekar",
                f"--password={password}",
                f"--role={LIBRARY_STAFF}",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        logins["library_staff"] = f"bibliotekar / {password}"
        yield Demo(root, logins, env)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("BIBDEBITOR_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"{executable} is missing: run scripts/ensure-chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()
