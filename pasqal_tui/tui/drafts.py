"""Drafts of the submission forms: a form left with Esc comes back as it was on its next
opening, for the rest of the app session (in memory only: never written to disk).

A draft is what the form's fields hold (inputs, checkboxes, selects, by id) and the rows typed
in its job editor. The form calls :func:`keep` when it is left with Esc and :func:`restore` once
mounted; the caller that receives the created batch calls :func:`forget`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from textual.widgets import Checkbox, Input, Select

from pasqal_tui.tui.widgets.job_editor import JobEditor, JobRow

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

__all__ = ["Draft", "forget", "keep", "restore"]


@dataclass
class Draft:
    """Field values by widget id, and the job editor's columns and rows."""

    fields: dict[str, Any] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    rows: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        typed = any(v for v in self.fields.values() if isinstance(v, str))
        return not typed and not self.rows


_DRAFTS: WeakKeyDictionary[App[Any], dict[str, Draft]] = WeakKeyDictionary()


def _key(form: Screen[Any] | type[Screen[Any]]) -> str:
    return form.__name__ if isinstance(form, type) else type(form).__name__


def _store(app: App[Any]) -> dict[str, Draft]:
    return _DRAFTS.setdefault(app, {})


def _editor_rows(form: Screen[Any]) -> list[JobRow]:
    return [row for row in form.query(JobRow) if row.query(Input)]


def keep(form: Screen[Any]) -> None:
    """Remember what ``form`` holds (a form with nothing typed keeps no draft)."""
    draft = Draft()
    for widget in form.query("Input, Checkbox, Select"):
        if widget.id is None or isinstance(widget.parent, JobRow):
            continue
        if isinstance(widget, Input | Checkbox | Select):
            draft.fields[widget.id] = widget.value
    editors = list(form.query(JobEditor))
    if editors:
        draft.names = list(editors[0].names)
        draft.rows = [row.texts() for row in _editor_rows(form) if not row.is_blank()]
    store = _store(form.app)
    if draft.empty:
        store.pop(_key(form), None)
    else:
        store[_key(form)] = draft


def restore(form: Screen[Any]) -> bool:
    """Put the kept draft back into ``form`` (once mounted); True if there was one."""
    draft = _store(form.app).get(_key(form))
    if draft is None:
        return False
    for widget_id, value in draft.fields.items():
        found = form.query(f"#{widget_id}")
        widget = found.first() if found else None
        if isinstance(widget, Input | Checkbox | Select):
            widget.value = value
    if draft.rows:
        for editor in form.query(JobEditor):
            editor.show_rows(draft.names, draft.rows)
    form.notify("The form as you left it (Esc); ctrl+s checks it again", timeout=4)
    return True


def forget(app: App[Any], form: type[Screen[Any]]) -> None:
    """The form's work is done (the batch was created): its next opening starts blank."""
    _store(app).pop(_key(form), None)
