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

    def url(self, service: str) -> str:
        return f"{self.base_url}/sf1590/{service}/1"
