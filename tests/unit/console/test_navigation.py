"""Which pages each role's console offers."""

from __future__ import annotations

import pytest

from services.console.domain.navigation import may_open, sections_for


@pytest.mark.parametrize(
    ("role", "endpoint", "allowed"),
    [
        ("staff", "staff.participants", True),
        ("staff", "coordinator.trial", False),
        ("coordinator", "coordinator.record", True),
        ("coordinator", "staff.participant", False),
        ("staff", "staff.set_language", True),
        ("coordinator", "staff.set_language", False),
        ("researcher", "staff.set_language", False),
        ("admin", "staff.participants", True),
        ("admin", "coordinator.trials", True),
        ("staff", "session.home", True),
        ("nobody", "session.home", True),
        ("nobody", "staff.participants", False),
        ("staff", "admin.tokens", False),
        ("coordinator", "admin.practices", False),
        ("admin", "admin.tokens", True),
        ("admin", "admin.templates.edit", True),
        ("staff", "admin.templates.segments", False),
        ("coordinator", "admin.consent.version", False),
        ("staff", "admin.trials.index", False),
        ("staff", "callbacks.index", True),
        ("coordinator", "callbacks.task", True),
        ("admin", "callbacks.close", True),
        ("nobody", "callbacks.index", False),
    ],
)
def test_a_role_opens_only_its_own_areas(role: str, endpoint: str, allowed: bool) -> None:
    assert may_open(role, endpoint) is allowed


def test_an_unknown_role_has_no_sections() -> None:
    assert sections_for("nobody") == ()
    titles = [s.title for s in sections_for("admin")]
    assert titles[0] == "Patients" and titles[-2:] == ["Practices", "Access tokens"]
    assert {s.endpoint.split(".")[0] for s in sections_for("admin")} == {
        "staff",
        "callbacks",
        "coordinator",
        "admin",
    }
    assert [s.title for s in sections_for("admin")].count("Callbacks") == 1
