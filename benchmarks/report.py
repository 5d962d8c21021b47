"""What every benchmark does with its figures: stamp the machine and time, print them as a
table, and write them as JSON (``benchmarks/results/`` by default)."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from pathlib import Path


def publish(figures: dict[str, object], path: Path) -> dict[str, object]:
    figures = {
        **figures,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    width = max(len(name) for name in figures) + 2
    for name, value in figures.items():
        print(f"{name:{width}} {value}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2) + "\n")
    return figures
