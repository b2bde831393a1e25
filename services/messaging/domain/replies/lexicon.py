"""The words of replies, per language, as data.

Each language maps a kind (an intent, or NEGATION, UNCLEAR, JI, FILLER, SIGNOFF,
GREETING, STOP_SIGN; see intents.py) to words and phrases written as a patient would
type them; they pass through `normalise` when loaded, so accents, Arabic letter forms
and nasal marks need not be spelt every way. A phrase is words separated by spaces;
Chinese entries are runs of characters, split by longest match.

A reply is read with English (always: UK patients answer in English whatever they were
written in), then the languages in `ALSO` for its language, then its own language, the
later overriding the earlier: in Polish "no" means "well" or "yeah", so Polish marks it
UNCLEAR. Translations are unreviewed, like the templates, and await native speakers.
"""

from __future__ import annotations

from services.messaging.domain.replies.intents import (
    FILLER,
    GREETING,
    HELP,
    JI,
    NEGATES,
    NEGATION,
    NO,
    SIGNOFF,
    START,
    STOP,
    STOP_SIGN,
    UNCLEAR,
    YES,
)

Lexicon = dict[str, tuple[str, ...]]

ENGLISH: Lexicon = {
    YES: (
        "yes", "y", "yh", "yeah", "yea", "yep", "yup", "aye", "ok", "okay", "sure",
        "interested", "im interested", "i am interested", "of course", "definitely",
        "absolutely", "certainly", "count me in", "i agree", "agreed", "happy to",
        "sounds good", "sure thing", "sign me up", "im in", "go ahead",
        # "help" here is not a request for help, and "take part" answers the invitation.
        "happy to help", "glad to help", "happy to take part", "take part",
        "id like to", "i would like to", "id love to", "i would love to",
    ),
    NO: (
        "no", "n", "nope", "nah", "no thanks", "no thank you", "not interested",
        # Not "don't want to": "I don't want to stop" must not read as "no, stop".
        "not for me", "no way", "not really", "dont want", "do not want", "i dont want",
        "i do not want", "dont want to take part", "do not want to take part",
        "i dont want to take part", "i do not want to take part",
        "👎", "❌", "✖", "❎",  # a thumbs-down or a cross is as clear as the word
    ),
    # Twilio's opt-out keywords, which carriers also act on, and plain requests to stop.
    STOP: (
        "stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "opt out",
        "revoke", "stop it", "stop texting me", "stop messaging me", "stop sending",
        "stop sending messages", "stop sending me messages", "stop contacting me",
        "remove me", "unsubscribe me", "take me off", "take me off your list",
        "no more texts", "no more messages", "dont text me", "do not text me",
        "dont contact me", "do not contact me", "leave me alone",
    ),
    HELP: ("help", "info"),
    START: ("start", "unstop", "subscribe"),
    NEGATION: (
        "not", "never", "dont", "do not", "doesnt", "didnt", "cant", "cannot", "wont",
        "wouldnt", "shouldnt", "isnt", "arent", "wasnt", "aint", "neither", "nor",
        "without",
    ),
    UNCLEAR: (
        "maybe", "perhaps", "possibly", "probably", "unsure", "not sure", "dont know",
        "i dont know", "dunno", "idk", "no idea", "depends", "might", "later",
        "maybe later", "no problem", "no worries",  # mean "fine", or "you're welcome"
        "but", "if", "unless", "except", "however", "although", "though", "only",
        "who", "what", "why", "how", "when", "where", "which", "wrong number", "scam",
        "🤔", "🤷", "❓", "❔", "😕", "😐", "🙄",
    ),
    FILLER: (
        "please", "pls", "plz", "i", "im", "am", "me", "you", "so", "very", "much", "mr",
        "mrs", "ms", "miss", "dr", "sir", "madam", "oh", "well", "now", "it", "again",
        "texts", "messages",
        # Decoration: a thumbs-up or tick alone is often a "seen" reaction, so it is
        # never an answer by itself; beside a word it changes nothing.
        "👍", "✅", "✔", "☑", "👌", "😊", "🙂", "😀", "😃", "😄", "😁", "☺", "❤",
        "💙", "💕", "🙏", "🤝", "👋",
    ),
    SIGNOFF: (
        "thanks", "thank you", "thankyou", "thank", "thx", "thnx", "ta", "ty", "cheers",
        "regards", "kind regards", "best wishes", "many thanks", "sorry", "from",
        "love", "x", "bye", "take care", "god bless",
    ),
    GREETING: (
        "hi", "hello", "hey", "hiya", "dear", "good morning", "good afternoon",
        "good evening", "morning", "salaam", "salam", "assalamualaikum",
        "asalamualaikum", "assalamu alaikum", "assalam o alaikum", "aoa",
    ),
    STOP_SIGN: ("🛑", "⛔", "🚫", "✋"),
}  # fmt: skip

