"""Whether a patient may not be able to read the consent form, so that an impartial witness
must sign before their consent completes (ICH E6(R3); issue 18 item 4; decision 0032).

Consent learns it three ways, in this order:

- the research team's answer (`patient_can_read` in the consent discussion, or in consent
  taken by phone): they have talked to the patient, so their answer decides either way;
- without an answer, the patient's language: one with no common written form (Sylheti,
  Pahari-Pothwari, Cantonese: `shared.languages` `spoken_only`) means they were never
  shown the form in it;
- without an answer, how they answered the invitation: by key press on a voice call.

The last two are presumptions: the team may record that the patient does read the form.
Pure: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared import languages
from shared.errors import FieldError, InvalidTransition

VOICE = "voice"


@dataclass(frozen=True)
class Reading:
    can_read: bool | None  # the research team's answer; None when not given
    language: str | None  # the patient's own language, as the registry shared it
    answered_by_voice: bool  # the invitation was answered on a call

    def witness_needed(self) -> str | None:
        """Why an impartial witness must sign, in words for the team; None if not needed."""
        if self.can_read is not None:
            return None if self.can_read else "the research team recorded that they cannot read"
        known = languages.LANGUAGES.get(self.language or "")
        if known is not None and known.spoken_only:
            return f"their language, {known.name}, has no common written form"
        if self.answered_by_voice:
            return "they answered the invitation on a voice call"
        return None


class WitnessNeeded(InvalidTransition):
    title = "A witness must sign"


MISSING = [
    FieldError("witness_name", "record an impartial witness: their full name"),
    FieldError("witness_signature_typed", "the witness signs by typing the same full name"),
    FieldError("witness_signature_ticked", "the witness ticks to sign"),
]


def refuse_without_witness(reason: str) -> WitnessNeeded:
    """The problem for a countersignature without the witness's statement."""
    return WitnessNeeded(
        f"The patient may not be able to read the form ({reason}), so an impartial witness "
        "must give their name and signature before the countersignature. Record the witness, "
        "or, where the patient does read the form, say so in the consent discussion "
        "(patient_can_read).",
        MISSING,
    )
