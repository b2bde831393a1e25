"""Signatures' pure rules: what a drawing and a typed name must be, which the trial allows,
the salted hash in the audit chain, UK time, and the copy link's life."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.consent.domain import signatures
from services.consent.domain.audit import first_broken
from services.consent.domain.lifecycle import (
    CONSENTED,
    INTERESTED,
    INVITED,
    LINK_SENT,
    ConsentRecord,
)
from services.consent.domain.links import LinkSigner
from services.consent.domain.signatures import (
    COPY_LINK_LIFETIME,
    DRAWN,
    DRAWN_OR_TYPED,
    NONE,
    TYPED,
    CopyLink,
    clean_drawing,
    clean_name,
    sign,
    uk_time,
)
from services.consent.service_layer.unit_of_work import LinkMaker
from shared.errors import InvalidInput
from shared.link_tokens import MASK, mask_tokens

A_DRAWING = "M10 100 L40 60 L70 140 L100 60 L130 140 L160 80 L190 120 L220 90 M250 100 L300 100"


def signed(mode: str = DRAWN_OR_TYPED, kind: str = DRAWN, **fields: object) -> signatures.Signature:
    defaults: dict[str, object] = {"drawing": A_DRAWING, "typed_name": "", "confirmed": False}
    return sign(
        mode,
        kind,
        record_id=uuid.uuid4(),
        trial_id=uuid.uuid4(),
        response_id=uuid.uuid4(),
        form_version=1,
        **{**defaults, **fields},  # type: ignore[arg-type]
    )


def field_of(error: InvalidInput) -> str:
    return error.errors[0].field


def test_a_drawing_is_kept_as_canonical_path_data() -> None:
    spelled_otherwise = A_DRAWING.replace(" L", "L").replace("L40 60", "L40.0,60")
    assert clean_drawing(spelled_otherwise) == A_DRAWING


@pytest.mark.parametrize(
    "drawing",
    [
        "",
        "M10 10",  # a dot
        "M10 10 L12 11 L13 12 L11 10 L12 12 L13 13 L12 12 L11 11",  # a smudge
        '<path d="M0 0"/>',
        "M10 10 L20 20 javascript:alert(1)",
        "L10 100 L40 60 L70 140 L100 60 L130 140 L160 80 L190 120 L220 90",  # no move first
        "M10 100 L40 60 L70 140 L100 60 L130 140 L160 80 L190 120 L999 90",  # off the grid
        "M10 100 " + "L40 60 L70 140 " * 3000,  # too long
    ],
)
def test_anything_but_a_real_drawing_is_refused_naming_the_field(drawing: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_drawing(drawing)
    assert field_of(refused.value) == "drawing"


@given(st.text(max_size=300))
def test_no_text_makes_the_drawing_check_fail_other_than_clearly(text: str) -> None:
    try:
        cleaned = clean_drawing(text)
    except InvalidInput as error:
        assert field_of(error) == "drawing"
    else:
        assert set(cleaned) <= set("ML0123456789. ")


def test_a_typed_name_in_any_script_is_kept_normalised() -> None:
    assert clean_name("  Amina   Begum ", True) == "Amina Begum"
    assert clean_name("আমিনা বেগম", True) == "আমিনা বেগম"
    assert clean_name("Seán O\u2019Brien-Smith", True) == "Seán O\u2019Brien-Smith"


@pytest.mark.parametrize(
    ("name", "confirmed", "field"),
    [
        ("", True, "typed_name"),
        ("12345", True, "typed_name"),
        ("<script>", True, "typed_name"),
        ("x" * 121, True, "typed_name"),
        ("Amina Begum", False, "typed_confirm"),
    ],
)
def test_a_typed_name_needs_letters_and_the_tick(name: str, confirmed: bool, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_name(name, confirmed)
    assert field_of(refused.value) == field


@pytest.mark.parametrize(
    ("mode", "kind", "accepted"),
    [
        (DRAWN_OR_TYPED, DRAWN, True),
        (DRAWN_OR_TYPED, TYPED, True),
        (DRAWN, DRAWN, True),
        (DRAWN, TYPED, False),
        (TYPED, TYPED, True),
        (TYPED, DRAWN, False),
        (NONE, TYPED, False),
    ],
)
def test_the_trial_decides_which_signature_it_accepts(mode: str, kind: str, accepted: bool) -> None:
    fields = {"typed_name": "Amina Begum", "confirmed": True}
    if accepted:
        assert signed(mode, kind, **fields).kind == kind
    else:
        with pytest.raises(InvalidInput) as refused:
            signed(mode, kind, **fields)
        assert field_of(refused.value) == "signature"


def test_the_hash_is_salted_so_the_same_name_never_hashes_alike() -> None:
    one = signed(TYPED, TYPED, typed_name="Amina Begum", confirmed=True)
    two = signed(TYPED, TYPED, typed_name="Amina Begum", confirmed=True)

    assert one.verifies() and two.verifies()
    assert one.sha256 != two.sha256
    assert len(one.sha256) == 64
    one.typed_name = "Someone Else"
    assert not one.verifies()


def test_the_signature_hash_is_sealed_into_the_chain_and_tampering_shows() -> None:
    record = ConsentRecord(uuid.uuid4(), uuid.uuid4())
    entries = [
        record.move_to(INVITED, actor="system", channel="sms"),
        record.move_to(INTERESTED, actor="participant", channel="sms"),
        record.move_to(LINK_SENT, actor="system", channel="sms"),
    ]
    signature = signed()
    entries.append(
        record.move_to(
            CONSENTED, actor="participant", channel="web", signature_hash=signature.sha256
        )
    )
    head = (record.last_seq, record.last_hash)

    assert first_broken(entries, head) is None
    assert entries[-1].signature_hash == signature.sha256
    entries[-1].signature_hash = signed().sha256
    assert first_broken(entries, head) == 4


def test_entries_without_a_signature_hash_as_they_did_before_signatures() -> None:
    record = ConsentRecord(uuid.uuid4(), uuid.uuid4())
    entry = record.move_to(INVITED, actor="system", channel="sms")
    # The hash an entry had before the field existed: no "signature_hash" key at all.
    assert entry.signature_hash is None
    assert entry.compute_hash() == entry.hash


def test_uk_time_follows_british_summer_time() -> None:
    assert uk_time(datetime(2026, 12, 6, 15, 4, tzinfo=UTC)) == "06/12/2026 15:04 GMT"
    assert uk_time(datetime(2026, 7, 1, 15, 4, tzinfo=UTC)) == "01/07/2026 16:04 BST"


def test_a_copy_link_lives_for_a_short_while_and_opens_only_copies() -> None:
    link = CopyLink(uuid.uuid4(), uuid.uuid4())
    signer = LinkSigner("k" * 32)
    token = signer.token(link.id, b"copy")

    assert link.is_live(datetime.now(UTC))
    assert not link.is_live(datetime.now(UTC) + COPY_LINK_LIFETIME + timedelta(seconds=1))
    assert signer.link_id(token, b"copy") == link.id
    assert signer.link_id(token) is None  # not a consent link
    assert signer.link_id(signer.token(link.id), b"copy") is None  # nor a link a copy


def test_a_copy_link_is_masked_in_texts_and_logs_like_a_consent_link() -> None:
    signer = LinkSigner("k" * 32)
    url = LinkMaker(signer, "https://consent.example").copy_url(uuid.uuid4())

    masked = mask_tokens(f"Your signed copy: {url} (72 hours)")

    assert MASK in masked and url.rsplit("/", 1)[1] not in masked
