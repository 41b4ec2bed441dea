"""What people type in a table's filter line: free words and ``key:value`` tokens.

``status:error device:fresnel since:2d "atom loss"``: the keys become the API's filters
(server-side, so they reach every page); the free words and id prefixes, which the API cannot
filter, narrow the rows already loaded. Pure and Textual-free, so every front end parses the
same way; a bad token raises :class:`QueryError` naming it and the forms it accepts.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pasqal_tui.cloud.filters import BatchFilters, JobFilters
from pasqal_tui.cloud.markers import user_tags
from pasqal_tui.cloud.models import Batch, Job
from pasqal_tui.core import user_input
from pasqal_tui.core.since import parse_since
from pasqal_tui.core.user_input import InputError

__all__ = [
    "BATCH_KEYS",
    "ERRORS_KEYS",
    "JOB_KEYS",
    "Query",
    "QueryError",
    "batch_filters",
    "batch_text",
    "job_filters",
    "job_text",
    "parse",
    "set_key",
    "tokens",
]

#: The keys each table filters on (the API's filters of that resource, plus `id` prefixes).
BATCH_KEYS = ("status", "device", "tag", "since", "until", "id", "open")
JOB_KEYS = ("status", "since", "until", "id", "runs", "errors")
ERRORS_KEYS = ("last", "since", "until")

_KEY = re.compile(r"^([A-Za-z_]+):(.*)$", re.DOTALL)
_RUNS = re.compile(r"^(>=|<=|>|<|=)?(\d[\d,_]*)$")
_HEX = set("0123456789abcdef-")
RUNS_FORMS = ">100, >=100, <50, <=50, 100..200 or 100"


class QueryError(InputError):
    """A token the filter line cannot use; ``str()`` is the one line to show."""


@dataclass(frozen=True)
class Query:
    """A parsed filter line. Server-side: every key but ``id`` prefixes and extra tags."""

    words: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    ids: tuple[str, ...] = ()
    id_prefixes: tuple[str, ...] = ()
    open: bool | None = None
    errors: bool | None = None
    min_runs: int | None = None
    max_runs: int | None = None
    last: int | None = None
    #: The server-side tokens as typed (normalised): equal when the same request would be sent,
    #: even for a relative date parsed at another time.
    server_tokens: tuple[str, ...] = field(default=(), compare=False)

    @property
    def server_key(self) -> tuple[str, ...]:
        return self.server_tokens

    @property
    def local(self) -> bool:
        """Whether something narrows the loaded rows."""
        return bool(self.words or self.id_prefixes or self.tags[1:])

    def keeps(self, item_id: str, text: str, tags: Sequence[str] = ()) -> bool:
        """Whether a loaded row matches the free words, id prefixes and extra tags."""
        if self.id_prefixes and not any(item_id.startswith(p) for p in self.id_prefixes):
            return False
        if any(tag not in tags for tag in self.tags[1:]):
            return False
        haystack = text.lower()
        return all(word in haystack for word in self.words)

    def server_summary(self) -> str:
        """``status=ERROR device=FRESNEL since=2026-01-29``: what the API is asked."""
        parts = []
        if self.statuses:
            parts.append("status=" + ",".join(self.statuses))
        if self.devices:
            parts.append("device=" + ",".join(self.devices))
        if self.tags:
            parts.append(f"tag={self.tags[0]}")
        if self.since:
            parts.append(f"since={_stamp(self.since)}")
        if self.until:
            parts.append(f"until={_stamp(self.until)}")
        if self.ids:
            parts.append("id=" + ",".join(i[:8] + "…" for i in self.ids))
        if self.open is not None:
            parts.append("open=" + ("yes" if self.open else "no"))
        if self.errors is not None:
            parts.append("errors=" + ("yes" if self.errors else "no"))
        if self.min_runs is not None or self.max_runs is not None:
            parts.append(f"runs={_runs_text(self.min_runs, self.max_runs)}")
        if self.last is not None:
            parts.append(f"last={self.last}")
        return " ".join(parts)

    def local_summary(self) -> str:
        """``"atom loss" id=7a33``: what narrows the loaded rows."""
        parts = [f'"{w}"' for w in self.words]
        parts += [f"id={p}…" for p in self.id_prefixes]
        parts += [f"tag={t}" for t in self.tags[1:]]
        return " ".join(parts)

    def rebatch_values(self) -> dict[str, str]:
        """The rebatch dialog's fields for the same jobs (its filters are the job filters')."""
        values = {
            "status": ",".join(self.statuses),
            "min_runs": "" if self.min_runs is None else str(self.min_runs),
            "max_runs": "" if self.max_runs is None else str(self.max_runs),
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
            "id": ", ".join(self.ids),
        }
        return {k: v for k, v in values.items() if v}


def _stamp(when: datetime) -> str:
    """A whole day (from its start, or to its end) as its date; otherwise to the minute."""
    text = when.strftime("%Y-%m-%d %H:%M:%S.%f")
    for whole_day in (" 00:00:00.000000", " 23:59:59.999999"):
        text = text.removesuffix(whole_day)
    return text[:16]


def _runs_text(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return str(low) if low == high else f"{low}..{high}"
    return f">={low}" if low is not None else f"<={high}"


def tokens(text: str) -> list[str]:
    """Whitespace-separated tokens; double quotes keep spaces (an unclosed one runs to the end,
    as it does while it is being typed). Quotes are kept in the tokens."""
    out: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
            current.append(char)
        elif char.isspace() and not quoted:
            if current:
                out.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        out.append("".join(current))
    return out


def _unquote(text: str) -> str:
    return text.replace('"', "")


def parse(text: str, *, keys: Sequence[str], statuses: Sequence[str], now: datetime) -> Query:
    """The query ``text`` means on a table filtering on ``keys``; QueryError on a bad token."""
    words: list[str] = []
    found: dict[str, Any] = {}
    server: list[str] = []
    for token in tokens(text):
        match = _KEY.match(token)
        if not match:
            word = _unquote(token).strip().lower()
            if word:
                words.append(word)
            continue
        key, value = match.group(1).lower(), _unquote(match.group(2)).strip()
        if key not in keys:
            known = ", ".join(f"{k}:" for k in keys)
            raise QueryError(f"{key}: is not a filter of this table; use {known} or plain words")
        if not value:  # "status:" while it is being typed
            continue
        _take(found, key, value, statuses, now)
        if key != "id" or all(_full_id(v) for v in _values(value)):
            server.append(f"{key}:{value.lower()}")
    since, until = found.get("since"), found.get("until")
    if since and until and since > until:
        raise QueryError(f"since: {_stamp(since)} is after until: {_stamp(until)}")
    low, high = found.get("min_runs"), found.get("max_runs")
    if low is not None and high is not None and low > high:
        raise QueryError(f"runs: no number is {_runs_text(low, None)} and {_runs_text(None, high)}")
    return Query(
        words=tuple(words),
        statuses=tuple(found.get("status", ())),
        devices=tuple(found.get("device", ())),
        tags=tuple(found.get("tag", ())),
        since=since,
        until=until,
        ids=tuple(found.get("ids", ())),
        id_prefixes=tuple(found.get("prefixes", ())),
        open=found.get("open"),
        errors=found.get("errors"),
        min_runs=low,
        max_runs=high,
        last=found.get("last"),
        server_tokens=tuple(sorted(server)),
    )


def _values(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _full_id(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) == 36


def _take(
    found: dict[str, Any], key: str, value: str, statuses: Sequence[str], now: datetime
) -> None:
    """Add one ``key:value`` token to ``found`` (repeated keys add up)."""
    if key == "status":
        chosen = user_input.statuses(value, statuses) or []
        found["status"] = _merged(found.get("status", []), chosen)
    elif key == "device":
        found["device"] = _merged(found.get("device", []), [v.upper() for v in _values(value)])
    elif key == "tag":
        found["tag"] = _merged(found.get("tag", []), [value])
    elif key in ("since", "until"):
        found[key] = when(value, key, now, end=key == "until")
    elif key == "id":
        for item in _values(value):
            lowered = item.lower()
            if _full_id(lowered):
                found["ids"] = _merged(found.get("ids", []), [lowered])
            elif set(lowered) <= _HEX:
                found["prefixes"] = _merged(found.get("prefixes", []), [lowered])
            else:
                raise QueryError(f"id: {item!r} is not an id or its first characters (0-9, a-f)")
    elif key in ("open", "errors"):
        yes = "open" if key == "open" else "yes"
        no = "closed" if key == "open" else "no"
        try:
            found[key] = user_input.flag(value, key, yes, no)
        except InputError as exc:
            raise QueryError(f"{key}: {value!r}: {str(exc).split(': ', 1)[1]}") from None
    elif key == "runs":
        _take_runs(found, value)
    elif key == "last":
        try:
            number = int(value.replace(",", "").replace("_", ""))
        except ValueError:
            raise QueryError(f"last: {value!r} is not a whole number of batches") from None
        if number < 1:
            raise QueryError(f"last: {value!r} must be 1 or more")
        found["last"] = number


def _merged(before: list[str], more: Iterable[str]) -> list[str]:
    return before + [m for m in more if m not in before]


def when(value: str, key: str, now: datetime, *, end: bool = False) -> datetime:
    """``2d`` (ago), ``2026-01-31`` (a whole day: its end for ``until``) or ISO-8601, in UTC:
    the forms of every ``--since`` (core.since)."""
    try:
        parsed = parse_since(value, now)
    except ValueError as exc:
        raise QueryError(f"{key}: {exc}") from None
    if end and len(value) <= 10 and "-" in value:
        parsed += timedelta(days=1) - timedelta(microseconds=1)
    return parsed


def _take_runs(found: dict[str, Any], value: str) -> None:
    low: int | None
    high: int | None
    if ".." in value:
        first, _, second = value.partition("..")
        try:
            low = int(first) if first else None
            high = int(second) if second else None
        except ValueError:
            raise QueryError(f"runs: {value!r} is not like {RUNS_FORMS}") from None
    else:
        match = _RUNS.match(value.replace(" ", ""))
        if not match:
            raise QueryError(f"runs: {value!r} is not like {RUNS_FORMS}")
        op, number = match.group(1) or "=", int(match.group(2).replace(",", "").replace("_", ""))
        low = {">": number + 1, ">=": number, "=": number}.get(op)
        high = {"<": number - 1, "<=": number, "=": number}.get(op)
        if high is not None and high < 0:
            raise QueryError(f"runs: {value!r} matches no job (runs are 0 or more)")
    if low is not None:
        found["min_runs"] = max(low, found.get("min_runs", low))
    if high is not None:
        found["max_runs"] = min(high, found.get("max_runs", high))


def set_key(text: str, key: str, value: str) -> str:
    """``text`` with every ``key:`` token replaced by ``key:value`` (dropped when empty): what
    the status keys (1-6) do to the filter line, leaving the rest as typed."""
    kept = [t for t in tokens(text) if not t.lower().startswith(f"{key}:")]
    if value:
        kept.append(f"{key}:{value}")
    return " ".join(kept)


def key_value(text: str, key: str) -> str:
    """The value of the last ``key:`` token in ``text`` ("" when none)."""
    found = [t.split(":", 1)[1] for t in tokens(text) if t.lower().startswith(f"{key}:")]
    return _unquote(found[-1]) if found else ""


# ---- what the API is asked, and what free words are matched against -------------------------


def batch_filters(query: Query) -> BatchFilters:
    """The batch list's server-side filters (the API filters one tag; the others are local)."""
    return BatchFilters(
        status=list(query.statuses) or None,
        device_type=list(query.devices) or None,
        tag=query.tags[0] if query.tags else None,
        start_date=query.since,
        end_date=query.until,
        open=query.open,
        id=list(query.ids) or None,
    )


def job_filters(query: Query, batch_id: str) -> JobFilters:
    """A batch's job filters."""
    return JobFilters(
        batch_id=[batch_id],
        status=list(query.statuses) or None,
        errors=query.errors,
        min_runs=query.min_runs,
        max_runs=query.max_runs,
        start_date=query.since,
        end_date=query.until,
        id=list(query.ids) or None,
    )


def batch_text(batch: Batch) -> str:
    """What free words match on a batch: id, status, device, tags, parent."""
    return " ".join(
        [batch.id, batch.status.value, batch.device_type, *user_tags(batch.tags),
         batch.parent_id or ""]
    )  # fmt: skip


def job_text(job: Job, device: str = "") -> str:
    """What free words match on a job: id, status, device, error text, variables."""
    variables = " ".join(f"{k}={v}" for k, v in (job.variables or {}).items())
    return " ".join([job.id, job.status.value, device, *(job.errors or []), variables])