# Romanised Urdu, Hindi, Punjabi, Bengali and Gujarati share these spellings; patients
# written to in any of them often type in Latin letters.
ROMAN_SOUTH_ASIAN: Lexicon = {
    YES: (
        "haan", "han", "haa", "ha", "hanji", "haanji", "han ji", "haan ji", "ji haan",
        "ji han", "hae", "hyan", "hya", "theek hai", "thik hai", "theek he", "zaroor",
        "zarur", "bilkul",
    ),
    JI: ("ji", "jee", "jii", "g"),  # "haan g": "g" is how many type "ji"
    NO: ("nahi", "nahin", "nai", "nhi", "nahee", "na", "naa", "ji nahi", "nahi shukriya"),
    NEGATES: ("nahi", "nahin", "nai", "nhi", "na", "naa"),
    NEGATION: ("mat",),  # "don't"
    UNCLEAR: (
        "pata nahi", "pta nahi", "nahi pata", "maloom nahi", "nahi maloom", "shayad",
        "lekin", "magar", "agar", "kaun", "kya", "kyun",
    ),
    STOP: (
        "band karo", "band karein", "band karen", "bandh karo", "mat bhejo",
        "mat bhejen", "mat bhejein", "na bhejo", "na bhejen",
    ),
    HELP: ("madad",),
    SIGNOFF: (
        "shukriya", "shukria", "dhanyavad", "dhanyavaad", "dhanwad", "dhanvaad",
        "meharbani", "jazakallah", "jazak allah",
    ),
    GREETING: ("sat sri akal", "namaste"),
}  # fmt: skip

URDU: Lexicon = {
    YES: ("ہاں", "جی ہاں", "ہاں جی", "بالکل", "ضرور", "ٹھیک ہے", "منظور"),
    JI: ("جی",),
    NO: ("نہیں", "نہ", "جی نہیں", "نہیں جی", "نہیں شکریہ"),
    NEGATES: ("نہیں", "نہ"),
    NEGATION: ("مت",),  # "don't"
    UNCLEAR: ("پتہ نہیں", "پتا نہیں", "معلوم نہیں", "شاید", "لیکن", "مگر", "اگر", "کون", "کیا"),
    STOP: ("بند کرو", "بند کریں", "مت بھیجو", "مت بھیجیں", "نہ بھیجیں", "روک دیں"),
    HELP: ("مدد",),
    SIGNOFF: ("شکریہ", "مہربانی", "جزاک اللہ"),
    FILLER: ("میں",),  # "I"
    GREETING: ("السلام علیکم", "سلام"),
}  # fmt: skip

# Shahmukhi Punjabi: read with Urdu (see ALSO), plus Punjabi spellings.
PUNJABI_SHAHMUKHI: Lexicon = {
    YES: ("ہاں جی", "جی ہاں"),
    NO: ("ناں", "نئیں", "جی نئیں"),
    NEGATES: ("ناں", "نئیں"),
    UNCLEAR: ("پتہ نئیں", "پتا نئیں"),
    STOP: ("نہ بھیجو", "ناں بھیجو"),
    GREETING: ("ست سری اکال",),
}  # fmt: skip

