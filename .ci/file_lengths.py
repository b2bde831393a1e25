"""No production file (services/, shared/) over 400 lines: a file should read in one sitting.

Run by `make lint`; names each offending file and exits 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

LIMIT = 400
ROOTS = ("services", "shared")


def problems(root: Path) -> list[str]:
    found = []
    for folder in ROOTS:
        for path in sorted((root / folder).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > LIMIT:
                found.append(f"{path.relative_to(root).as_posix()}: {lines} lines (limit {LIMIT})")
    return found


def main(root: Path) -> int:
    found = problems(root)
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
