"""The 400-line rule `make lint` runs (.ci/file_lengths.py) names what breaks it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHECK = Path(__file__).parents[3] / ".ci" / "file_lengths.py"


def run(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHECK), str(root)], capture_output=True, text=True, check=False
    )


def write(root: Path, name: str, lines: int) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x = 1\n" * lines, encoding="utf-8")


def test_a_tree_within_the_limit_passes(tmp_path: Path) -> None:
    write(tmp_path, "shared/fine.py", 400)

    assert run(tmp_path).returncode == 0


def test_a_production_file_over_the_limit_is_named_and_tests_are_not_counted(
    tmp_path: Path,
) -> None:
    write(tmp_path, "services/registry/big.py", 401)
    write(tmp_path, "shared/fine.py", 400)
    write(tmp_path, "tests/unit/long_test.py", 900)

    result = run(tmp_path)

    assert result.returncode == 1
    assert result.stderr.splitlines() == ["services/registry/big.py: 401 lines (limit 400)"]


def test_the_project_itself_passes() -> None:
    assert run(CHECK.parents[1]).stderr == ""
