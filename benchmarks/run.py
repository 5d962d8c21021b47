"""Every benchmark, on the embedded default (SQLite) and on PostgreSQL, in one table.

    .venv/bin/python benchmarks/run.py                      # the issue's sizes (1M claims)
    .venv/bin/python benchmarks/run.py --size quick         # 10 times smaller, minutes
    .venv/bin/python benchmarks/run.py --databases sqlite   # one database only
    .venv/bin/python benchmarks/run.py --only dry_run       # one run again, the rest as stored
    .venv/bin/python benchmarks/run.py --table              # the stored figures, nothing run
    make bench                                              # the same, full size

Each benchmark runs as its own program (``benchmarks/<name>.py``), on PostgreSQL under
``scripts/with-postgres`` (a throw-away cluster per program); each writes its JSON under
``benchmarks/results/<database>/``. This program reads them back, prints one table with the
targets next to the figures, and writes it as ``benchmarks/results/summary.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from report import stamped, write
from rich.console import Console
from rich.table import Table

RESULTS = Path("benchmarks/results")
SIZES = {
    "full": {"handover": (100_000, 1_000_000), "large": 1_000_000},
    "quick": {"handover": (10_000, 100_000), "large": 100_000},
}
FAULT_RATE = "0.3"  # the transient-fault drill's share of failing calls
FAULT_CALLS = "4"  # calls in flight per worker, so that one stalled call does not stall all


@dataclass(frozen=True, slots=True)
class Run:
    name: str  # the JSON file's stem
    script: str
    args: tuple[str, ...]


def runs(size: str) -> list[Run]:
    sizes = SIZES[size]
    large = str(sizes["large"])
    found = []
    for claims in sizes["handover"]:
        found.append(Run(f"handover-{claims}", "transfer_throughput", ("--claims", str(claims))))
        found.append(Run(f"floor-{claims}", "floor", ("--claims", str(claims))))
    faulty, signed = str(sizes["handover"][0]), str(sizes["handover"][-1])
    return [
        *found,
        Run(f"platform-{signed}", "transfer_throughput", ("--claims", signed, "--platform")),
        Run(
            f"faults-{faulty}",
            "transfer_throughput",
            ("--claims", faulty, "--faults", FAULT_RATE, "--calls", FAULT_CALLS),
        ),
        Run("codec", "codec", ("--claims", str(sizes["handover"][0]))),
        Run("payment_latency", "payment_latency", ("--payments", "100")),
        Run("fees_api", "fees_api", ("--claims", large, "--seconds", "20")),
        Run("dry_run", "cutover_preview", ("--claims", large, "--runs", "2")),
        Run("reconciliation", "reconciliation", ("--claims", large)),
        Run("pages", "pages", ("--claims", large, "--patrons", str(int(large) // 10))),
        Run(
            "debtor_pages", "debtor_pages", ("--claims", large, "--accounts", str(int(large) // 10))
        ),
        Run("platform_pages", "platform_pages", ()),
    ]


def execute(run: Run, database: str) -> dict:
    out = RESULTS / database / f"{run.name}.json"
    command = [sys.executable, f"benchmarks/{run.script}.py", *run.args, "--json", str(out)]
    if database == "postgresql":
        command = ["scripts/with-postgres", *command]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    print(f"· {database}: {run.script} {' '.join(run.args)}", flush=True)
    done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:200]}
    return json.loads(out.read_text())


def latest(run: Run, database: str) -> dict:
    stored = RESULTS / database / f"{run.name}.json"
    return json.loads(stored.read_text()) if stored.exists() else {}


def rows(results: dict[str, dict]) -> list[tuple[str, str, str]]:
    """(figure, value, target) for one database's results."""

    def get(name: str, key: str, unit: str = "") -> str:
        found = results.get(name, {})
        if "error" in found:
            return f"failed: {found['error']}"
        return f"{found[key]:,}{unit}" if key in found else "–"

    table = []
    for name in sorted(n for n in results if n.startswith("handover-")):
        claims = int(name.split("-")[1])
        result, floor = results[name], results.get(f"floor-{claims}", {})
        seconds = _handover_seconds(result)
        if seconds:
            ratio = f" ({seconds / floor['floor_seconds']:.1f}× the floor)" if floor else ""
            value = f"{round(claims / seconds):,}/s in {seconds:,.0f} s{ratio}"
        else:
            value = get(name, "delivery_seconds")
        target = "1M in < 120 s" if claims >= 1_000_000 else ""
        workers = result.get("workers", 1)
        table.append((f"hand-over {claims:,} claims end to end, {workers} workers", value, target))
        table.append(
            (
                f"  floor {claims:,}: insert / encode+decode / loopback",
                " / ".join(
                    get(f"floor-{claims}", key, " s")
                    for key in ("insert_seconds", "encode_decode_seconds", "loopback_post_seconds")
                ),
                "",
            )
        )
        table.append((f"  reconciled {claims:,}", _reconciled(result), "nothing lost or twice"))
    table += platform_rows(results)
    table += fault_rows(results)
    table += codec_rows(results.get("codec", {}))
    table += [
        ("payment to library, p50", get("payment_latency", "p50_seconds", " s"), ""),
        ("payment to library, p95", get("payment_latency", "p95_seconds", " s"), "< 2 s"),
        ("fees API requests/s", get("fees_api", "requests_per_second"), "≥ 1,000"),
        ("fees API p99", get("fees_api", "p99_ms", " ms"), "< 50 ms"),
        (
            f"dry run, {results.get('dry_run', {}).get('claims', 0):,} claims",
            get("dry_run", "preview_seconds_best", " s"),
            "",
        ),
        (
            f"reconciliation, {results.get('reconciliation', {}).get('claims', 0):,} claims",
            get("reconciliation", "reconcile_seconds", " s"),
            "",
        ),
        *page_rows("library", results.get("pages", {})),
        *page_rows("debtor system", results.get("debtor_pages", {})),
        *page_rows("platform", results.get("platform_pages", {})),
    ]
    return table


