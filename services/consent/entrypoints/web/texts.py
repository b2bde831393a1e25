"""The consent page's own words: English here, every other language from the gettext
catalogs in shared/locale (see shared/i18n.py and decision 0025).

The study's words (summary, items) come from the consent form; these are the page around
them. Keep sentences short: many readers use a second language or a screen reader. To add
a message, add a key whose English is wrapped in N_(), then run `make i18n-update`.
"""

from __future__ import annotations

from shared import i18n, languages
from shared.i18n import N_

EN: dict[str, str] = {
    "service": N_("Research consent"),
    "skip": N_("Skip to main content"),
    "footer": N_("Sent by your GP practice. Taking part in research is always your choice."),
    "language": N_("Language"),
    "dob_title": N_("Confirm who you are"),
    "dob_intro": N_("To keep your details safe, enter your date of birth."),
    "dob_legend": N_("What is your date of birth?"),
    "dob_hint": N_("For example, 15 3 1984"),
    "day": N_("Day"),
    "month": N_("Month"),
    "year": N_("Year"),
    "continue": N_("Continue"),
    "dob_failed": N_(
        "We could not confirm your details. Check your date of birth and try again. "
        "If it still does not work, contact your GP practice."
    ),
    "error_title": N_("There is a problem"),
    "locked_title": N_("Too many tries"),
    "locked_body": N_(
        "For your safety, this link is locked for 24 hours after too many tries. "
        "You can try again after that. If you want help sooner, contact your GP practice: "
        "they can unlock the link or send you a new one."
    ),
    "code_title": N_("Enter the code we texted you"),
    "code_intro": N_(
        "We have sent a 6-digit code by text message to your phone. It works for 10 minutes."
    ),
    "code_label": N_("Code"),
    "code_failed": N_("That code did not work. Check the text message and try again."),
    "code_again": N_("No code? Go back and enter your date of birth again to get a new one."),
    # Invited by call alone: the code is said in a call (issue 18 item 1).
    "code_call_title": N_("Enter the code we said on the phone"),
    "code_call_intro": N_(
        "We are ringing your phone now to say a 6-digit code, twice. It works for 10 minutes."
    ),
    "code_call_failed": N_("That code did not work. Try again, or go back to get a new call."),
    # A letter's link: the one-time code is printed on the letter (decision 0029).
    "letter_code_title": N_("Enter the code from your letter"),
    "letter_code_intro": N_("Your letter shows a 6-digit one-time code beside the QR code."),
    "letter_code_failed": N_("That code did not work. Check the letter and try again."),
    "about": N_("About the study"),
    "full_sheet": N_("Read the full information sheet"),
    "form_version": N_("Form version"),
    "items_legend": N_("Tick each statement you agree with"),
    "items_hint": N_("Statements marked (needed) must be ticked to take part."),
    "needed": N_("needed"),
    "optional": N_("optional"),
    "agree": N_("I agree to take part"),
    "decline": N_("I do not want to take part"),
    "missing_items": N_(
        "Tick every statement marked (needed) to take part. "
        "If you do not want to take part, choose \u201cI do not want to take part\u201d."
    ),
    "reconsent": N_("The study has changed. Please read the new information and decide again."),
    "agreed_title": N_("Thank you. You have agreed to take part"),
    "agreed_body": N_("We have sent you a text message to confirm. Keep this page as your copy."),
    "copy_title": N_("Your copy of what you agreed to"),
    "agreed_on": N_("Date agreed"),
    "you_agreed": N_("You agreed"),
    "you_did_not_agree": N_("You did not agree"),
    "fingerprint": N_("Form fingerprint"),
    "print": N_("You can print this page or take a screenshot to keep it."),
    "withdraw_link": N_("I want to leave the study"),
    "withdraw_title": N_("Leave the study"),
    "withdraw_body": N_(
        "You can leave the study at any time. You do not need to give a reason. "
        "Your care from your GP will not change."
    ),
    "withdraw_data": N_(
        "The study will keep and use the information it has already collected "
        "about you, as the information sheet explains. It will not collect anything new, and "
        "nobody from the study will contact you again."
    ),
    "withdraw_confirm": N_("Leave the study"),
    "withdrawn_title": N_("You have left the study"),
    "withdrawn_body": N_(
        "Nobody from the study will contact you again. We have sent you a text message to confirm."
    ),
    "refused_title": N_("Thank you. You have said no"),
    "refused_body": N_(
        "You will not be contacted about this study again. Your care from your GP will not change."
    ),
    "closed_title": N_("There is nothing more to do"),
    "closed_body": N_("This consent is closed. If you have questions, contact your GP practice."),
    "link_title": N_("This link does not work"),
    "link_body": N_(
        "The link may be old, or it may have been replaced by a newer one. "
        "If you still want to take part, reply YES to our text message or contact your GP practice."
    ),
    "expired_form_title": N_("Please reload the page"),
    "expired_form_body": N_(
        "We could not accept the form. Go back, reload the page and try again."
    ),
}


