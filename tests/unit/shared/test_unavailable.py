"""Which errors mean a dependency is down (503 with Retry-After), not a bug (500) or bad
input (4xx)."""

from __future__ import annotations

import pytest
from kombu.exceptions import OperationalError as BusOperationalError
from sqlalchemy import exc

from shared.http.unavailable import is_dependency_down


def _wrapped() -> Exception:
    try:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except ConnectionRefusedError as cause:
            raise RuntimeError("while storing") from cause
    except RuntimeError as error:
        return error


@pytest.mark.parametrize(
    ("error", "down"),
    [
        (exc.OperationalError("SELECT 1", {}, Exception("connection refused")), True),
        (exc.InterfaceError("SELECT 1", {}, Exception("connection closed")), True),
        (exc.TimeoutError("QueuePool limit reached"), True),
        (BusOperationalError("[Errno 111] Connection refused"), True),
        (ConnectionResetError(104, "reset by peer"), True),
        (TimeoutError("the group writer is stuck"), True),
        (_wrapped(), True),
        (exc.IntegrityError("INSERT", {}, Exception("duplicate key")), False),
        (exc.DataError("INSERT", {}, Exception("value too long")), False),
        (ValueError("a bug"), False),
    ],
)
def test_dependency_errors_are_told_from_the_others(error: Exception, down: bool) -> None:
    assert is_dependency_down(error) is down
