"""What each role finds in the console's navigation. Pure: no Flask."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    endpoint: str  # the Flask endpoint that renders it
    title: str
    description: str


STAFF_SECTIONS = (
    Section("staff.participants", "Patients", "Your practice's patients and their trial status"),
    Section("staff.imports", "Upload patient list", "Load a search exported from your GP system"),
    Section("staff.trials", "Cohorts", "Choose who to invite to a trial and see the mix"),
    Section("staff.batches", "Invitations", "Check the texts, send them and follow progress"),
    Section("staff.replies", "Replies to review", "Replies nobody could understand"),
)
CALLBACKS = Section("callbacks.index", "Callbacks", "Patients who asked to be phoned, oldest first")
COORDINATOR_SECTIONS = (
    Section("coordinator.trials", "Trials", "Consent status for the trials you coordinate"),
)
RESEARCHER_SECTIONS = (
    Section(
        "research.trials",
        "Consent to confirm",
        "Consent discussions, countersignatures, witnesses and consent by phone",
    ),
)
ADMIN_SECTIONS = (
    Section("admin.trials.index", "Trial setup", "Add trials; their reminders and sending hours"),
    Section("admin.consent.index", "Consent forms", "Versions, translations, what patients read"),
    Section(
        "admin.templates.index", "Message templates", "Texts per language, their length and review"
    ),
    Section("admin.recordings.index", "Call recordings", "What a voice call plays, per language"),
    Section("admin.practices", "Practices", "GP practices using TrialReach"),
    Section("admin.tokens", "Access tokens", "Who may sign in, with which role and scope"),
)
ROLE_SECTIONS: dict[str, tuple[Section, ...]] = {
    "staff": (*STAFF_SECTIONS, CALLBACKS),
    "coordinator": (*COORDINATOR_SECTIONS, CALLBACKS),
    "researcher": (*RESEARCHER_SECTIONS, CALLBACKS),
    "admin": (*STAFF_SECTIONS, CALLBACKS, *COORDINATOR_SECTIONS, *ADMIN_SECTIONS),
}


def sections_for(role: str) -> tuple[Section, ...]:
    return ROLE_SECTIONS.get(role, ())


# Pages every signed-in user has: home, signing out.
COMMON_AREAS = frozenset({"session"})


def may_open(role: str, endpoint: str) -> bool:
    """Whether a page belongs to this role; the services still check every call's scope."""
    area = endpoint.split(".", 1)[0]
    return area in COMMON_AREAS or any(
        section.endpoint.split(".", 1)[0] == area for section in sections_for(role)
    )
