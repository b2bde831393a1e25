"""The patient's consent page: open a link, prove who you are, read, agree or decline, withdraw.

Every way a link can fail (tampered, unknown, expired, revoked) is the same `LinkNotUsable`,
and every failed date-of-birth check the same `NotConfirmed`, so the page tells an attacker
nothing about which it was. A locked link is `Locked`: the patient is told, and what to do.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from services.consent.domain import lifecycle, links
from services.consent.domain.forms import ConsentForm
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.links import ConsentLink
from services.consent.domain.participant import ParticipantBands
from services.consent.domain.responses import AGREED, ConsentResponse, answer
from services.consent.domain.understanding import still_to_answer
from services.consent.service_layer import confirmation, letters, outreach, signing
from services.consent.service_layer.changes import change, notify, publish_status
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared import clock
from shared.dob import keyed_dob_hash
from shared.errors import DomainError, InvalidTransition


class LinkNotUsable(DomainError):
    title = "This link does not work"


class NotConfirmed(DomainError):
    title = "We could not confirm your details"


class Locked(DomainError):
    title = "Too many tries"

    def __init__(self, detail: str, language: str = "en") -> None:
        super().__init__(detail)
        self.language = language  # the patient's own, to tell them in it


@dataclass(frozen=True)
class IdentityStep:
    link_id: uuid.UUID
    needs_code: bool  # the trial asks for a one-time code too: one has just been sent


ASKING = "asking"  # show the form
AGREED_ALREADY = "agreed"
AWAITING_TEAM = "awaiting_confirmation"  # signed; the research team confirms (decision 0032)
CLOSED = "closed"  # refused, withdrawn, expired, opted out: nothing more to do here


@dataclass(frozen=True)
class PageView:
    link_id: uuid.UUID
    record: ConsentRecord
    form: ConsentForm | None  # the form to show or that was agreed
    language: str  # the participant's language from the registry
    state: str
    reconsent: bool
    agreement: ConsentResponse | None
    locked: bool = False  # too many wrong tries: the page says so before asking again


def link_id(uow: ConsentUnitOfWork, token: str) -> uuid.UUID:
    found = uow.links.signer.link_id(token)
    if found is None:
        raise LinkNotUsable("the link is not one of ours")
    return found


def _live_link(uow: ConsentUnitOfWork, token: str, *, lock: bool = False) -> ConsentLink:
    link = uow.consent_links.link(link_id(uow, token), lock=lock)
    if link is None or not link.is_live(clock.now()):
        raise LinkNotUsable("the link is unknown, expired or revoked")
    return link


def check_dob(uow: ConsentUnitOfWork, token: str, given: date | None, key: str) -> IdentityStep:
    """The next step when the date of birth matches; NotConfirmed or Locked when not.

    Where the trial asks for a one-time code, a new one goes to the invited number: texted,
    or said in a call to a patient invited by call alone.
    """
    with uow:
        link = _live_link(uow, token, lock=uow.row_locks)
        participant = uow.participants.participant(link.participant_id)
        expected = participant.dob_hash if participant and not participant.erased else None
        given_hash = keyed_dob_hash(key, given) if given else ""
        now = clock.now()
        was_locked = link.is_locked(now)
        outcome = link.check_dob(given_hash, expected, now)
        needs_code = False
        if outcome == links.PASSED and link.has_printed_code:
            needs_code = True  # a letter's link: the code is printed on it, none is texted
        elif outcome == links.PASSED:
            trial = uow.trials.trial(link.trial_id)
            needs_code = trial is not None and trial.identity_check == links.DOB_AND_CODE
            if needs_code:
                _text_a_code(uow, link, now)
        elif outcome == links.LOCKED and not was_locked:
            _note(uow, link, "identity_locked", actor="system", channel="web")
        language = participant.language if participant and participant.language else "en"
        uow.commit()  # the failure count must stick
    _raise_unless_passed(outcome, language)
    return IdentityStep(link.id, needs_code)


def code_route(uow: ConsentUnitOfWork, token: str) -> str:
    """How the link's one-time code reached the patient: links.BY_LETTER, BY_CALL, BY_TEXT."""
    with uow:
        link = uow.consent_links.link(link_id(uow, token))
        if link is None:
            return links.BY_TEXT
        return _route(uow, link)


