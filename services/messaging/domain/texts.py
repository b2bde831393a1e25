"""The words we send, until the per-trial, per-language templates take over."""

from __future__ import annotations

from string import Template

INVITATION = Template(
    "Your GP practice is inviting you to a research study, $short_name: $title. "
    "Taking part is your choice. Reply YES to hear more, NO if not. Reply STOP to stop texts."
)
ACKNOWLEDGEMENTS = {
    "yes": "Thank you. We will text you a link to read about the study and decide.",
    "no": "Thank you for letting us know. We will not contact you about this study again.",
    "stop": "You will get no more texts from this service. Reply START to receive them again.",
    "help": "This is your GP practice's research invitation service. Reply STOP to stop texts.",
    "start": "You will receive texts from this service again. Reply STOP to stop.",
}


def invitation_text(short_name: str, title: str) -> str:
    return INVITATION.substitute(short_name=short_name, title=title)