# Words added for a form that is not in the patient's language (decision 0025).
EN.update(
    {
        "no_form_title": N_("This study's information is not in your language yet"),
        "no_form_body": N_(
            "We do not want you to decide about a study you cannot read. The form about "
            "this study is available in these languages:"
        ),
        "no_form_call": N_(
            "Someone from the research team can phone you and explain the study with an "
            "interpreter who speaks your language. The call is free."
        ),
        "call_button": N_("Ask for a phone call with an interpreter"),
        "call_title": N_("Thank you. We will phone you"),
        "call_body": N_(
            "Someone from the research team will phone you with an interpreter. "
            "You do not need to do anything else."
        ),
    }
)

# Words for a trial that asks for the research team's confirmation (decision 0032).
EN.update(
    {
        "awaiting_title": N_("Thank you. The research team will now confirm"),
        "awaiting_body": N_(
            "Someone from the research team will contact you to talk it through and answer "
            "your questions. You are taking part once they have confirmed it. We will send "
            "you a text message then."
        ),
    }
)


# Signing and the signed copy (issue 18, items 2 and 3; decision 0031).
EN.update(
    {
        "sign_legend": N_("Your signature"),
        "sign_hint": N_("Draw your signature in the box with your finger."),
        "sign_clear": N_("Clear"),
        "sign_type_instead": N_("Type my name instead"),
        "typed_name_label": N_("Type your full name"),
        "typed_confirm": N_("I confirm that my typed name is my signature."),
        "sign_missing": N_(
            "Sign to agree: draw your signature, or type your full name and tick the box."
        ),
        "sign_needs_js": N_(
            "This study asks for a drawn signature, which your browser cannot show. "
            "If you cannot sign here, contact your GP practice."
        ),
        "signed_at": N_("Signed (UK time)"),
        "download_copy": N_("Download your signed copy (PDF)"),
        "copy_pdf_title": N_("Signed consent"),
        "audit_entry": N_("Audit record"),
        "signature_fingerprint": N_("Signature fingerprint"),
        "signed_by_typing": N_("Signed by typing the name"),
        "study_number": N_("Study number"),
    }
)


# Questions that check understanding before the patient decides (issue 18 item 6).
EN.update(
    {
        "check_title": N_("Check you understand the study"),
        "check_intro": N_(
            "Before you decide, answer these questions. They are not a test: they help make "
            "sure the information was clear."
        ),
        "check_wrong": N_("Not quite. Read this and try again:"),
        "check_choose": N_("Choose an answer"),
        "check_right_first": N_("Right the first time"),
        "check_right_after": N_("Right after reading the explanation"),
    }
)


# The research team's confirmation on the signed copy (issue 18; decisions 0031 and 0032).
EN.update(
    {
        "team_title": N_("Confirmed by the research team"),
        "discussion_at": N_("Consent discussion (UK time)"),
        "discussion_mode": N_("How it took place"),
        "mode_phone": N_("By phone"),
        "mode_video": N_("By video"),
        "mode_in_person": N_("In person"),
        "researcher": N_("Researcher"),
        "interpreter": N_("Interpreter"),
        "countersigned_by": N_("Countersigned by"),
        "countersigned_at": N_("Countersigned (UK time)"),
        "countersignature_fingerprint": N_("Countersignature fingerprint"),
        "witness": N_("Witness"),
        "read_aloud_by": N_("Read aloud by"),
        "representative": N_("Legal representative"),
    }
)


def texts_for(code: str) -> dict[str, str]:
    """The page's words in `code` (its fallbacks for each missing one, then English)."""
    return {key: i18n.gettext(code, english) for key, english in EN.items()}


def page_language(wanted: str | None, default: str) -> str:
    """The language the page's words are shown in, from the switch or the participant's own:
    that language when its catalog exists, else its nearest fallback that has one, else en."""
    if wanted and wanted in languages.LANGUAGES:
        return i18n.words_language(wanted)
    return i18n.words_language(default if default in languages.LANGUAGES else "en")


def switch_languages(current: str) -> list[tuple[str, str]]:
    """(code, native name) of every language the page's words exist in, but `current`."""
    return [
        (code, languages.get(code).native) for code in i18n.catalog_languages() if code != current
    ]
