"""Print the welcome once every service knows the demo tokens.

The registry makes the tokens; messaging and consent learn them from its events a few
seconds later, so a token copied from an early welcome answered 401 there. This waits
(at most a minute) until each service's /whoami takes every token, then prints.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from pathlib import Path

WELCOME = Path("var/welcome.txt")
SERVICES = ("http://127.0.0.1:8001", "http://127.0.0.1:8002", "http://127.0.0.1:8003")


def known(base: str, token: str) -> bool:
    # Our own services' fixed local addresses: no file: or other scheme can come in.
    headers = {"Authorization": f"Bearer {token}"}
    asked = urllib.request.Request(f"{base}/whoami", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(asked, timeout=2) as answer:  # noqa: S310
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def main() -> None:
    text = WELCOME.read_text(encoding="utf-8")
    tokens = set(re.findall(r"\btrt_[\w-]+", text))
    deadline = time.monotonic() + 60
    waiting = [(base, token) for base in SERVICES for token in tokens]
    while waiting and time.monotonic() < deadline:
        waiting = [(base, token) for base, token in waiting if not known(base, token)]
        if waiting:
            time.sleep(0.5)
    print(text, flush=True)


if __name__ == "__main__":
    main()
