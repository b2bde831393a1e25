"""Who may be invited to a trial: the one rule both ways of inviting apply.

Staff invite either a cohort (a saved filter) or a list of named participants; both go
through service_layer/invitations.py, which asks `exclusion` of every candidate. Cohort
previews count the same reasons in the database (adapters/cohort_queries.py translates
each reason into SQL, in the same order); a test holds the two to the same answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from services.registry.domain.model import age_on

# Someone who said no to any trial, or stopped texts, is not asked again by a new cohort.
NEVER_AGAIN_STATUSES = ("declined", "opted_out", "withdrawn", "refused")
# A status that does not count as invited: the invitation's batch was cancelled before
# it was sent, so the patient may be invited again.
NOT_INVITED = "not_invited"
# Adults only unless the trial says otherwise (an admin's audited setting).
DEFAULT_MINIMUM_AGE = 18

# Reasons in the order they are checked: someone left out for several is counted under
# the first. What staff read for each is beside it.
REASONS: Mapping[str, str] = {
    "already_in_trial": "already invited to this trial",
    "under_age": "under the trial's minimum age",
    "opted_out": "opted out of texts",
    "said_no_elsewhere": "declined, refused, withdrew or opted out in another trial",
    # A postal address reaches them by letter (decision 0029).
    # ... and a patient who asked to be phoned is called on the number they gave (decision 27).
    "no_mobile": "no mobile number that can be texted, no postal address, and no call asked for",
}


@dataclass(frozen=True)
class Candidate:
    """What the rule needs to know of one participant."""

    participant_id: uuid.UUID
    date_of_birth: date
    textable: bool
    opted_out: bool
    # Their status in each trial they were ever invited to.
    statuses: Mapping[uuid.UUID, str] = field(default_factory=dict)
    postal: bool = False  # a letter can reach them
    callable: bool = False  # they prefer a call and gave a number (a landline will do)


def exclusion(
    candidate: Candidate, trial_id: uuid.UUID, minimum_age: int, today: date
) -> str | None:
    """The first reason (a key of REASONS) this candidate may not be invited, or None."""
    current = candidate.statuses.get(trial_id)
    if current is not None and current != NOT_INVITED:
        return "already_in_trial"
    if age_on(candidate.date_of_birth, today) < minimum_age:
        return "under_age"
    if candidate.opted_out:
        return "opted_out"
    if any(status in NEVER_AGAIN_STATUSES for status in candidate.statuses.values()):
        return "said_no_elsewhere"
    if not (candidate.textable or candidate.postal or candidate.callable):
        return "no_mobile"
    return None
