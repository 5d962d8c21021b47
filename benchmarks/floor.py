"""The floor under the hand-over: what its parts cost on their own, for the same number of
claims, so the end-to-end figure can be read as a ratio to it.

    .venv/bin/python benchmarks/floor.py --claims 100000 [--batch-size 500]
    scripts/with-postgres .venv/bin/python benchmarks/floor.py --claims 100000

* insert: the rows a hand-over must write at the least — one outbox row at the library and
  one claim row at the debtor system per claim — with ``executemany`` in batches, no ORM
  (SQLite files in a temporary directory, or PostgreSQL when DATABASE_URL is set);
* encode/decode: the same claims as SF1590 registration messages of ``batch-size`` claims,
  encoded and decoded (with schema validation) by the protocol codec;
* loopback: the same bytes POSTed over one keep-alive connection to a waitress server on
  localhost whose application only reads them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sqlite3
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
from report import publish
from waitress.server import create_server

from bibdebitor.harness.processes import free_port, wait_for_port
from bibdebitor.protocol.codec import decode_request, encode
from bibdebitor.protocol.messages import (
    Account,
    ClassRef,
    CreateAccounts,
    Header,
    NewClaim,
    Party,
    RegistrationRequest,
    SubClaim,
    SystemRef,
)

LIBRARY = SystemRef(uuid.uuid4(), uuid.uuid4())
DEBTOR = SystemRef(LIBRARY.organisation, uuid.uuid4())
LATE_FEE = ClassRef(uuid.uuid4(), "BIB-GEBYR-LAANETID")
ADULT = ClassRef(uuid.uuid4(), "BIB-GEBYR-ERSTATNING")
OUTBOX = "CREATE TABLE outbox (id INTEGER PRIMARY KEY, claim_id TEXT, kind TEXT, payload TEXT)"
CLAIMS = (
    "CREATE TABLE claim (id INTEGER PRIMARY KEY, claim_id TEXT UNIQUE, account TEXT, "
    "amount_ore BIGINT, founded_on DATE, due_date DATE, description TEXT)"
)

INSERT_OUTBOX = "INSERT INTO outbox (claim_id, kind, payload) VALUES (?, ?, ?)"
INSERT_CLAIM = (
    "INSERT INTO claim (claim_id, account, amount_ore, founded_on, due_date, description) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/floor.json"))
    args = parser.parse_args()
    batches = [
        registration(start, min(args.batch_size, args.claims - start))
        for start in range(0, args.claims, args.batch_size)
    ]
    insert_seconds, database = timed_insert(args.claims, args.batch_size)
    started = time.perf_counter()
    bodies = [encode(batch) for batch in batches]
    for body in bodies:
        decode_request(body)
    codec_seconds = time.perf_counter() - started
    loopback_seconds = timed_loopback(bodies)
    total = insert_seconds + codec_seconds + loopback_seconds
    publish(
        {
            "database": database,
            "claims": args.claims,
            "batch_size": args.batch_size,
            "insert_seconds": round(insert_seconds, 2),
            "encode_decode_seconds": round(codec_seconds, 2),
            "loopback_post_seconds": round(loopback_seconds, 2),
            "megabytes_posted": round(sum(map(len, bodies)) / 1e6, 1),
            "floor_seconds": round(total, 2),
            "floor_claims_per_second": round(args.claims / total),
        },
        args.json,
    )


def registration(start: int, count: int) -> RegistrationRequest:
    today = dt.date.today()
    accounts = []
    for n in range(start, start + count):
        claim = NewClaim(
            event_id=uuid.uuid4(),
            claim_id=f"799900-{n + 1}",
            claim_type=LATE_FEE,
            amount_ore=2_000 + n % 50_000,
            founded_on=today - dt.timedelta(days=n % 300),
            due_date=today + dt.timedelta(days=30),
            last_timely_payment_date=today + dt.timedelta(days=44),
            description="Gebyr for overskredet lånetid",
            sub_claims=(SubClaim(f"799900-{n + 1}-1", 2_000 + n % 50_000, "Gebyr"),),
        )
        party = Party(cpr=f"{n % 28 + 1:02d}{n // 28 % 12 + 1:02d}{60 + n // 336 % 40:02d}0000")
        accounts.append(
            Account(f"799900-{n}-BIB-GEBYR-ERSTATNING", ADULT, uuid.uuid4(), party, (claim,))
        )
    header = Header(uuid.uuid4(), dt.datetime.now(dt.UTC), LIBRARY, DEBTOR)
    return RegistrationRequest(header, (CreateAccounts(tuple(accounts)),))


def rows(claims: int):
    today = dt.date.today().isoformat()
    for n in range(claims):
        yield (
            (f"799900-{n + 1}", "new_claim", "x" * 600),
            (f"799900-{n + 1}", f"799900-{n}", 2_000 + n, today, today, "Gebyr"),
        )


def timed_insert(claims: int, batch_size: int) -> tuple[float, str]:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        import psycopg

        connection = psycopg.connect(url)
        marker, database = "%s", "postgresql"
        connection.execute("DROP TABLE IF EXISTS outbox, claim")
        connection.execute(OUTBOX.replace("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY"))
        connection.execute(CLAIMS.replace("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY"))
        connection.commit()
    else:
        path = Path(tempfile.mkdtemp(prefix="bibdebitor-floor-")) / "floor.sqlite3"
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        marker, database = "?", "sqlite"
        connection.execute(OUTBOX)
        connection.execute(CLAIMS)
    outbox = INSERT_OUTBOX.replace("?", marker)
    claim = INSERT_CLAIM.replace("?", marker)
    all_rows = list(rows(claims))
    started = time.perf_counter()
    for start in range(0, claims, batch_size):
        batch = all_rows[start : start + batch_size]
        cursor = connection.cursor()
        cursor.executemany(outbox, [row[0] for row in batch])
        cursor.executemany(claim, [row[1] for row in batch])
        connection.commit()
    seconds = time.perf_counter() - started
    connection.close()
    return seconds, database


def timed_loopback(bodies: list[bytes]) -> float:
    def application(environ, start_response):
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", "2")])
        return [b"ok"]

    port = free_port()
    server = create_server(application, host="127.0.0.1", port=port, threads=2)

    def serve() -> None:
        with contextlib.suppress(OSError, ValueError):  # closed under its loop: done
            server.run()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    wait_for_port(port)
    try:
        with httpx.Client() as client:
            started = time.perf_counter()
            for body in bodies:
                client.post(f"http://127.0.0.1:{port}/", content=body).raise_for_status()
            return time.perf_counter() - started
    finally:
        server.close()


if __name__ == "__main__":
    main()