PUNJABI_GURMUKHI: Lexicon = {
    YES: ("ਹਾਂ", "ਹਾਂਜੀ", "ਹਾਂ ਜੀ", "ਜੀ ਹਾਂ", "ਠੀਕ ਹੈ", "ਜ਼ਰੂਰ", "ਬਿਲਕੁਲ"),
    JI: ("ਜੀ",),
    NO: ("ਨਹੀਂ", "ਨਹੀ", "ਨਾ", "ਨਾਂ", "ਜੀ ਨਹੀਂ", "ਨਹੀਂ ਜੀ"),
    NEGATES: ("ਨਹੀਂ", "ਨਹੀ", "ਨਾ", "ਨਾਂ"),
    UNCLEAR: ("ਪਤਾ ਨਹੀਂ", "ਸ਼ਾਇਦ", "ਪਰ", "ਜੇ", "ਕੌਣ", "ਕੀ"),
    STOP: ("ਬੰਦ ਕਰੋ", "ਨਾ ਭੇਜੋ", "ਰੋਕੋ"),
    HELP: ("ਮਦਦ", "ਸਹਾਇਤਾ"),
    SIGNOFF: ("ਧੰਨਵਾਦ", "ਸ਼ੁਕਰੀਆ", "ਮਿਹਰਬਾਨੀ"),
    GREETING: ("ਸਤ ਸ੍ਰੀ ਅਕਾਲ",),
}  # fmt: skip

BENGALI: Lexicon = {
    YES: (
        "হ্যাঁ", "হ্যা", "হাঁ", "হা", "জি হ্যাঁ", "রাজি", "রাজী", "ঠিক আছে", "অবশ্যই",
        # romanised Bengali
        "hay", "raji", "razi",
    ),
    JI: ("জি", "জী", "জ্বি", "জ্বী"),
    NO: (
        "না", "নাহ", "নাই", "না ধন্যবাদ", "জি না", "রাজি না", "রাজি নই", "চাই না",
        "chai na", "raji na",
    ),
    NEGATION: ("নয়", "নই", "নেই"),  # "is not", "am not", "there is not"
    UNCLEAR: (
        "জানি না", "হয়তো", "কিন্তু", "যদি", "কে", "কি", "কী",
        "jani na", "hoyto", "kintu",
    ),
    STOP: (
        "বন্ধ করুন", "বন্ধ করো", "বন্ধ কর", "আর পাঠাবেন না", "পাঠাবেন না", "স্টপ",
        "bondho koren", "bondho koro", "bondho korun",
    ),
    HELP: ("সাহায্য", "sahajjo", "shahajjo"),
    SIGNOFF: ("ধন্যবাদ", "dhonnobad", "dhonyobad", "dhonnobaad"),
    FILLER: ("আমি", "ami"),  # "I"
    GREETING: ("আসসালামু আলাইকুম", "সালাম", "নমস্কার", "nomoskar"),
}  # fmt: skip

# Sylheti: read with Bengali, its written fallback (shared.languages), plus these.
SYLHETI: Lexicon = {
    YES: ("অয়", "oy", "oi", "hoy"),
    NO: ("নায়", "nae"),
}  # fmt: skip

GUJARATI: Lexicon = {
    YES: ("હા", "હાં", "હા જી", "જી હા", "બરાબર", "ચોક્કસ", "ઠીક છે"),
    JI: ("જી",),
    NO: ("ના", "નહીં", "નહિ", "જી ના", "ના આભાર", "ના જી"),
    NEGATES: ("ના", "નહીં", "નહિ"),
    NEGATION: ("નથી", "nathi"),  # "is not"
    UNCLEAR: ("ખબર નથી", "કદાચ", "પણ", "જો", "કોણ", "શું", "khabar nathi", "kadach"),
    STOP: ("બંધ કરો", "મોકલશો નહીં", "મોકલવાનું બંધ કરો", "bandh karo"),
    HELP: ("મદદ",),
    SIGNOFF: ("આભાર", "ધન્યવાદ", "aabhar", "abhar"),
    GREETING: ("નમસ્તે", "જય શ્રી કૃષ્ણ", "jai shri krishna"),
}  # fmt: skip

