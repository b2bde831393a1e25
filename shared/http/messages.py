"""Error messages in plain English, in the NHS design system's style: say what is wrong and
what to do ("Enter a name", "Name must be 200 characters or fewer"), never the library's
wording ("Shorter than minimum length 1.", "Must be one of: yes, no.").

Marshmallow and webargs phrase their messages one way; they are rewritten here, once, as
every problem document is built, so every service's API and the console that shows its
errors say the same thing. A message that is not recognised is kept as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# What the framework's HTTP errors are called, and what to do about them.
HTTP_TITLES: dict[int, tuple[str, str]] = {
    400: ("Bad request", "We could not read this request. Check it and send it again."),
    403: ("Not allowed", "You do not have permission to do this."),
    404: ("Not found", "There is nothing at this address. Check the address and the ids in it."),
    405: ("Method not allowed", "This address does not accept that method."),
    406: ("Not acceptable", "We cannot answer in the format asked for."),
    413: ("Too large", "The request is larger than we accept. Send a smaller one."),
    415: (
        "Unsupported content type",
        "We cannot read this type of content. Check the Content-Type header.",
    ),
}


def label(field: str) -> str:
    """`translations.en.given_name` -> `given name`: the last part, in words."""
    last = field.rsplit(".", 1)[-1]
    if last.isdigit() and "." in field:  # an item of a list: name the list
        last = field.rsplit(".", 2)[-2]
    return last.replace("_", " ").strip() or "this"


def _a(words: str) -> str:
    return ("an " if words[:1].lower() in "aeiou" else "a ") + words


def _choices(listed: str) -> str:
    items = [c.strip() for c in listed.split(",") if c.strip()]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


Rule = tuple[re.Pattern[str], Callable[[re.Match[str], str], str]]


def _rule(pattern: str, make: Callable[[re.Match[str], str], str]) -> Rule:
    return re.compile(pattern + r"\.?$"), make


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


RULES: list[Rule] = [
    _rule(r"Missing data for required field", lambda m, n: f"Enter {_a(n)}"),
    _rule(r"Field may not be null", lambda m, n: f"Enter {_a(n)}"),
    _rule(
        r"Unknown field",
        lambda m, n: f"{_cap(n)} is not something we accept here: remove it or check its spelling",
    ),
    _rule(r"Shorter than minimum length 1", lambda m, n: f"Enter {_a(n)}"),
    _rule(
        r"Shorter than minimum length (\d+)",
        lambda m, n: f"{_cap(n)} must be {m[1]} characters or more",
    ),
    _rule(
        r"Longer than maximum length (\d+)",
        lambda m, n: f"{_cap(n)} must be {m[1]} characters or fewer",
    ),
    _rule(
        r"Length must be between 1 and (\d+)",
        lambda m, n: f"Enter {_a(n)} of {m[1]} characters or fewer",
    ),
    _rule(
        r"Length must be between (\d+) and (\d+)",
        lambda m, n: f"{_cap(n)} must be between {m[1]} and {m[2]} characters",
    ),
    _rule(r"Length must be (\d+)", lambda m, n: f"{_cap(n)} must be {m[1]} characters long"),
    _rule(
        r"Must be greater than or equal to (-?[\d.]+) and less than or equal to (-?[\d.]+)",
        lambda m, n: f"{_cap(n)} must be between {m[1]} and {m[2]}",
    ),
    _rule(
        r"Must be greater than or equal to (-?[\d.]+)",
        lambda m, n: f"{_cap(n)} must be {m[1]} or more",
    ),
    _rule(
        r"Must be less than or equal to (-?[\d.]+)",
        lambda m, n: f"{_cap(n)} must be {m[1]} or less",
    ),
    _rule(r"Must be one of: (.*?)", lambda m, n: f"Choose {_choices(m[1])}"),
    _rule(r"Not a valid string", lambda m, n: f"{_cap(n)} must be text"),
    _rule(r"Not a valid integer", lambda m, n: f"{_cap(n)} must be a whole number, like 40"),
    _rule(r"Not a valid number", lambda m, n: f"{_cap(n)} must be a number, like 40"),
    _rule(r"Not a valid boolean", lambda m, n: f"{_cap(n)} must be true or false"),
    _rule(
        r"Not a valid UUID",
        lambda m, n: f"{_cap(n)} must be an id like 3f0c8a52-6a4e-4a8e-9b1d-2f6f0e8d1c7a",
    ),
    _rule(r"Not a valid date", lambda m, n: f"{_cap(n)} must be a date, like 2026-03-15"),
    _rule(
        r"Not a valid (?:aware |naive )?datetime",
        lambda m, n: f"{_cap(n)} must be a date and time, like 2026-03-15T09:30:00+00:00",
    ),
    _rule(
        r"Not a valid URL",
        lambda m, n: f"{_cap(n)} must be a web address, like https://example.org/study",
    ),
    _rule(r"Not a valid email address", lambda m, n: f"{_cap(n)} must be an email address"),
    _rule(r"Not a valid list", lambda m, n: f"{_cap(n)} must be a list"),
    _rule(r"Not a valid mapping type", lambda m, n: f"{_cap(n)} must be an object"),
    _rule(r"Invalid input type", lambda m, n: f"{_cap(n)} is the wrong type of value"),
    _rule(
        r"Invalid JSON body",
        lambda m, n: "The body is not valid JSON: check its brackets, commas and quotes",
    ),
]


def plain(field: str, reason: str) -> str:
    """The reason a field was refused, in plain words (unchanged if not a library message)."""
    name = label(field)
    for pattern, make in RULES:
        found = pattern.match(reason.strip())
        if found:
            return make(found, name)
    return reason
