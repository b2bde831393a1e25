"""The consent page's own words, in plain language, per language (English when missing).

The study's words (summary, items) come from the consent form; these are the page around
them. Keep sentences short: many readers use a second language or a screen reader.
"""

from __future__ import annotations

from shared import languages

EN = {
    "service": "Research consent",
    "skip": "Skip to main content",
    "footer": "Sent by your GP practice. Taking part in research is always your choice.",
    "language": "Language",
    "dob_title": "Confirm who you are",
    "dob_intro": "To keep your details safe, enter your date of birth.",
    "dob_legend": "What is your date of birth?",
    "dob_hint": "For example, 15 3 1984",
    "day": "Day",
    "month": "Month",
    "year": "Year",
    "continue": "Continue",
    "dob_failed": "We could not confirm your details. Check your date of birth and try again. "
    "If it still does not work, contact your GP practice.",
    "error_title": "There is a problem",
    "locked_title": "Too many tries",
    "locked_body": "For your safety, this link is locked for 24 hours after too many tries. "
    "You can try again after that. If you want help sooner, contact your GP practice: "
    "they can unlock the link or send you a new one.",
    "code_title": "Enter the code we texted you",
    "code_intro": "We have sent a 6-digit code by text message to your phone. "
    "It works for 10 minutes.",
    "code_label": "Code",
    "code_failed": "That code did not work. Check the text message and try again.",
    "code_again": "No code? Go back and enter your date of birth again to get a new one.",
    "about": "About the study",
    "full_sheet": "Read the full information sheet",
    "form_version": "Form version",
    "items_legend": "Tick each statement you agree with",
    "items_hint": "Statements marked (needed) must be ticked to take part.",
    "needed": "needed",
    "optional": "optional",
    "agree": "I agree to take part",
    "decline": "I do not want to take part",
    "missing_items": "Tick every statement marked (needed) to take part. "
    "If you do not want to take part, choose \u201cI do not want to take part\u201d.",
    "reconsent": "The study has changed. Please read the new information and decide again.",
    "agreed_title": "Thank you. You have agreed to take part",
    "agreed_body": "We have sent you a text message to confirm. Keep this page as your copy.",
    "copy_title": "Your copy of what you agreed to",
    "agreed_on": "Date agreed",
    "you_agreed": "You agreed",
    "you_did_not_agree": "You did not agree",
    "fingerprint": "Form fingerprint",
    "print": "You can print this page or take a screenshot to keep it.",
    "withdraw_link": "I want to leave the study",
    "withdraw_title": "Leave the study",
    "withdraw_body": "You can leave the study at any time. You do not need to give a reason. "
    "Your care from your GP will not change.",
    "withdraw_data": "The study will keep and use the information it has already collected "
    "about you, as the information sheet explains. It will not collect anything new, and "
    "nobody from the study will contact you again.",
    "withdraw_confirm": "Leave the study",
    "withdrawn_title": "You have left the study",
    "withdrawn_body": "Nobody from the study will contact you again. We have sent you a text "
    "message to confirm.",
    "refused_title": "Thank you. You have said no",
    "refused_body": "You will not be contacted about this study again. "
    "Your care from your GP will not change.",
    "closed_title": "There is nothing more to do",
    "closed_body": "This consent is closed. If you have questions, contact your GP practice.",
    "link_title": "This link does not work",
    "link_body": "The link may be old, or it may have been replaced by a newer one. "
    "If you still want to take part, reply YES to our text message or contact your GP practice.",
    "expired_form_title": "Please reload the page",
    "expired_form_body": "We could not accept the form. Go back, reload the page and try again.",
}

