"""Defence in depth: a logging filter that masks anything shaped like a CPR number.

The code must not log CPR numbers in the first place (tests check that); this filter catches
what a library or a careless message might still let through.
"""

from __future__ import annotations

import json
import logging
import re

# Six date digits, an optional dash or space, four digits, not inside a longer number.
CPR_PATTERN = re.compile(r"(?<!\d)([0-9]{2}[01][0-9]{3})[- ]?[0-9]{4}(?!\d)")


def redact_cpr(text: str) -> str:
    return CPR_PATTERN.sub(r"\1-XXXX", text)


class RedactCprFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_cpr(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class RedactingFormatter(logging.Formatter):
    """The plain format, masked again as a whole: a traceback (a database error quoting a
    unique key, say) may carry a CPR number the message filter never saw."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_cpr(super().format(record))


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per line (``BIBDEBITOR_LOG_FORMAT=json``), for a log collector. The
    whole line is masked again, tracebacks included: a CPR number must not leave this way."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact_cpr(json.dumps(entry, ensure_ascii=False))
