"""What every benchmark does with its figures: stamp the machine and time, print them as a
table, and write them as JSON (``benchmarks/results/`` by default)."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from pathlib import Path


def stamped(figures: dict[str, object]) -> dict[str, object]:
    """The figures with the machine and the time they were measured on."""
    return {
        **figures,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def write(figures: dict[str, object], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2) + "\n")


def publish(figures: dict[str, object], path: Path) -> dict[str, object]:
    figures = stamped(figures)
    width = max(len(name) for name in figures) + 2
    for name, value in figures.items():
        print(f"{name:{width}} {value}")
    write(figures, path)
    return figures
