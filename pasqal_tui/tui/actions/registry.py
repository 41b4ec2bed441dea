"""Every action of the table screens, once: its keys, words, where it applies, whether it
changes something on the server, and the name the audit log gives it.

Bindings (and so the footer, the help screen and keymap overrides by id), the command palette,
read-only gating and audit names all come from :data:`ACTIONS`; nothing else lists them.
A binding's id is ``<screen>.<keymap>`` (e.g. ``batches.close``), the name a keymap uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

__all__ = [
    "ACTIONS",
    "MUTATING",
    "MUTATIONS",
    "ActionSpec",
    "bindings",
    "palette_specs",
    "spec",
]


@dataclass(frozen=True)
class ActionSpec:
    """One action: ``name`` is the controller method it runs."""

    name: str
    keys: str
    label: str
    help: str
    group: str
    screens: tuple[str, ...]
    #: Changes something on the server: hidden and refused in read-only mode.
    mutating: bool = False
    #: The audit log's names for the requests it may send.
    audit: tuple[str, ...] = ()
    #: The screens whose footer shows it (the help screen lists every action).
    show: tuple[str, ...] = ()
    #: The command palette's entry on every table screen ("" = none): a second way in, e.g.
    #: closing a batch from its job table, where `x` means "errored only".
    palette: str = ""
    #: The binding id's last part, the name keymaps use (``batches.<keymap>``); the action's
    #: name when empty. Kept stable so users' keymaps keep working.
    keymap: str = ""
    #: The palette lists it on every table screen (False: only where its key is bound).
    palette_everywhere: bool = True


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("create_batch", "n", "New batch", "Create a batch from a sequence and jobs",
               "Change", ("batches",), mutating=True, audit=("create",), keymap="create",
               show=("batches",)),
    ActionSpec("extend", "a", "Add jobs", "Add jobs to an open batch (file or typed)",
               "Change", ("batches", "jobs"), mutating=True, audit=("add-jobs",),
               palette="Add jobs to this batch"),
    ActionSpec("close_batch", "x", "Close", "Close the batch: no more jobs can be added (asks y)",
               "Change", ("batches",), mutating=True, audit=("close",),
               palette="Close this batch", keymap="close"),
    ActionSpec("cancel_batch", "c", "Cancel", "Cancel the batch's pending and running jobs "
               "(asks y); an open batch with none left is closed", "Change", ("batches",),
               mutating=True, audit=("cancel-batch", "close"),
               palette="Cancel this batch", keymap="cancel"),
    ActionSpec("cancel", "c", "Cancel marked (or batch)",
               "Cancel the marked jobs, or the whole batch when none is marked (asks y)",
               "Change", ("jobs",), mutating=True, audit=("cancel-jobs", "cancel-batch", "close")),
    ActionSpec("rebatch", "r", "Rebatch", "Copy jobs into a new batch: plan first, then y",
               "Change", ("batches", "jobs"), mutating=True, audit=("rebatch",),
               palette="Rebatch this batch", show=("jobs",)),
    ActionSpec("tags", "t", "Tags", "Replace the batch's tags",
               "Change", ("batches", "jobs"), mutating=True, audit=("tags",),
               palette="Set tags of this batch"),
    ActionSpec("retry", "ctrl+r", "Retry job", "Add a copy of the job under the cursor to its "
               "open batch (asks y)", "Change", ("jobs",), mutating=True, audit=("retry",)),
    ActionSpec("errors_view", "e", "Errors", "Errored jobs of recent batches, grouped by message",
               "Go to", ("batches",), keymap="errors", show=("batches",)),
    ActionSpec("watch", "w", "Watch", "Watch the batch: a toast and a terminal notification "
               "when it ends, wherever you are in the app (w again stops)", "View",
               ("batches", "jobs"), palette="Watch this batch (or stop watching)"),
    ActionSpec("export", "E", "Export", "Write the rows of the current filter (every page) to "
               "a CSV or JSON file", "View", ("jobs", "errors"),
               palette="Export these rows (CSV or JSON)", palette_everywhere=False),
    # The table's own view (screen methods, not a controller's): filter and order.
    ActionSpec("open_filter", "slash", "Filter", "Filter as you type: words narrow the loaded "
               "rows; status: device: tag: since: until: id: open: runs: errors: ask the server",
               "View", ("batches", "jobs"), keymap="filter", show=("batches", "jobs")),
    ActionSpec("sort_next", "s", "Sort", "Sort by the next column (▲/▼ in its header)",
               "View", ("batches", "jobs"), keymap="sort"),
    ActionSpec("sort_flip", "S", "Sort direction", "Reverse the order; on the job table's "
               "Created column the API's creation order, elsewhere the loaded page",
               "View", ("batches", "jobs"), keymap="order"),
)  # fmt: skip

_BY_NAME = {a.name: a for a in ACTIONS}

#: Names of actions that change something on the server.
MUTATING = frozenset(a.name for a in ACTIONS if a.mutating)
#: Audit names of the mutating requests these actions send.
MUTATIONS = frozenset(name for a in ACTIONS for name in a.audit)


def spec(name: str) -> ActionSpec:
    return _BY_NAME[name]


def bindings(screen: str) -> list[Binding]:
    """The bindings of ``screen``'s actions; each runs ``act('<name>')`` on the screen."""
    return [
        Binding(
            a.keys,
            f"act('{a.name}')",
            a.label,
            show=screen in a.show,
            id=f"{screen}.{a.keymap or a.name}",
        )
        for a in ACTIONS
        if screen in a.screens
    ]


def mutating_key(screen: str, key: str) -> ActionSpec | None:
    """The mutating action ``key`` runs on ``screen``, if any."""
    return next(
        (a for a in ACTIONS if a.mutating and screen in a.screens and key in a.keys.split(",")),
        None,
    )


def palette_specs(screen: str = "") -> list[ActionSpec]:
    """The actions ``screen`` lists in the command palette (on its batch)."""
    return [a for a in ACTIONS if a.palette and (a.palette_everywhere or screen in a.screens)]
