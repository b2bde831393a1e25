"""Reading a patient list file as GP systems export it: CSV (UTF-8, UTF-8 with BOM or
Windows-1252), a JSON array, or JSON Lines.

Pure: reads from any binary stream, holds one row at a time, knows nothing of storage.
A problem with the whole file (empty, not text, wrong delimiter, a huge line) raises
FileProblem; a problem with one row becomes RowErrors and never stops the rows around it.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from typing import IO, Any

import ijson
from ijson.common import ObjectBuilder

from services.registry.domain.patient_columns import (
    Columns,
    FileProblem,
    canonical,
    map_columns,
)
from services.registry.domain.patient_rows import RowError

MAX_LINE_BYTES = 64 * 1024
MAX_FIELD_CHARS = 1000  # a longer field means this is not a patient list
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f]")


def _refuse_binary(stream: IO[bytes]) -> None:
    """Look at the start of the file: a spreadsheet, image or archive is not a CSV."""
    head = stream.read(8192)
    stream.seek(0)
    if _BINARY_BYTES.search(head):
        raise FileProblem(
            "the file holds binary data, not text: export the list as CSV "
            "(an .xlsx spreadsheet or a zip cannot be read)"
        )


def _decoded_lines(stream: IO[bytes]) -> Iterator[str]:
    """Lines as text: UTF-8 (with or without BOM), else Windows-1252, line by line."""
    _refuse_binary(stream)
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise FileProblem(f"line {number} is longer than {MAX_LINE_BYTES:,} bytes")
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                raise FileProblem(
                    f"line {number} is neither UTF-8 nor Windows-1252 text: is this a CSV file?"
                ) from None
        if _CONTROL.search(text):
            raise FileProblem(f"line {number} holds binary data: is this a CSV file?")
        yield text


def csv_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, its fields), header included; blank lines skipped."""
    reader = csv.reader(_decoded_lines(stream), strict=True)
    start = 1
    try:
        for fields in reader:
            if "".join(fields).strip():
                # Only a row this long can hold a field this long: skip the loop mostly.
                if (
                    sum(map(len, fields)) > MAX_FIELD_CHARS
                    and max(map(len, fields)) > MAX_FIELD_CHARS
                ):
                    raise FileProblem(
                        f"line {start} has a field longer than {MAX_FIELD_CHARS:,} "
                        "characters: is this a patient list?"
                    )
                yield start, fields
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileProblem(f"line {reader.line_num} is not valid CSV: {exc}") from None


def csv_records(
    stream: IO[bytes],
) -> tuple[Columns | None, Iterator[tuple[int, dict[str, str], list[RowError]]]]:
    """The header's columns and an iterator of (line, values by field, shape errors)."""
    rows = csv_rows(stream)
    first = next(rows, None)
    if first is None:
        raise FileProblem("the file is empty")
    columns = map_columns(first[1])
    width = len(first[1])
    items = tuple(columns.index.items())

    def records() -> Iterator[tuple[int, dict[str, str], list[RowError]]]:
        for line, fields in rows:
            errors = []
            if len(fields) > width:
                errors.append(
                    RowError(line, "_", f"has {len(fields)} fields but the header has {width}")
                )
            count = len(fields)
            values = {name: fields[i] if i < count else "" for name, i in items}
            yield line, values, errors

    return columns, records()


def json_records(
    stream: IO[bytes], lines: bool
) -> Iterator[tuple[int, dict[str, str], list[RowError]]]:
    """Objects from a JSON array (line = item number) or JSON Lines (line = line number)."""
    if lines:
        for number, text in enumerate(_decoded_lines(stream), 1):
            if not text.strip():
                continue
            try:
                item = json.loads(text)
            except ValueError:
                yield number, {}, [RowError(number, "_", "is not a JSON object")]
                continue
            yield _json_record(number, item)
        return
    _refuse_binary(stream)
    for number, item in enumerate(_array_items(stream), 1):
        yield _json_record(number, item)


_OPENS, _CLOSES = frozenset({"start_map", "start_array"}), frozenset({"end_map", "end_array"})
MAX_JSON_DEPTH = 32  # a patient is a flat object; deeper is not a patient list


def _array_items(stream: IO[bytes]) -> Iterator[Any]:
    """The items of a top-level JSON array, or of {"patients": [...]}, one at a time.

    Parsed incrementally (ijson), so memory holds one patient, not the file: a 50 MB array
    read whole took about eight times its size. A syntax error anywhere raises FileProblem
    when the parser reaches it (scan() reads the whole file before any import starts).
    Basic events, without ijson's path prefixes: those grow with the nesting, and a
    hostile file nested 100,000 deep would otherwise need gigabytes for them.
    """
    events = ijson.basic_parse(stream, use_float=True)
    try:
        first = next(events, None)
        if first is None:
            raise FileProblem("the body is not JSON: it is empty")
        top = first[0]
        if top not in _OPENS:
            raise FileProblem(_NOT_AN_ARRAY)
        # Where the patients are: depth 1 in an array, depth 2 under "patients" in an object.
        items_at = 1 if top == "start_array" else 2
        inside = found = top == "start_array"
        depth, key = 1, None
        builder: ObjectBuilder | None = None
        for event, value in events:
            if event in _OPENS:
                depth += 1
                if depth > MAX_JSON_DEPTH:
                    raise FileProblem(f"the JSON is nested more than {MAX_JSON_DEPTH} deep")
            elif event in _CLOSES:
                depth -= 1
            if builder is not None:
                builder.event(event, value)
                if depth == items_at:
                    yield builder.value
                    builder = None
            elif inside and depth == items_at + 1 and event in _OPENS:
                builder = ObjectBuilder()
                builder.event(event, value)
            elif inside and depth == items_at and event not in _CLOSES:
                yield value  # a bare number or string: reported as not an object
            elif inside and depth < items_at:
                inside = False
            elif event == "map_key" and depth == 1:
                key = value
            elif event == "start_array" and depth == 2 and key == "patients":
                inside = found = True
    except ijson.JSONError as exc:
        raise FileProblem(f"the body is not JSON: {_first_line(exc)}") from None
    if not found:
        raise FileProblem(_NOT_AN_ARRAY)


_NOT_AN_ARRAY = 'send a JSON array of patients (or {"patients": [...]})'


def _first_line(exc: Exception) -> str:
    """The parser's reason without the excerpt of the file it quotes (patient data)."""
    raw = exc.args[0] if exc.args else str(exc)
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return text.strip().splitlines()[0] if text.strip() else "it cannot be parsed"


def _json_record(number: int, item: Any) -> tuple[int, dict[str, str], list[RowError]]:
    if not isinstance(item, dict):
        return number, {}, [RowError(number, "_", "is not a JSON object")]
    values: dict[str, str] = {}
    errors: list[RowError] = []
    for key, value in item.items():
        name, implied = canonical(str(key))
        if name is None:
            continue
        if isinstance(value, bool):
            values[name] = "yes" if value else "no"
        elif value is None:
            values[name] = ""
        elif isinstance(value, str | int | float):
            values[name] = str(value)
        else:
            errors.append(RowError(number, str(key), "must be text or a number"))
        if implied is not None:
            values.setdefault("imd_edition", str(implied))
    return number, values, errors
