"""Letters across the three services on the real bus (PostgreSQL and RabbitMQ): a patient with
no mobile is invited by letter, consent makes the letter's link and code once staff approve,
messaging renders the batch with the address read point to point from the registry's HTTP
endpoint, and no address or name ever travels on the bus."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from services.consent.service_layer import forms as consent_forms
from services.messaging.adapters.letter_ports import RegistryRecipients, WeasyPrintRenderer
from services.messaging.service_layer import batches, letter_printing, letters
from services.registry import create_app as create_registry_app
from services.registry.service_layer import addresses, practices, trials
from services.registry.service_layer.participants import ParticipantDetails, register_participant
from shared import i18n
from shared.documents import letter_words
from shared.errors import NotFound
from shared.runtime import Runtime
from tests.integration import test_batch_cancellation as cancellation
from tests.integration.api.conftest import FORM_BODY, serial
from tests.support import settings
from tests.support.api import eventually
from tests.support.factories import patient

pytestmark = pytest.mark.integration
system = cancellation.system  # the three services, their relays and workers on one bus
ODS, ADMIN, STAFF = cancellation.ODS, cancellation.ADMIN, cancellation.STAFF
PRICING = letters.LetterPricing(0.85, "GBP")


@pytest.fixture
def registry_http(system: cancellation.System) -> Iterator[str]:
    """The registry's own app on a real port, as messaging reaches it in production."""
    common = system.registry.settings
    app = create_registry_app(settings.registry(common.database_url, common.bus))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.extensions["trialreach.runtime"].engine.dispose()


def a_patient(system: cancellation.System, **details: Any) -> uuid.UUID:
    found, _ = register_participant(
        system.uow(system.registry),
        ADMIN,
        ParticipantDetails(**patient(ODS, **details)),
        settings.DOB_KEY,
    )
    return found.id


def by_post(
    system: cancellation.System, large_print: bool = False, language: str = "bn"
) -> uuid.UUID:
    participant_id = a_patient(system, mobile=None, language=language)
    street = f"{serial()} Villa Road"
    addresses.set_address(
        system.uow(system.registry),
        ADMIN,
        participant_id,
        {"address_line_1": street, "town": "Birmingham", "postcode": "B19 1BH"},
        large_print,
        settings.DOB_KEY,
    )
    return participant_id


def outbox_payloads(runtime: Runtime) -> list[str]:
    table = runtime.tables.outbox
    with runtime.engine.connect() as conn:
        return [str(p) for p in conn.scalars(select(table.c.payload).order_by(table.c.id))]


def test_a_patient_without_a_mobile_is_invited_by_a_letter_that_opens_their_consent_page(
    system: cancellation.System, registry_http: str, tmp_path: Path
) -> None:
    practices.create_practice(system.uow(system.registry), ODS, "Lozells Medical Practice")
    trial = trials.create_trial(system.uow(system.registry), f"L-{serial()}", "Heart", "Uni", 28)

    def consent_knows_the_trial() -> bool:
        with system.uow(system.consent) as uow:
            return uow.trials.trial(trial.id) is not None

    eventually(consent_knows_the_trial, what="the trial in consent")
    draft = consent_forms.create_draft(system.uow(system.consent), ADMIN, trial.id, FORM_BODY)
    consent_forms.publish(system.uow(system.consent), ADMIN, trial.id, draft.version, "REC 1")
    bengali, large = by_post(system), by_post(system, large_print=True, language="ur")
    texted = a_patient(system)
    batch_id = cancellation.invite_everyone(system, trial.id, expected=3)

    def held_letters() -> letters.LetterPreview | None:
        try:
            found = letters.preview(system.uow(system.messaging), STAFF, batch_id, PRICING)
        except NotFound:
            return None  # the batch has not reached messaging yet
        return found if found.stages["waiting_for_approval"] == 2 else None

    preview = eventually(held_letters, what="two letters held in messaging")
    assert (preview.letters, preview.large_print, preview.postage) == (2, 1, 1.7)
    assert {row.language for row in preview.languages} == {"bn", "ur"}
    assert cancellation.System.held(system, batch_id) == 3  # two letters and one text

    batches.approve(
        system.uow(system.messaging), ADMIN, batch_id, send_at=None, allow_unreviewed=True
    )

    def ready() -> letters.LetterPreview | None:
        found = letters.preview(system.uow(system.messaging), STAFF, batch_id, PRICING)
        stages = found.stages
        return found if stages["to_print"] == 2 and found.waiting_for_link == 0 else None

    eventually(ready, what="consent's links on both letters")
    directory = RegistryRecipients(registry_http, settings.LETTERS_TOKEN)
    made = letter_printing.printable(
        system.uow(system.messaging), STAFF, batch_id, directory, WeasyPrintRenderer()
    )
    assert made.letters == 2
    pdf = tmp_path / "batch.pdf"
    pdf.write_bytes(made.pdf)

    with system.uow(system.messaging) as uow:
        mine = {
            letter.participant_id: letter
            for letter, _ in uow.letters.of_batch(batch_id, ["queued"])
        }
    assert set(mine) == {bengali, large}
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Villa Road" in text and "B19 1BH" in text and "Lozells Medical Practice" in text
        assert i18n.gettext("ur", letter_words.HEADING) in text
        assert text.count(mine[bengali].short_link.rsplit("/", 1)[1]) >= 1
    if shutil.which("zbarimg"):
        subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "p")], check=True)
        found = set()
        for page in sorted(tmp_path.glob("p*.png")):
            out = subprocess.run(["zbarimg", "-q", str(page)], capture_output=True, text=True)
            found |= {line.removeprefix("QR-Code:") for line in out.stdout.split()}
        assert found == {mine[bengali].link, mine[large].link}

    assert letters.mark_printed(system.uow(system.messaging), STAFF, batch_id) == 2
    assert letters.mark_posted(system.uow(system.messaging), STAFF, batch_id) == 2
    with system.uow(system.consent) as uow:
        live = uow.consent_links.live_links(bengali, trial.id)
        assert [uow.links.url(link.id) for link in live] == [mine[bengali].link]
        assert all(link.has_printed_code for link in live)

    everything = json.dumps(
        [outbox_payloads(r) for r in (system.registry, system.messaging, system.consent)]
    )
    assert "Villa Road" not in everything and "B19 1BH" not in everything
    shared = [
        json.loads(p)["data"]
        for p in outbox_payloads(system.registry)
        if '"registry.participant.registered"' in p
    ]
    # What the others may know: whether a letter can reach them, and in large print.
    assert {(d["participant_id"], d["postal"], d["large_print"]) for d in shared} == {
        (str(bengali), True, False),
        (str(large), True, True),
        (str(texted), False, False),
    }
    sent = [
        json.loads(p)
        for p in outbox_payloads(system.messaging)
        if '"messaging.message.status_changed"' in p
    ]
    posted = [e["data"] for e in sent if e["data"]["status"] == "sent"]
    assert len(posted) == 2 and {e["channel"] for e in posted} == {"letter"}
    assert texted not in {e["participant_id"] for e in posted}
    assert system.dead(system.messaging) == [] and system.dead(system.consent) == []
