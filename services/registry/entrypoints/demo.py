"""Demo data for the local run, made through the same use cases staff and admins use.

The people are fictional: synthetic NHS numbers (the 999 range) and mobile numbers that
only ever reach the fake Twilio server.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import nhs_number

from services.registry.service_layer import (
    addresses,
    invitations,
    participants,
    practices,
    tokens,
    trials,
)
from services.registry.service_layer.unit_of_work import SqlRegistryUnitOfWork
from shared.auth.principal import ADMIN, Principal

PRACTICE = ("M85001", "Demo Medical Centre, Birmingham")
TRIAL = ("DEMO-AF", "Finding irregular heart rhythm early (demo)", "Demo University")
PEOPLE = (
    ("Amelia", "Hughes", "1958-03-14", "female", "en", "+447400123401", "A"),
    ("Imran", "Hussain", "1961-07-02", "male", "ur", "+447400123402", "J"),
    ("Zofia", "Nowak", "1966-11-23", "female", "pl", "+447400123403", "C"),
    ("Rahima", "Begum", "1955-01-30", "female", "bn", "+447400123404", "K"),
    # Every channel in the demo (issue 17): no mobile, so a letter to her address...
    ("Margaret", "Evans", "1949-05-19", "female", "en", None, "A"),
    # ...and one who prefers WhatsApp (messaging's demo-whatsapp records his opt-in).
    ("Yusuf", "Patel", "1963-09-08", "male", "en", "+447400123406", "H"),
)
PREFERRED = {"Yusuf": "whatsapp"}
ADDRESSES = {
    "Margaret": {
        "address_line_1": "14 Moseley Road",
        "town": "Birmingham",
        "postcode": "B12 0HJ",
    }
}


def synthetic_nhs_number(serial: int) -> str:
    """A valid number in the 999 range, which the NHS keeps for test data."""
    while True:
        digits = f"999{serial:06d}"
        check = nhs_number.calculate_checksum(digits)
        if check is not None and check != 10:
            return f"{digits}{check}"
        serial += 1


def load_demo(uow_factory: Callable[[], SqlRegistryUnitOfWork], dob_key: str, state: Path) -> dict:
    """Create the demo once; later runs read what was made from `state`."""
    if state.exists():
        loaded: dict = json.loads(state.read_text())
        return loaded
    admin = Principal(uuid.uuid4(), "demo set-up", ADMIN)
    practices.create_practice(uow_factory(), *PRACTICE)
    trial = trials.create_trial(uow_factory(), *TRIAL, response_deadline_days=28)
    ids = []
    for serial, (given, family, dob, sex, language, mobile, ethnic) in enumerate(PEOPLE, 1):
        details = participants.ParticipantDetails(
            practice_ods=PRACTICE[0],
            nhs_number=synthetic_nhs_number(serial * 7),
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            language=language,
            mobile=mobile,
            sex=sex,
            ethnic_category=ethnic,
            imd_decile=serial + 1,
            imd_edition=2019,
            preferred_channel=PREFERRED.get(given),
        )
        participant, _ = participants.register_participant(uow_factory(), admin, details, dob_key)
        if given in ADDRESSES:
            addresses.set_address(
                uow_factory(), admin, participant.id, dict(ADDRESSES[given]), False, dob_key
            )
        ids.append(participant.id)
    made = {
        "practice": PRACTICE[0],
        "trial_id": str(trial.id),
        "participants": [str(i) for i in ids],
        # Who the demo reaches on which channel: messaging's demo-whatsapp reads this.
        "whatsapp": [
            {"participant_id": str(i), "mobile": person[5]}
            for i, person in zip(ids, PEOPLE, strict=True)
            if PREFERRED.get(person[0]) == "whatsapp"
        ],
        "tokens": {
            "admin": tokens.issue_token(uow_factory(), "Demo admin", "admin").token,
            "staff": tokens.issue_token(uow_factory(), "Demo staff", "staff", [PRACTICE[0]]).token,
            "coordinator": tokens.issue_token(
                uow_factory(), "Demo coordinator", "coordinator", trials=[trial.id]
            ).token,
            "researcher": tokens.issue_token(
                uow_factory(), "Demo researcher", "researcher", trials=[trial.id]
            ).token,
        },
    }
    staff = Principal(uuid.uuid4(), "Demo staff", "staff", frozenset({PRACTICE[0]}))
    requested = invitations.request_invitations(
        uow_factory(), staff, invitations.NamedParticipants(trial.id, PRACTICE[0], ids), dob_key
    )
    made["batch_id"] = str(requested.batch_id)
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps(made, indent=2))
    os.chmod(state, 0o600)
    return made


def welcome(made: dict) -> str:
    trial, first = made["trial_id"], made["participants"][1]
    tokens_ = made["tokens"]
    staff, practice = tokens_["staff"], made["practice"]
    batch = f"http://127.0.0.1:8002/batches/{made.get('batch_id', '<batch id>')}"
    return f"""
