"""Counts in words: the one place that puts a noun in the right number ("1 job", "3 jobs")."""

from __future__ import annotations

__all__ = ["plural", "plural_form", "short", "status_counts"]

_ES = ("s", "x", "z", "ch", "sh")


def plural_form(word: str) -> str:
    """The plural of the last word of ``word``: "job" -> "jobs", "batch" -> "batches"."""
    if word.endswith(_ES):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return word[:-1] + "ies"
    return word + "s"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` with thousands separators and ``word`` in the right number.

    ``word`` is the singular ("job", "marked job", "new batch"); ``many`` overrides the plural
    when it is irregular. ``plural(1, "job")`` is "1 job", ``plural(1234, "run")`` "1,234 runs".
    """
    noun = word if n == 1 else (many or plural_form(word))
    return f"{n:,} {noun}"


def short(identifier: str) -> str:
    """The 8-character prefix of an id that screens and plans show."""
    return identifier[:8]


def status_counts(counts: dict[str, int]) -> str:
    """ "9 done, 1 errored, 2 timed out": the non-zero counts of a batch's jobs by status."""
    words = {"ERROR": "errored", "TIMED_OUT": "timed out"}
    return ", ".join(f"{n:,} {words.get(s, s.lower())}" for s, n in counts.items() if n)