def _route(uow: ConsentUnitOfWork, link: ConsentLink) -> str:
    invited_on = uow.reporting.invited_on(link.trial_id, link.participant_id)
    return links.code_route(link.has_printed_code, invited_on)


def check_code(uow: ConsentUnitOfWork, token: str, code: str) -> uuid.UUID:
    """The link id when the one-time code matches; NotConfirmed or Locked when not."""
    with uow:
        link = _live_link(uow, token, lock=uow.row_locks)
        now = clock.now()
        was_locked, printed = link.is_locked(now), link.has_printed_code
        given = "".join(code.split())  # printed in threes: "482 913"
        outcome = link.check_code(uow.links.signer.code_hash(link.id, given), now)
        if outcome == links.LOCKED and not was_locked:
            _note(uow, link, "identity_locked", actor="system", channel="web")
        if outcome == links.PASSED and printed:
            record = uow.records.record(link.participant_id, link.trial_id, lock=uow.row_locks)
            letters.letter_answered(uow, record)
        participant = uow.participants.participant(link.participant_id)
        language = participant.language if participant and participant.language else "en"
        uow.commit()
    _raise_unless_passed(outcome, language)
    return link.id


def _raise_unless_passed(outcome: str, language: str) -> None:
    if outcome == links.LOCKED:
        raise Locked("too many wrong tries: the link is locked for a while", language)
    if outcome != links.PASSED:
        raise NotConfirmed("the date of birth or code did not match")


def _text_a_code(uow: ConsentUnitOfWork, link: ConsentLink, now: datetime) -> None:
    record = uow.records.record(link.participant_id, link.trial_id)
    if record is None:
        raise LinkNotUsable("no consent record for this link")
    code = links.new_code()
    link.start_code(uow.links.signer.code_hash(link.id, code), now)
    notify(uow, record, "identity_code", code=code, spoken=_route(uow, link) == links.BY_CALL)


def _note(
    uow: ConsentUnitOfWork, link: ConsentLink, action: str, *, actor: str, channel: str
) -> None:
    record = uow.records.record(link.participant_id, link.trial_id, lock=uow.row_locks)
    if record is not None and record.status is not None:
        uow.audit.add(record.note(action, actor=actor, channel=channel))


def view(uow: ConsentUnitOfWork, token: str) -> PageView:
    with uow:
        found = uow.consent_links.link_with_record(link_id(uow, token))
        if found is None or not found[0].is_live(clock.now()):
            raise LinkNotUsable("the link is unknown, expired or revoked")
        link, record, participant = found
        return _view(uow, link, record, participant)


def _view(
    uow: ConsentUnitOfWork,
    link: ConsentLink,
    record: ConsentRecord | None = None,
    participant: ParticipantBands | None = None,
) -> PageView:
    if record is None:
        found = uow.records.record_with_bands(link.participant_id, link.trial_id)
        if found is None:
            raise LinkNotUsable("no consent record for this link")
        record, participant = found
    language = participant.language if participant and participant.language else "en"
    latest = uow.forms.latest_published(link.trial_id)
    agreement, reconsent = None, False
    if record.status in lifecycle.SIGNED:
        agreement = uow.responses.latest_agreement(record.id)
        # Re-consent asks those consented; a patient awaiting the team signed already.
        reconsent = bool(
            record.status == lifecycle.CONSENTED
            and latest is not None
            and record.form_version is not None
            and latest.version > record.form_version
            and uow.forms.reconsent_required_since(link.trial_id, record.form_version)
        )
    if record.status == lifecycle.LINK_SENT or reconsent:
        state, form = ASKING, latest
    elif record.status in lifecycle.SIGNED:
        state = AGREED_ALREADY if record.status == lifecycle.CONSENTED else AWAITING_TEAM
        form = uow.forms.form(link.trial_id, record.form_version) if record.form_version else None
    else:
        state, form = CLOSED, latest
    locked = link.is_locked(clock.now())
    return PageView(link.id, record, form, language, state, reconsent, agreement, locked)