TrialReach is starting. Staff have asked to invite six demo patients to trial DEMO-AF:
English, Urdu, Polish and Bengali speakers by text, one without a mobile by letter, and one
who prefers WhatsApp (and agreed to it); messaging holds the batch for approval.

  1. Preview it: each language's text, parts (segments) and cost, and which translations
     nobody has reviewed yet:
    curl -s -H "Authorization: Bearer {tokens_["staff"]}" {batch}/preview

  2. Send it. The shipped translations are unreviewed, so an admin approves knowingly:
    curl -s -X POST -H "Authorization: Bearer {tokens_["admin"]}" \\
      -H "Content-Type: application/json" -d '{{"allow_unreviewed": true}}' {batch}/approve

  3. Watch the texts arrive, each with its part count, and follow the batch:
    curl -s -H "Authorization: Bearer {tokens_["staff"]}" {batch}/report
     The letter waits on the batch's "Letters" page in the console: download it, mark it
     printed, then posted. The WhatsApp invitation shows on the phone simulator under
     whatsapp:+447400123406. Reach by channel is on the batch page, the coordinator's
     trial page and the equity report.

  Staff and coordinator console:         http://127.0.0.1:8000  (sign in with a token below)
  Phone simulator (reply as a patient):  http://127.0.0.1:8010/phone
  Registry API docs:                     http://127.0.0.1:8001/docs
  Messaging API docs:                    http://127.0.0.1:8002/docs
  Consent API docs:                      http://127.0.0.1:8003/docs

  Tokens (local demo only):
    staff        {tokens_["staff"]}
    coordinator  {tokens_["coordinator"]}
    researcher   {tokens_.get("researcher", "(start afresh: make clean)")}
    admin        {tokens_["admin"]}

  Reply YES on the simulator, then see the consent status change:
    curl -s -H "Authorization: Bearer {tokens_["coordinator"]}" \\
      http://127.0.0.1:8003/trials/{trial}/consent-records/{first}

  Import a sample practice list (2,500 synthetic Birmingham patients, a few bad rows):
    curl -si -H "Authorization: Bearer {staff}" -H "Content-Type: text/csv" \\
      --data-binary @deploy/local/samples/birmingham_practice_list.csv \\
      http://127.0.0.1:8001/practices/{practice}/imports
  then follow the Location it answers with (progress), and add /errors.csv for the report:
    curl -s -H "Authorization: Bearer {staff}" http://127.0.0.1:8001/imports/<id>
    curl -s -H "Authorization: Bearer {staff}" http://127.0.0.1:8001/imports/<id>/errors.csv

  Build a cohort of Urdu, Mirpuri, Punjabi and Bengali speakers aged 40 to 79, and preview
  it (Mirpuri speakers are texted in Urdu):
    curl -s -H "Authorization: Bearer {staff}" -H "Content-Type: application/json" \\
      -d '{{"practice_ods": "{practice}", "name": "South Asian languages, 40-79",
           "criteria": {{"age_min": 40, "age_max": 79,
                        "languages": ["ur", "phr", "pa", "bn", "syl"]}}}}' \\
      http://127.0.0.1:8001/trials/{trial}/cohorts
    curl -s -H "Authorization: Bearer {staff}" http://127.0.0.1:8001/cohorts/<id>/preview
  and confirm the preview's "textable" figure to send the invitations:
    curl -s -H "Authorization: Bearer {staff}" -H "Content-Type: application/json" \\
      -d '{{"expected_count": <textable>}}' http://127.0.0.1:8001/cohorts/<id>/invitations

  Press Ctrl-C to stop everything.
"""
