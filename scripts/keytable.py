"""Write the key table into README.md from the action registry (`--check`: only compare).

    python scripts/keytable.py          # rewrite the table between its markers
    python scripts/keytable.py --check  # exit 1 when README.md and the registry disagree
"""

from __future__ import annotations

import sys
from pathlib import Path

from pasqal_tui.tui.actions.keytable import replace_in

README = Path(__file__).resolve().parents[1] / "README.md"


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    wanted = replace_in(text)
    if "--check" in argv:
        if wanted != text:
            print("README.md's key table differs from the registry: run scripts/keytable.py")
            return 1
        return 0
    README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