def respond(
    uow: ConsentUnitOfWork,
    token: str,
    decision: str,
    ticked: set[str],
    language: str,
    form_version: int,
    signature: signing.SignatureGiven | None = None,
) -> ConsentResponse:
    """Agree or decline the form version the patient read (a newer one is refused clearly).

    Agreeing needs the signature the trial asks for (domain.signatures); its salted hash goes
    into the consent's audit entry and the confirming text links to the signed copy."""
    with uow:
        link = _live_link(uow, token)
        uow.records.record(link.participant_id, link.trial_id, lock=uow.row_locks)
        page = _view(uow, link)
        record = page.record
        if record is None or page.state != ASKING or page.form is None:
            raise InvalidTransition("this consent has already been answered")
        form = page.form
        if form.version != form_version:
            raise InvalidTransition("the form has changed since the page was opened; read it again")
        if questions_pending(uow, record, form):
            raise InvalidTransition("the questions about the study come first")
        response = answer(form, record.id, record.participant_id, language, decision, ticked)
        signed = (
            signing.signature_for(uow, record, response, signature) if decision == AGREED else None
        )
        sealed = signed.sha256 if signed else None
        uow.responses.add(response)
        if page.reconsent and decision == AGREED:
            entry = record.reconsent(
                actor="participant",
                channel="web",
                form_version=form.version,
                form_hash=response.form_hash,
                signature_hash=sealed,
            )
            uow.audit.add(entry)
            publish_status(uow, record, lifecycle.CONSENTED)
            notify(uow, record, "consent_confirmation", signing.keep(uow, response, signed))
        elif page.reconsent:
            outreach.withdraw_record(uow, record, channel="web")
        elif decision == AGREED:
            copy_link = signing.keep(uow, response, signed)
            confirmation.patient_agreed(uow, record, form, sealed, copy_link)
        else:
            change(uow, record, lifecycle.REFUSED, actor="participant", channel="web", form=form)
        uow.commit()
    return response


def questions_pending(
    uow: ConsentUnitOfWork, record: ConsentRecord, form: ConsentForm
) -> list[str]:
    """The form's understanding questions not yet answered right (none if it has none)."""
    if not form.questions:
        return []
    return still_to_answer(form.questions, uow.understanding.answers(record.id, form.version))


def withdraw(uow: ConsentUnitOfWork, token: str) -> None:
    with uow:
        link = _live_link(uow, token)
        record = uow.records.record(link.participant_id, link.trial_id, lock=uow.row_locks)
        if record is None or record.status not in lifecycle.SIGNED:
            raise InvalidTransition("only someone who agreed can withdraw")
        outreach.withdraw_record(uow, record, channel="web")
        uow.commit()


def request_callback(uow: ConsentUnitOfWork, token: str, language: str) -> None:
    """The form is not in the patient's language: ask the research team to phone, with an
    interpreter. Published as an event (the record itself does not change), so messaging
    or the console can put it in the team's call list."""
    with uow:
        link = _live_link(uow, token)
        page = _view(uow, link)
        form_languages = sorted(page.form.translations) if page.form else []
        uow.publish(
            "consent.callback.requested",
            {
                "participant_id": page.record.participant_id,
                "trial_id": page.record.trial_id,
                "language": language,
                "form_languages": form_languages,
                "interpreter": True,
            },
        )
        uow.commit()