POLISH: Lexicon = {
    YES: (
        "tak", "tak jest", "jasne", "oczywiście", "pewnie", "na pewno", "chętnie",
        "jestem zainteresowany", "jestem zainteresowana", "zainteresowany",
        "zainteresowana", "chcę", "zgoda", "dobrze",
    ),
    NO: (
        "nie", "nie chcę", "nie dziękuję", "nie jestem zainteresowany",
        "nie jestem zainteresowana", "raczej nie",
    ),
    NEGATES: ("nie",),
    UNCLEAR: (
        "no",  # colloquial "well" or "yeah", not "no"
        "nie wiem", "może", "chyba", "raczej tak", "nie jestem pewien",
        "nie jestem pewna", "ale", "jeśli", "jeżeli", "kto", "co", "dlaczego",
    ),
    STOP: ("wypisz", "wypisz mnie", "nie wysyłaj", "nie wysyłajcie", "nie piszcie", "koniec"),
    HELP: ("pomoc", "pomocy"),
    FILLER: ("proszę", "pan", "pani", "ja", "jestem"),
    SIGNOFF: ("dziękuję", "dziękuję bardzo", "dzięki", "pozdrawiam", "z poważaniem"),
    GREETING: ("dzień dobry", "cześć", "witam"),
}  # fmt: skip

ROMANIAN: Lexicon = {
    YES: (
        "da", "sigur", "desigur", "bineînțeles", "sunt interesat", "sunt interesată",
        "interesat", "interesată", "vreau", "accept", "de acord", "bine",
    ),
    NO: (
        "nu", "nu mulțumesc", "nu vreau", "nu sunt interesat", "nu sunt interesată",
        "nu mersi",
    ),
    NEGATES: ("nu",),
    UNCLEAR: (
        "nu știu", "poate", "poate mai târziu", "nu sunt sigur", "nu sunt sigură",
        "dar", "dacă", "cine", "ce", "de ce",
    ),
    STOP: (
        "dezabonare", "dezabonează-mă", "nu mai trimiteți", "nu mai trimite", "opriți",
        "oprește",
    ),
    HELP: ("ajutor",),
    FILLER: ("vă rog", "te rog", "doamna", "domnul", "eu", "sunt"),
    SIGNOFF: ("mulțumesc", "mulțumesc frumos", "mersi", "mulțumim", "cu stimă"),
    GREETING: ("bună ziua", "bună", "salut"),
}  # fmt: skip

ARABIC: Lexicon = {
    YES: (
        "نعم", "أيوه", "أيوا", "أكيد", "موافق", "موافقة", "حسنا", "تمام", "بالتأكيد",
        "أرغب", "أوكي", "مهتم", "مهتمة",
    ),
    NO: ("لا", "كلا", "لا شكرا", "لا أريد", "لا أرغب", "غير مهتم", "غير مهتمة"),
    NEGATES: ("لا",),
    NEGATION: ("ما", "مش", "مو", "لست", "غير", "لن", "ليس"),
    UNCLEAR: (
        "لا أعرف", "مش عارف", "ما أعرف", "ما بعرف", "ربما", "يمكن", "لكن",
        "بس",  # "but", "only" or "enough"
        "إذا", "مين", "ماذا", "لماذا", "شو",
    ),
    STOP: (
        "توقف", "قف", "إيقاف", "إلغاء", "إلغاء الاشتراك", "لا ترسل", "لا ترسلوا",
        "توقفوا",
    ),
    HELP: ("مساعدة", "ساعدني"),
    FILLER: ("من فضلك", "أنا"),
    SIGNOFF: ("شكرا", "شكرا لك", "شكرا جزيلا", "مشكور"),
    GREETING: ("السلام عليكم", "مرحبا", "أهلا"),
}  # fmt: skip

