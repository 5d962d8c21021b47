"""Start the reference debtor system as its own process, on its own database, set up for one
library system: for the demo, the benchmarks and the integration tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from bibdebitor.domain.vendors import Vendor
from bibdebitor.harness.processes import ServiceProcess, cli

DEBTOR_CLI = cli("debtor_main")


@dataclass
class DebtorProcess(ServiceProcess):
    """``bibdebitor-debtor serve`` with one instance set up for one library system."""

    COMMAND = DEBTOR_CLI
    DATABASE = "debtor.sqlite3"

    organisation: uuid.UUID = field(default_factory=uuid.uuid4)
    instance: uuid.UUID = field(default_factory=uuid.uuid4)
    sender: uuid.UUID = field(default_factory=uuid.uuid4)
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    vendor: str = Vendor.KMD_OPUS
    name: str = "Test Kommune"

    def set_up(self, *extra: str) -> None:
        self.manage(
            "setup-instance",
            f"--name={self.name}",
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
        self.serve()
        return self

    @property
    def url(self) -> str:
        return f"{self.base_url}/sf1590/DebitorRegistreringAfsend/1"
