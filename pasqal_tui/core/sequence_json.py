"""What a serialized Pulser sequence declares, read from its JSON without importing Pulser.

Lives outside ``localcloud`` so the dashboard can check job variables before sending them with
only the base install (no Pulser).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["declared_variables"]


def declared_variables(sequence_json: str) -> dict[str, dict[str, Any]]:
    """The variables a serialized sequence declares: name -> {"dtype": "float"|"int", "size"}.

    Lets a client check a job's variables before sending it, without Pulser installed.
    """
    try:
        document = json.loads(sequence_json)
    except (TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"sequence is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise ValueError("sequence JSON must be an object (a Pulser abstract representation)")
    if "register" not in document or "operations" not in document:
        raise ValueError("sequence JSON is not a Pulser abstract representation: no register")
    variables = document.get("variables", {})
    if not isinstance(variables, dict):
        raise ValueError("sequence JSON has a 'variables' entry that is not an object")
    declared: dict[str, dict[str, Any]] = {}
    for name, entry in variables.items():
        if not (
            isinstance(entry, dict)
            and entry.get("type") in ("int", "float")
            and isinstance(entry.get("value"), list)
        ):
            raise ValueError(f"sequence JSON declares variable {name!r} without a type and value")
        declared[name] = {"dtype": entry["type"], "size": len(entry["value"])}
    return declared
