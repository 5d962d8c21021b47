"""The whole integration on localhost, each part its own process as in production: the
library's web server and sender worker, the service platform, and the municipality's debtor
system with its coverage worker. Every SF1590 call is signed and crosses the platform under
approved service agreements. Used by the demo and the fault drills; any process can be killed
(SIGKILL) and started again."""

from __future__ import annotations

import secrets
import string
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bibdebitor.domain.vendors import Vendor
from bibdebitor.harness.broker import BrokerProcess
from bibdebitor.harness.debtor import DebtorProcess
from bibdebitor.harness.processes import ServiceProcess, cli, free_port, stop
from bibdebitor.protocol.signing import write_identity

REGISTRATION = "DebitorRegistreringAfsend"
COVERAGE = "DaekningAfskrivningRegistreringAfsend"
WORKERS = ("sender", "coverage", "post")


class LibraryProcess(ServiceProcess):
    COMMAND = cli("main")
    DATABASE = "library.sqlite3"


@dataclass(frozen=True, slots=True)
class Municipality:
    """What the library's agency and the debtor system must agree on."""

    agency_id: str
    name: str
    cvr: str
    organisation: uuid.UUID
    instance: uuid.UUID
    sender: uuid.UUID
    vendor: str = Vendor.KMD_OPUS


def new_secret(length: int = 14) -> str:
    """Letters and digits only: a secret starting with "-" would read as an option on a
    command line (``--password -x…``)."""
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))


def login(username: str) -> tuple[str, str]:
    return username, new_secret()


@dataclass
class Logins:
    platform_admin: tuple[str, str] = field(default_factory=lambda: login("aftaleadmin"))
    debtor_staff: tuple[str, str] = field(default_factory=lambda: login("sagsbehandler"))
    mitid_code: str = field(default_factory=lambda: f"{secrets.randbelow(10**6):06d}")
    metrics_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))


