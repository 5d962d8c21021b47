"""The reference debtor system seen from the tests: pointing its coverage at the library,
running its coverage worker, finding invoices and paying them by bank file."""

from __future__ import annotations

import uuid

from bibdebitor.domain.payment_codes import code_line

CREDITOR = "87654321"


def point_coverage_at(debtor, url: str, *extra: str) -> None:
    """Immediate coverage to the library at ``url``; ``extra`` are more setup-instance options."""
    debtor.set_up(
        f"--coverage-url={url}/sf1590/DaekningAfskrivningRegistreringAfsend/1",
        f"--coverage-token={debtor.coverage_token}",
        "--coverage-mode=immediate",
        f"--creditor={CREDITOR}",
        *extra,
    )


def report_coverage(debtor) -> str:
    return debtor.manage("coverage-worker", "--once")


def invoice_of(debtor, claim_id: str) -> int:
    """The invoice that collects a claim (by the library's claim id)."""
    (row,) = debtor.query(
        "SELECT l.invoice_id FROM debtor_invoiceline l "
        "JOIN debtor_debtorclaim c ON c.id = l.claim_id WHERE c.claim_id = ?",
        claim_id,
    )
    return row[0]


def bank_file(debtor, tmp_path, payments) -> None:
    path = tmp_path / f"bank-{uuid.uuid4().hex}.csv"
    rows = ["dato;beløb;kodelinje;reference"]
    today = debtor.manage("clock").split()[-2]
    for key, invoice, kroner in payments:
        rows.append(f"{today};{kroner};{code_line(invoice, CREDITOR)};bank-{key}-{invoice}")
    path.write_text("\n".join(rows), encoding="utf-8")
    debtor.manage("bank-file", f"--instance={debtor.instance}", str(path))
