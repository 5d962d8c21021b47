"""``make demo``'s scenario in its smallest size, as a newcomer runs it: a fresh data
directory, the library's migrations, then ``bibdebitor demo`` starting the platform and the
debtor system, handing over, running the debtor's calendar, coverage and reconciliation."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess

import pytest

from bibdebitor.demo.landscape import new_secret
from bibdebitor.harness.processes import cli, free_port

LIBRARY = cli("main")


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([*LIBRARY, *args], env=env, capture_output=True, text=True, timeout=600)


def test_the_demo_runs_its_whole_scenario_and_reconciles_to_zero(tmp_path):
    env = {k: v for k, v in os.environ.items() if "DATABASE_URL" not in k}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["BIBDEBITOR_DATA_DIR"] = str(tmp_path)
    assert run("migrate", "--noinput", env=env).returncode == 0
    summary_file = tmp_path / "summary.json"
    demo = run(
        "demo",
        "--size=tiny",
        "--no-serve",
        f"--addr=127.0.0.1:{free_port()}",
        f"--summary-json={summary_file}",
        env=env,
    )
    assert demo.returncode == 0, demo.stderr[-3000:]
    summary = json.loads(summary_file.read_text())
    assert summary["discrepancies"] == 0
    assert summary["reconciliation_error"] == ""
    assert summary["handed_over"] > 50
    assert summary["accepted"] == summary["handed_over"]
    assert summary["library_claims"] == summary["debtor_claims"] == summary["accepted"]
    # Every part of the story happened: invoices, reminders, payments, write-offs, PSRM.
    assert summary["invoices"] > 0
    assert summary["reminders"] > 0
    for outcome in ("paid", "written_off", "collected"):
        assert summary[outcome]["count"] > 0
        assert summary[outcome]["amount_ore"] > 0
    for printed in ("Afvigelser", "/borger/799900/", "/kommuner/799900/", "betalingsoverblik"):
        assert printed in demo.stdout

    # The logins are kept for their owner only, and the citizen's CPR is never printed.
    logins = tmp_path / "landscape" / "LOGINS.txt"
    assert stat.S_IMODE(logins.stat().st_mode) == 0o600
    cpr = next(
        line.split(": ", 1)[1]
        for line in logins.read_text().splitlines()
        if line.startswith("citizen_cpr")
    )
    assert len(cpr) == 10
    assert cpr not in demo.stdout
    assert cpr not in demo.stderr

    # Every server it started (library, platform, debtor system) has stopped with it.
    ports = set(re.findall(r"http://127\.0\.0\.1:(\d+)/", demo.stdout))
    assert len(ports) == 3
    for port in ports:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", int(port)), 1).close()

    # A second run in the same directory is refused with a clear message, not half-done.
    again = run("demo", "--size=tiny", "--no-serve", env=env)
    assert again.returncode != 0
    assert "make demo" in again.stderr


def test_demo_secrets_can_be_passed_as_command_line_options():
    """A secret starting with "-" reads as an option (``--password -x…``): the demo once
    failed that way, one run in ~64."""
    secrets = [new_secret() for _ in range(500)]
    assert all(len(s) == 14 and s.isascii() and s.isalnum() for s in secrets)
    assert len(set(secrets)) == 500


def test_the_demo_pays_no_real_municipality_and_has_its_own_fbs_instance():
    """Seed 003 gives FBS Cicero's system UUID for the vendor's order form: it names the IT
    system, not a municipality's instance. A demo's code lines must not pay a real creditor
    (Lyngby-Taarbæk's FI creditor number 86836084 was the demo's)."""
    from bibdebitor.demo.management.commands.demo import DEMO_CREDITOR, MUNICIPALITY
    from bibdebitor.domain import fbs

    assert MUNICIPALITY.sender != fbs.SYSTEM_UUID
    assert DEMO_CREDITOR != "86836084"
