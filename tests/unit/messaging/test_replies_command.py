"""The classifier as a command: `python -m services.messaging.replies`."""

from __future__ import annotations

import io
import select
import subprocess
import sys
from pathlib import Path

import pytest

from services.messaging.replies import main, run
from tests.unit.messaging.replies_cases import load_cases

ROOT = Path(__file__).resolve().parents[3]
COMMAND = [sys.executable, "-m", "services.messaging.replies"]


def classify_lines(data: bytes) -> tuple[list[str], list[str], int]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(io.BytesIO(data), stdout, stderr)
    return stdout.getvalue().splitlines(), stderr.getvalue().splitlines(), status


def test_the_command_answers_the_whole_test_set_line_by_line() -> None:
    cases = load_cases()
    given = "".join(f"{case.command_input}\n" for case in cases).encode()
    done = subprocess.run(COMMAND, input=given, capture_output=True, cwd=ROOT, timeout=120)
    assert done.stderr.decode() == ""
    assert done.returncode == 0
    assert done.stdout.decode().splitlines() == [case.expected for case in cases]


def test_the_command_answers_each_line_before_the_next_arrives() -> None:
    with subprocess.Popen(
        COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        answers = []
        for line in (b"en\twords\tyes\n", b"ur\twords\tnahi ji\n", b"pl\twords\tnie tak\n"):
            process.stdin.write(line)
            process.stdin.flush()
            ready, _, _ = select.select([process.stdout], [], [], 60)
            assert ready, "no answer while standard input is still open"
            answers.append(process.stdout.readline().decode().strip())
        process.stdin.close()
        assert process.wait(timeout=60) == 0
    assert answers == ["yes", "no", "unknown"]


def test_malformed_lines_are_named_on_stderr_answered_unknown_and_fail_the_run() -> None:
    data = (
        b"en\twords\tyes\n"
        b"just some text\n"
        b"xx\twords\tyes\n"
        b"en\tletters\tyes\n"
        b"\n"
        b"en\twords\t\xff\xfeyes\n"
        b"en\twords\tno\n"
    )
    answers, errors, status = classify_lines(data)
    assert answers == ["yes", "unknown", "unknown", "unknown", "unknown", "unknown", "no"]
    assert [error.split(":")[0] for error in errors] == [
        "line 2",
        "line 3",
        "line 4",
        "line 5",
        "line 6",
    ]
    assert "expected LANG<TAB>CONVENTION<TAB>TEXT" in errors[0]
    assert "unknown LANG 'xx'" in errors[1]
    assert "unknown CONVENTION 'letters'" in errors[2]
    assert "not UTF-8" in errors[4]
    assert status == 1


def test_a_malformed_line_fails_the_real_process_with_status_one() -> None:
    done = subprocess.run(
        COMMAND, input=b"en\twords\tno\nnonsense\n", capture_output=True, cwd=ROOT, timeout=120
    )
    assert (done.stdout.decode().splitlines(), done.returncode) == (["no", "unknown"], 1)
    assert done.stderr.decode().startswith("line 2: ")


def test_escaped_tabs_new_lines_and_backslashes_in_the_text_are_understood() -> None:
    answers, errors, status = classify_lines(
        b"en\twords\tyes\\nthanks\nen\twords\tyes\\tno\nen\twords\t\\\\yes\nen\twords\tyes\\\\nno\n"
    )
    assert (answers, errors, status) == (["yes", "unknown", "yes", "unknown"], [], 0)


def test_windows_line_endings_a_byte_order_mark_and_a_missing_last_new_line_are_fine() -> None:
    answers, errors, status = classify_lines(b"\xef\xbb\xbfen\twords\tyes\r\nen\tdigits\t2")
    assert (answers, errors, status) == (["yes", "no"], [], 0)


def test_language_codes_are_read_whatever_their_case() -> None:
    answers, _, status = classify_lines("PA-ARAB\twords\tنئیں\n".encode())
    assert (answers, status) == (["no"], 0)


def test_empty_input_prints_nothing_and_succeeds() -> None:
    assert classify_lines(b"") == ([], [], 0)


def test_help_describes_the_input_the_output_and_malformed_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    shown = capsys.readouterr().out
    for phrase in ("LANG<TAB>CONVENTION<TAB>TEXT", "words", "digits", "\\t", "exit status is 1"):
        assert phrase in shown