UR = {
    "service": "تحقیق کے لیے رضامندی",
    "skip": "اصل مواد پر جائیں",
    "footer": "یہ آپ کی جی پی پریکٹس نے بھیجا ہے۔ تحقیق میں حصہ لینا ہمیشہ آپ کی مرضی ہے۔",
    "language": "زبان",
    "dob_title": "اپنی شناخت کی تصدیق کریں",
    "dob_intro": "آپ کی معلومات کو محفوظ رکھنے کے لیے اپنی تاریخ پیدائش درج کریں۔",
    "dob_legend": "آپ کی تاریخ پیدائش کیا ہے؟",
    "dob_hint": "مثال کے طور پر 15 3 1984",
    "day": "دن",
    "month": "مہینہ",
    "year": "سال",
    "continue": "آگے بڑھیں",
    "dob_failed": "ہم آپ کی معلومات کی تصدیق نہیں کر سکے۔ اپنی تاریخ پیدائش دیکھ کر دوبارہ کوشش کریں۔ "
    "اگر پھر بھی کام نہ کرے تو اپنی جی پی پریکٹس سے رابطہ کریں۔",
    "error_title": "ایک مسئلہ ہے",
    "locked_title": "بہت زیادہ کوششیں",
    "locked_body": "آپ کی حفاظت کے لیے، بہت زیادہ کوششوں کے بعد یہ لنک 24 گھنٹے کے لیے بند کر دیا "
    "گیا ہے۔ اس کے بعد آپ دوبارہ کوشش کر سکتے ہیں۔ اگر آپ کو جلد مدد چاہیے تو اپنی جی پی پریکٹس "
    "سے رابطہ کریں: وہ لنک کھول سکتے ہیں یا آپ کو نیا لنک بھیج سکتے ہیں۔",
    "code_title": "ہمارا بھیجا ہوا کوڈ درج کریں",
    "code_intro": "ہم نے آپ کے فون پر ٹیکسٹ میسج کے ذریعے 6 ہندسوں کا کوڈ بھیجا ہے۔ یہ 10 منٹ تک "
    "کام کرتا ہے۔",
    "code_label": "کوڈ",
    "code_failed": "یہ کوڈ کام نہیں کر سکا۔ ٹیکسٹ میسج دیکھ کر دوبارہ کوشش کریں۔",
    "code_again": "کوڈ نہیں ملا؟ واپس جائیں اور نیا کوڈ پانے کے لیے دوبارہ اپنی تاریخ پیدائش درج کریں۔",
    "about": "مطالعے کے بارے میں",
    "full_sheet": "مکمل معلوماتی شیٹ پڑھیں",
    "form_version": "فارم کا ورژن",
    "items_legend": "ہر اس بیان پر نشان لگائیں جس سے آپ متفق ہیں",
    "items_hint": "جن بیانات پر (ضروری) لکھا ہے، حصہ لینے کے لیے ان پر نشان لگانا ضروری ہے۔",
    "needed": "ضروری",
    "optional": "اختیاری",
    "agree": "میں حصہ لینے پر راضی ہوں",
    "decline": "میں حصہ نہیں لینا چاہتا / چاہتی",
    "missing_items": "حصہ لینے کے لیے (ضروری) والے ہر بیان پر نشان لگائیں۔ "
    "اگر آپ حصہ نہیں لینا چاہتے تو «میں حصہ نہیں لینا چاہتا / چاہتی» چنیں۔",
    "reconsent": "مطالعے میں تبدیلی آئی ہے۔ براہ کرم نئی معلومات پڑھیں اور دوبارہ فیصلہ کریں۔",
    "agreed_title": "شکریہ۔ آپ نے حصہ لینے پر رضامندی دے دی ہے",
    "agreed_body": "ہم نے تصدیق کے لیے آپ کو ٹیکسٹ میسج بھیجا ہے۔ یہ صفحہ اپنی کاپی کے طور پر رکھیں۔",
    "copy_title": "آپ نے جس پر رضامندی دی اس کی کاپی",
    "agreed_on": "رضامندی کی تاریخ",
    "you_agreed": "آپ متفق ہیں",
    "you_did_not_agree": "آپ متفق نہیں ہیں",
    "fingerprint": "فارم کی شناخت",
    "print": "اسے رکھنے کے لیے آپ یہ صفحہ پرنٹ کر سکتے ہیں یا اسکرین شاٹ لے سکتے ہیں۔",
    "withdraw_link": "میں مطالعہ چھوڑنا چاہتا / چاہتی ہوں",
    "withdraw_title": "مطالعہ چھوڑیں",
    "withdraw_body": "آپ کسی بھی وقت مطالعہ چھوڑ سکتے ہیں۔ آپ کو وجہ بتانے کی ضرورت نہیں۔ "
    "آپ کے جی پی کی طرف سے آپ کا علاج نہیں بدلے گا۔",
    "withdraw_data": "مطالعہ آپ کے بارے میں پہلے سے جمع کی گئی معلومات رکھے گا اور استعمال کرے گا، "
    "جیسا کہ معلوماتی شیٹ میں بتایا گیا ہے۔ کچھ نیا جمع نہیں کیا جائے گا، اور مطالعے سے کوئی "
    "آپ سے دوبارہ رابطہ نہیں کرے گا۔",
    "withdraw_confirm": "مطالعہ چھوڑیں",
    "withdrawn_title": "آپ نے مطالعہ چھوڑ دیا ہے",
    "withdrawn_body": "مطالعے سے کوئی آپ سے دوبارہ رابطہ نہیں کرے گا۔ ہم نے تصدیق کے لیے آپ کو "
    "ٹیکسٹ میسج بھیجا ہے۔",
    "refused_title": "شکریہ۔ آپ نے انکار کر دیا ہے",
    "refused_body": "اس مطالعے کے بارے میں آپ سے دوبارہ رابطہ نہیں کیا جائے گا۔ "
    "آپ کے جی پی کی طرف سے آپ کا علاج نہیں بدلے گا۔",
    "closed_title": "مزید کچھ کرنے کی ضرورت نہیں",
    "closed_body": "یہ رضامندی بند ہو چکی ہے۔ سوالات کے لیے اپنی جی پی پریکٹس سے رابطہ کریں۔",
    "link_title": "یہ لنک کام نہیں کر رہا",
    "link_body": "ہو سکتا ہے لنک پرانا ہو، یا اس کی جگہ نیا لنک بھیجا گیا ہو۔ اگر آپ اب بھی حصہ لینا "
    "چاہتے ہیں تو ہمارے ٹیکسٹ میسج کا جواب YES میں دیں یا اپنی جی پی پریکٹس سے رابطہ کریں۔",
    "expired_form_title": "براہ کرم صفحہ دوبارہ لوڈ کریں",
    "expired_form_body": "ہم فارم قبول نہیں کر سکے۔ واپس جائیں، صفحہ دوبارہ لوڈ کریں اور پھر کوشش کریں۔",
}

PAGE_TEXTS: dict[str, dict[str, str]] = {"en": EN, "ur": UR}


def texts_for(code: str) -> dict[str, str]:
    """The page's words in `code`, each missing one from its fallbacks, then English."""
    merged = dict(EN)
    for fallback in reversed(languages.fallbacks(code)):
        merged.update(PAGE_TEXTS.get(fallback, {}))
    return merged


def page_language(wanted: str | None, default: str) -> str:
    """A language code we know, from the switch or the participant's own."""
    if wanted and wanted in languages.LANGUAGES:
        return wanted
    return default if default in languages.LANGUAGES else "en"
