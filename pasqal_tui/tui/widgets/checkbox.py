"""A checkbox whose state reads as text, ☑ or ☐, not only as the colour of an X."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox

TICKED = "☑"
UNTICKED = "☐"


class TextCheckbox(Checkbox):
    """Textual's Checkbox drawn as ☑ / ☐ (readable without colour, and in a screenshot)."""

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--label")
        return Content.assemble((TICKED if self.value else UNTICKED, style))