@dataclass
class Landscape:
    """``hop(port) -> port`` may put something (a fault proxy) in front of every call between
    processes: sender → platform, platform → debtor system, debtor → platform → library."""

    root: Path
    municipality: Municipality
    library_data: Path
    library_env: dict[str, str] = field(default_factory=dict)
    hop: Callable[[int], int] = lambda port: port
    retry_base: float = 0.2
    batch_size: int = 500
    calls_in_flight: int = 4  # the sender's; a slow answer then holds up a quarter, not all
    logins: Logins = field(default_factory=Logins)
    coverage_token: str = field(default_factory=lambda: secrets.token_hex(16))
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.library = LibraryProcess(self.library_data, env_extra=dict(self.library_env))
        self.broker = BrokerProcess(self.root / "broker")
        m = self.municipality
        self.debtor = DebtorProcess(
            self.root / "debtor",
            organisation=m.organisation,
            instance=m.instance,
            sender=m.sender,
            vendor=m.vendor,
            name=m.name,
        )
        for process in (self.library, self.broker, self.debtor):
            process.env_extra["BIBDEBITOR_METRICS_TOKEN"] = self.logins.metrics_token

    # --- start and stop ---------------------------------------------------------------

    def start(self) -> Landscape:
        """Start every process; the agency must exist in the library's database already."""
        self._write_identities()
        self.broker.start()
        self.debtor.env_extra.update(self._signing_env("debtor"))
        self.debtor.env_extra["BIBDEBITOR_MITID_CODE"] = self.logins.mitid_code
        self.debtor.start(*self._debtor_coverage_options())
        self.debtor.manage(
            "createsuperuser",
            "--noinput",
            f"--username={self.logins.debtor_staff[0]}",
            "--email=sagsbehandler@demo.invalid",
            env={"DJANGO_SUPERUSER_PASSWORD": self.logins.debtor_staff[1]},
        )
        self.library.port = self.library.port or free_port()  # the coverage route names it
        self._register_on_platform()
        self.library.serve()
        self.library.manage(
            "integration",
            f"--agency={self.municipality.agency_id}",
            "coverage-token",
            f"--token={self.coverage_token}",
            "--name=serviceplatformen",
        )
        self.start_worker("coverage")
        self.start_worker("post")
        return self

    def stop(self) -> None:
        for name in WORKERS:
            stop(self.workers.pop(name, None))
        for process in (self.library, self.debtor, self.broker):
            process.stop()

    def start_worker(self, name: str) -> None:
        """The library's sender (``sender``), the debtor system's coverage worker
        (``coverage``) or its simulated post (``post``); one already running is stopped first."""
        stop(self.workers.pop(name, None))
        if name == "sender":
            # Signed calls need no bearer token: the platform must not see the debtor's.
            self.workers[name] = self.library.spawn(
                "worker",
                f"--url={self.registration_url}",
                f"--batch-size={self.batch_size}",
                f"--calls={self.calls_in_flight}",
                env={"BIBDEBITOR_SF1590_TOKEN": ""},
            )
        elif name == "post":
            self.workers[name] = self.debtor.spawn("post-letters", "--idle=1")
        else:
            self.workers[name] = self.debtor.spawn(
                "coverage-worker", "--idle=0.1", f"--retry-base={self.retry_base}"
            )

    def kill(self, name: str) -> None:
        """SIGKILL one part: ``sender``, ``coverage``, ``broker`` or ``debtor``."""
        target = self.workers[name] if name in WORKERS else getattr(self, name).process
        target.kill()
        target.wait(10)

    def restart(self, name: str) -> None:
        if name in WORKERS:
            self.start_worker(name)
        else:
            getattr(self, name).serve()  # same port: the routes stay valid

    # --- addresses ----------------------------------------------------------------------

    def _via(self, process: ServiceProcess, path: str) -> str:
        return f"http://127.0.0.1:{self.hop(process.port)}{path}"

    @property
    def registration_url(self) -> str:
        return self._via(self.broker, f"/sf1590/{REGISTRATION}/1")

    @property
    def statement_url(self) -> str:
        return f"{self.debtor.base_url}/sf1590/FordringOversigt/1"

    # --- set-up ---------------------------------------------------------------------------

    def _write_identities(self) -> None:
        for name, title in (("library", "FBS"), ("debtor", self.municipality.name)):
            write_identity(title, self.root / "identities" / name)
        self.library.env_extra.update(self._signing_env("library"))

    def _signing_env(self, name: str) -> dict[str, str]:
        directory = self.root / "identities" / name
        return {
            "BIBDEBITOR_SIGNING_KEY": str(directory / "key.pem"),
            "BIBDEBITOR_SIGNING_CERT": str(directory / "cert.pem"),
        }

    def _debtor_coverage_options(self) -> list[str]:
        return [
            f"--coverage-url={self._via(self.broker, f'/sf1590/{COVERAGE}/1')}",
            "--coverage-token=",
            "--coverage-mode=immediate",
            "--sender-name=FBS",
        ]

    def _register_on_platform(self) -> None:
        m, platform = self.municipality, self.broker.platform
        identities = self.root / "identities"
        platform(
            "municipality", f"--cvr={m.cvr}", f"--name={m.name}", f"--organisation={m.organisation}"
        )
        broker = self.broker
        broker.system(m.sender, "FBS", identities / "library" / "cert.pem")
        broker.system(m.instance, f"{m.name} debitorsystem", identities / "debtor" / "cert.pem")
        registrations = self._via(self.debtor, f"/sf1590/{REGISTRATION}/1")
        broker.route(m.organisation, REGISTRATION, m.instance, registrations, self.debtor.token)
        coverage = self._via(self.library, f"/sf1590/{COVERAGE}/1")
        broker.route(m.organisation, COVERAGE, m.sender, coverage, self.coverage_token)
        admin, password = self.logins.platform_admin
        platform("administrator", f"--username={admin}", f"--password={password}")
        for caller, service in ((m.sender, REGISTRATION), (m.instance, COVERAGE)):
            broker.approved_agreement(caller, service, m.organisation, admin)
        self.library.env_extra.update(
            {
                "BIBDEBITOR_TRANSFER_RETRY_BASE": str(self.retry_base),
                "BIBDEBITOR_PLATFORM_URL": self.broker.base_url,
                "BIBDEBITOR_PLATFORM_TOKEN": platform("status-client", "--name=FBS"),
                "BIBDEBITOR_SF1590_STATEMENT_URL": self.statement_url,
                "BIBDEBITOR_DEBTOR_SETUP_URL": f"{self.debtor.base_url}/sf1590/Opsaetning/1",
                "BIBDEBITOR_SF1590_TOKEN": self.debtor.token,
            }
        )