def _reconciled(result: dict) -> str:
    """What reconciling the hand-over's ledger against the debtor system found."""
    if "reconciliation_discrepancies" not in result:
        return "–"
    library, debtor = result["reconciled_claims"]
    return (
        f"{result['reconciliation_discrepancies']:,} discrepancies, "
        f"{library:,} = {debtor:,} claims, "
        f"{result['handed_over_ore']:,} = {result['received_by_debtor_ore']:,} øre, "
        f"{result['duplicated_at_debtor']:,} twice"
    )


def _handover_seconds(result: dict) -> float:
    """Switch-on to the last claim accepted (older results: the two phases timed apart)."""
    if "handover_seconds" in result:
        return result["handover_seconds"]
    return result.get("enqueue_seconds", 0) + result.get("delivery_seconds", 0)


def platform_rows(results: dict[str, dict]) -> list[tuple[str, str, str]]:
    """The hand-over signed through the service platform, beside the same one direct."""
    table = []
    for name in sorted(n for n in results if n.startswith("platform-")):
        claims = int(name.split("-")[1])
        result, direct = results[name], results.get(f"handover-{claims}", {})
        seconds = _handover_seconds(result) if "error" not in result else 0
        if not seconds:
            table.append((f"hand-over {claims:,} claims through the platform", "failed", ""))
            continue
        value = f"{round(claims / seconds):,}/s in {seconds:,.0f} s"
        if _handover_seconds(direct):
            value += f" ({seconds / _handover_seconds(direct):.2f}× the direct hand-over)"
        target = "1M in ≤ 240 s" if claims >= 1_000_000 else ""
        label = f"hand-over {claims:,} claims signed, through the service platform"
        table.append((label, value, target))
    return table


def fault_rows(results: dict[str, dict]) -> list[tuple[str, str, str]]:
    """The hand-over with the fault drill's mix on every call, as a share of the same
    hand-over without faults."""
    table = []
    for name in sorted(n for n in results if n.startswith("faults-")):
        claims = int(name.split("-")[1])
        result, clean = results[name], results.get(f"handover-{claims}", {})
        if not result or "error" in result or not _handover_seconds(result):
            outcome = "failed" if result else "–"  # (not run on this database)
            table.append((f"hand-over {claims:,} claims under faults", outcome, ""))
            continue
        seconds = _handover_seconds(result)
        value = f"{round(claims / seconds):,}/s in {seconds:,.0f} s"
        if _handover_seconds(clean):
            value += f" ({_handover_seconds(clean) / seconds:.0%} of the fault-free rate)"
        rate = round(float(result.get("fault_rate", 0)) * 100)
        label = f"hand-over {claims:,} claims, {rate} % of calls faulty, "
        label += f"{result.get('calls_in_flight', 1)} calls in flight"
        table.append((label, value, "≥ 50 % of fault-free"))
    return table


def codec_rows(codec: dict) -> list[tuple[str, str, str]]:
    """Encode and decode per claim, as a multiple of lxml's parse + serialise of the bytes."""
    if "error" in codec:
        return [("codec", f"failed: {codec['error']}", "")]
    return [
        (
            f"codec, {row['message']}: encode / decode per claim",
            f"{row['encode_us']} µs ({row['encode_ratio']}×) / {row['decode_us']} µs "
            f"({row['decode_ratio']}×); lxml {row['lxml_us']} µs",
            "each ≤ 3× lxml",
        )
        for row in codec.get("messages", [])
    ]


def page_rows(process: str, pages: dict) -> list[tuple[str, str, str]]:
    """Each page's server time: p95 of the repeated requests, and the first request."""
    if "error" in pages:
        return [(f"{process} pages", f"failed: {pages['error']}", "")]
    rows = []
    for page in pages.get("pages", []):
        name = f"{process} page: {page['page']}"
        if page.get("action"):
            rows.append((name, f"{page['first_ms']:,} ms once", ""))
            continue
        value = f"p95 {page['p95_ms']:,} ms (first {page['first_ms']:,} ms)"
        rows.append((name, value, "p95 < 1 s"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=list(SIZES), default="full")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--only", help="comma-separated run names (e.g. fees_api,dry_run)")
    parser.add_argument("--table", action="store_true", help="run nothing: the stored figures")
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else None
    if args.table:
        wanted = set()
    summary: dict[str, dict] = {}
    for database in args.databases.split(","):
        summary[database] = {
            run.name: execute(run, database)
            if wanted is None or run.name in wanted
            # With --only, the other rows show their latest stored figures.
            else latest(run, database)
            for run in runs(args.size)
        }
    table = Table("figure", *summary, "target", title=f"bibdebitor benchmarks ({args.size})")
    per_database = [rows(results) for results in summary.values()]
    for lines in zip(*per_database, strict=True):
        table.add_row(lines[0][0], *(line[1] for line in lines), lines[0][2])
    Console(width=160).print(table)
    figures = stamped({"size": args.size, "results": summary})
    print(f"{figures['machine']}, {figures['measured_at']}")
    write(figures, RESULTS / "summary.json")


if __name__ == "__main__":
    main()
