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
    """One action: ``name`` is the controller method it runs (or ``runs``, a screen action)."""

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
    #: closing a batch from its job table.
    palette: str = ""
    #: The binding id's last part, the name keymaps use (``batches.<keymap>``); the action's
    #: name when empty. Kept stable so users' keymaps keep working.
    keymap: str = ""
    #: The palette lists it on every table screen (False: only where its key is bound).
    palette_everywhere: bool = True
    #: The screen's own action it runs (e.g. ``mark``); empty: the controller's, via ``act``.
    runs: str = ""
    #: What the key means, the same on every screen (``c`` cancels a batch, marked jobs or a
    #: workload: "cancel"); a key never has two verbs. The keymap id when empty.
    verb: str = ""

    @property
    def meaning(self) -> str:
        return self.verb or self.keymap or self.name


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("create_batch", "n", "New batch", "Create a batch from a sequence and jobs",
               "Change", ("batches",), mutating=True, audit=("create",), keymap="create",
               show=("batches",), verb="new"),
    ActionSpec("new_workload", "n", "New", "Create a workload (asks y before sending)",
               "Change", ("workloads",), mutating=True, audit=("create workload",),
               keymap="new", runs="new", verb="new", show=("workloads",)),
    ActionSpec("extend", "a", "Add jobs", "Add jobs to an open batch (file or typed)",
               "Change", ("batches", "jobs"), mutating=True, audit=("add-jobs",),
               palette="Add jobs to this batch", show=("batches", "jobs")),
    ActionSpec("close_batch", "x", "Close", "Close the batch: no more jobs can be added (asks y)",
               "Change", ("batches", "jobs"), mutating=True, audit=("close",),
               palette="Close this batch", keymap="close", show=("batches",)),
    ActionSpec("cancel_batch", "c", "Cancel", "Cancel the batch's pending and running jobs "
               "(asks y); an open batch with none left is closed", "Change", ("batches",),
               mutating=True, audit=("cancel-batch", "close"),
               palette="Cancel this batch", keymap="cancel", show=("batches",)),
    ActionSpec("cancel", "c", "Cancel", "Cancel the marked jobs, or the whole batch when none "
               "is marked (asks y)", "Change", ("jobs",), mutating=True,
               audit=("cancel-jobs", "cancel-batch", "close"), show=("jobs",)),
    ActionSpec("cancel_workload", "c", "Cancel", "Cancel the workload under the cursor (asks y)",
               "Change", ("workloads",), mutating=True, audit=("cancel workload",),
               keymap="cancel", runs="cancel", verb="cancel", show=("workloads",)),
    ActionSpec("rebatch", "r", "Rebatch", "Copy jobs into a new batch: plan first, then y",
               "Change", ("batches", "jobs"), mutating=True, audit=("rebatch",),
               palette="Rebatch this batch", show=("batches", "jobs")),
    ActionSpec("rebatch_group", "r", "Rebatch group", "Rebatch the group's errored jobs: one "
               "new batch per source batch, after a plan and y; A also includes jobs already "
               "resubmitted", "Change", ("errors",), mutating=True, audit=("rebatch",),
               keymap="rebatch", runs="rebatch_group", verb="rebatch", show=("errors",)),
    ActionSpec("tags", "t", "Tags", "Replace the batch's tags",
               "Change", ("batches", "jobs"), mutating=True, audit=("tags",),
               palette="Set tags of this batch", show=("batches",)),
    ActionSpec("retry", "ctrl+r", "Retry job", "Add a copy of the job under the cursor to its "
               "open batch (asks y)", "Change", ("jobs",), mutating=True, audit=("retry",)),
    ActionSpec("errors_view", "e", "Errors", "Errored jobs of recent batches, grouped by message",
               "Go to", ("batches", "jobs"), keymap="errors", show=("batches",)),
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
    ActionSpec("jump", "i", "Jump to id", "Open a batch by its id or a prefix of it",
               "Go to", ("batches",), runs="jump", show=("batches",)),
    ActionSpec("open_workload", "i", "Open id", "Add a workload to this list by its id",
               "Go to", ("workloads",), keymap="open", runs="open", verb="jump",
               show=("workloads",)),
    ActionSpec("first_error", "f", "First error", "Jump to the first ERROR job under the current "
               "filters (opens the page that holds it)", "Go to", ("jobs",),
               runs="first_error", show=("jobs",)),
    ActionSpec("parent", "P", "Parent job", "Open the job this one was copied from by a rebatch",
               "Go to", ("job",), runs="parent", show=("job",)),
    ActionSpec("mark", "space", "Mark", "Mark or unmark the row under the cursor (and move down)",
               "Select", ("jobs", "devices"), runs="mark", show=("jobs", "devices")),
    ActionSpec("clear_marks", "M", "Clear marks", "Unmark every job",
               "Select", ("jobs",), runs="clear_marks"),
    ActionSpec("errors_only", "exclamation_mark", "Errored only", "Show only the jobs with "
               "errors, or all of them again", "Filter", ("jobs",), runs="errors_only"),
    ActionSpec("raw", "v", "Raw", "Show or hide the raw data: a job's samples, a device's JSON",
               "View", ("job", "devices"), runs="raw", verb="view", show=("job", "devices")),
    ActionSpec("result", "v", "View result", "Show the workload's result (also Enter)",
               "View", ("workloads",), runs="result", verb="view", show=("workloads",)),
    ActionSpec("compare", "equals_sign", "Compare", "Compare two devices side by side: the "
               "marked one and the one under the cursor", "View", ("devices",), runs="compare",
               show=("devices",)),
    ActionSpec("only_differences", "d", "Only differences", "Show only the lines that differ, "
               "or every line", "View", ("compare",), keymap="only_diff",
               runs="only_differences", show=("compare",)),
    ActionSpec("swap", "less_than_sign", "Swap sides", "Swap the two devices' columns", "View",
               ("compare",), runs="swap", show=("compare",)),
    ActionSpec("copy_id", "y", "Copy id", "Copy the full id to the clipboard",
               "Copy", ("job", "workloads"), runs="copy_id", verb="copy",
               show=("job",)),
    ActionSpec("copy_error", "Y", "Copy error", "Copy the job's full error text",
               "Copy", ("job",), runs="copy_error", show=("job",)),
    ActionSpec("forget", "delete", "Forget", "Remove the workload from this list (not from the "
               "cloud)", "Change", ("workloads",), runs="forget"),
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
            a.runs or f"act('{a.name}')",
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


def by_binding_id(binding_id: str) -> ActionSpec | None:
    """The action a binding id (``<screen>.<keymap>``) names, if it is a registry one."""
    screen, _, key = binding_id.partition(".")
    return next(
        (a for a in ACTIONS if screen in a.screens and (a.keymap or a.name) == key), None
    )
