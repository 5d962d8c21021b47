"""Start the service platform as its own process and keep its registry through its command:
for the demo, the benchmarks and the tests."""

from __future__ import annotations

from dataclasses import dataclass

from bibdebitor.harness.processes import ServiceProcess, cli


@dataclass
class BrokerProcess(ServiceProcess):
    COMMAND = cli("broker_main")
    DATABASE = "broker.sqlite3"

    def start(self) -> BrokerProcess:
        self.manage("migrate", "--noinput")
        self.serve()
        return self

    def platform(self, *args: str) -> str:
        return self.manage("platform", *args).strip()

    def system(self, system: object, name: str, cert: object) -> None:
        """Register an IT-system instance with its certificate (a PEM file)."""
        self.platform("system", f"--uuid={system}", f"--name={name}", f"--cert={cert}")

    def route(
        self, organisation: object, service: str, receiver: object, address: str, token: str = ""
    ) -> None:
        """Route a municipality's calls of a service to a receiver at an address."""
        self.platform(
            "route",
            f"--organisation={organisation}",
            f"--service={service}",
            f"--receiver={receiver}",
            f"--address={address}",
            *([f"--channel-token={token}"] if token else []),
        )

    def agreement(self, caller: object, service: str, organisation: object) -> str:
        """A requested service agreement's id."""
        return self.platform(
            "agreement",
            f"--caller={caller}",
            f"--service={service}",
            f"--organisation={organisation}",
        )

    def approve(self, agreement: str, administrator: str) -> None:
        self.platform(
            "decide", f"--agreement={agreement}", "--state=approved", f"--by={administrator}"
        )

    def approved_agreement(
        self, caller: object, service: str, organisation: object, administrator: str
    ) -> str:
        agreement = self.agreement(caller, service, organisation)
        self.approve(agreement, administrator)
        return agreement

    def url(self, service: str) -> str:
        return f"{self.base_url}/sf1590/{service}/1"
