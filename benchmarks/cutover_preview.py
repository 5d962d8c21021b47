"""Cut-over dry run throughput on a generated municipality.

    .venv/bin/python benchmarks/cutover_preview.py --claims 1000000 [--patrons 250000]

Uses a fresh SQLite file in a temporary directory, or PostgreSQL when DATABASE_URL is set
(e.g. under scripts/with-postgres). Prints the figures and writes them as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from harness import analyze, library_django
from report import publish


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--patrons", type=int, default=0, help="default: claims / 4")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--json", type=Path, default=Path("benchmarks/results/cutover_preview.json")
    )
    args = parser.parse_args()
    library_django("bibdebitor-bench-")
    from django.db import connection

    from bibdebitor.domain.vendors import Vendor
    from bibdebitor.harness.generator import MunicipalitySize, generate_municipality
    from bibdebitor.ledger.models import Agency
    from bibdebitor.sortiment.cutover import preview

    agency = Agency.objects.create(
        agency_id="BENCH",
        name="Benchmark Kommune",
        cvr="29189129",
        municipality_code="999",
        debtor_vendor=Vendor.KMD_OPUS,
        substitute_cpr_enabled=True,
    )
    size = MunicipalitySize(patrons=args.patrons or max(1, args.claims // 4), claims=args.claims)
    started = time.perf_counter()
    generate_municipality(agency, size, seed=1)
    analyze()
    generated = time.perf_counter() - started
    cutoff = dt.date.today() - dt.timedelta(days=365)
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        result = preview(agency, cutoff)
        timings.append(time.perf_counter() - started)
    best = min(timings)
    figures = {
        "benchmark": "cutover_preview",
        "database": connection.vendor,
        "claims": args.claims,
        "patrons": size.patrons,
        "generate_seconds": round(generated, 2),
        "preview_seconds_best": round(best, 3),
        "preview_seconds_all": [round(t, 3) for t in timings],
        "claims_per_second": round(args.claims / best),
        "moving": result.moving_total.count,
        "blocked": result.blocked_total.count,
    }
    publish(figures, args.json)


if __name__ == "__main__":
    sys.exit(main())
