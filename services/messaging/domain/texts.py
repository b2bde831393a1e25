"""The words we send, until the per-trial, per-language templates take over."""

from __future__ import annotations

from string import Template

INVITATION = Template(
    "Your GP practice is inviting you to a research study, $short_name: $title. "
    "Taking part is your choice. Reply YES to hear more, NO if not. Reply STOP to stop texts."
)
ACKNOWLEDGEMENTS = {
    "yes": "Thank you. We will text you a link to read about the study and decide.",
    "no": (
        "Thank you for letting us know. We will not contact you about this study again. "
        "Your care does not change."
    ),
    "stop": "You will get no more texts from this service. Reply START to receive them again.",
    "help": "This is your GP practice's research invitation service. Reply STOP to stop texts.",
    "start": "You will receive texts from this service again. Reply STOP to stop.",
}


def invitation_text(short_name: str, title: str) -> str:
    return INVITATION.substitute(short_name=short_name, title=title)


CONSENT_NOTIFICATIONS = {
    "consent_link": Template(
        "Thank you for your interest in $study. Read about it and decide here: $link "
        "You will be asked for your date of birth. The link works for 30 days."
    ),
    "consent_confirmation": Template(
        "Thank you. You have agreed to take part in $study. ${copy}Open your link again to "
        "see your copy or to leave the study. Reply STOP to leave at any time."
    ),
    "withdrawal_receipt": Template(
        "You have left $study. Nobody from the study will contact you again. "
        "Your care from your GP will not change."
    ),
    "consent_awaiting_confirmation": Template(
        "Thank you. Your answers for $study are with the research team. They will contact "
        "you to talk it through. You take part once they confirm; we will text you then. "
        "$copy"
    ),
    "identity_code": Template(
        "Your code for $study is $code. It works for 10 minutes. "
        "Do not share it: your GP practice will never ask you for it."
    ),
}


def consent_notification_text(
    kind: str, short_name: str | None, link: str | None, code: str | None = None
) -> str:
    study = f"the study {short_name}" if short_name else "the study"
    copy = f"Your copy of the consent form: {link} " if link else ""
    return (
        CONSENT_NOTIFICATIONS[kind]
        .substitute(study=study, link=link or "", code=code or "", copy=copy)
        .rstrip()
    )