SOMALI: Lexicon = {
    YES: (
        "haa", "haye", "waan rabaa", "ogolahay", "waan ogolahay", "hagaag", "waa hagaag",
    ),
    NO: ("maya", "mayo", "ma rabo", "ma doonayo", "maya mahadsanid"),
    NEGATION: ("ma", "ha"),  # "ha" is "don't" in Somali, never "yes"
    UNCLEAR: (
        "ma garanayo", "ma aqaan", "ma ogi", "malaha", "laga yaabee", "laakiin",
        "haddii", "yaa", "maxay", "maxaa",
    ),
    STOP: ("jooji", "iga jooji", "joojiya", "ha ii soo dirin", "ha soo dirin"),
    HELP: ("caawimaad", "caawi", "i caawi"),
    SIGNOFF: ("mahadsanid", "mahadsanidin"),
    GREETING: ("nabad", "iska warran"),
}  # fmt: skip

# Simplified and traditional characters, and common Cantonese.
CHINESE: Lexicon = {
    YES: (
        "是", "是的", "好", "好的", "好啊", "好呀", "对", "對", "可以", "行", "愿意",
        "願意", "同意", "有兴趣", "有興趣", "感兴趣", "感興趣", "参加", "參加", "想参加",
        "想參加", "没问题", "沒問題", "当然", "當然", "係", "係呀",
    ),
    NO: (
        "不", "不要", "不用", "不用了", "不需要", "不想", "不了", "不愿意", "不願意",
        "不参加", "不參加", "不想参加", "不想參加", "没兴趣", "沒興趣", "没有兴趣",
        "沒有興趣", "不感兴趣", "不感興趣", "不是", "没有", "沒有", "唔要", "唔使", "唔好",
        "不同意", "不可以", "不行",
    ),
    NEGATES: ("不要", "不用"),
    NEGATION: ("没", "沒", "别", "別", "唔", "未"),
    UNCLEAR: (
        "不知道", "唔知", "也许", "也許", "可能", "但是", "但", "不过", "不過", "可是",
        "如果", "要是", "谁", "誰", "什么", "什麼", "为什么", "為什麼", "吗", "嗎",
        "再说", "再說", "考虑", "考慮",
    ),
    STOP: (
        "退订", "退訂", "td", "停止", "停", "取消", "别发了", "別發了", "不要再发",
        "不要再發", "不要发了", "不要發了",
    ),
    HELP: ("帮助", "幫助", "帮忙", "幫忙"),
    FILLER: ("我", "了", "啊", "呀", "吧", "请", "請"),
    SIGNOFF: ("谢谢", "謝謝", "多谢", "多謝", "唔该", "唔該", "感谢", "感謝", "不好意思"),
    GREETING: ("你好", "您好"),
}  # fmt: skip

LEXICONS: dict[str, Lexicon] = {
    "en": ENGLISH,
    "roman-south-asian": ROMAN_SOUTH_ASIAN,
    "ur": URDU,
    "pa": PUNJABI_GURMUKHI,
    "pa-Arab": PUNJABI_SHAHMUKHI,
    "bn": BENGALI,
    "syl": SYLHETI,
    "gu": GUJARATI,
    "pl": POLISH,
    "ro": ROMANIAN,
    "ar": ARABIC,
    "so": SOMALI,
    "zh": CHINESE,
}

# Lexicons read before a language's own (after English), earliest first.
ALSO: dict[str, tuple[str, ...]] = {
    "ur": ("roman-south-asian",),
    "pa": ("roman-south-asian",),
    "pa-Arab": ("roman-south-asian", "ur"),
    "phr": ("roman-south-asian", "ur"),
    "bn": ("roman-south-asian",),
    "syl": ("roman-south-asian", "bn"),
    "gu": ("roman-south-asian",),
    "hi": ("roman-south-asian",),
}
