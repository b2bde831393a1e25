"""The adapters letters need: the registry's addresses, the layout engine, a print provider.

Service-layer code takes them as the protocols in service_layer/letter_printing.py; the fakes
here serve tests and the local run."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

import requests

from services.messaging.domain.letters import Recipient
from shared.chunks import chunked
from shared.documents.pdf import qr_code_svg, render_pdf
from shared.letter_recipients import MAX_PER_REQUEST, PATH, LetterRecipientsIn, LetterRecipientsOut
from shared.logs import get_logger

log = get_logger(__name__)


class RegistryRecipients:
    """Names and addresses from the registry, asked point to point with the letters' service
    credential at render time, and kept only in memory while the letters render."""

    def __init__(self, base_url: str, token: str | None, timeout: float = 10.0) -> None:
        self.url = base_url.rstrip("/") + PATH
        self.token = token
        self.timeout = timeout
        self.http = requests.Session()

    def recipients(self, participant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Recipient]:
        if not self.token:
            raise RuntimeError("LETTERS_SERVICE_TOKEN is not set: no addresses for letters")
        found: dict[uuid.UUID, Recipient] = {}
        for chunk in chunked(participant_ids, MAX_PER_REQUEST):
            body = LetterRecipientsIn().dump({"participant_ids": chunk})
            answer = self.http.post(
                self.url,
                json=body,
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=self.timeout,
            )
            answer.raise_for_status()
            for item in LetterRecipientsOut().load(answer.json())["recipients"]:
                found[item["participant_id"]] = Recipient(
                    name=item["name"],
                    address_lines=list(item["address_lines"]),
                    large_print=item["large_print"],
                    practice_name=item["practice_name"],
                )
        return found


class FakeRecipients:
    def __init__(self, known: dict[uuid.UUID, Recipient] | None = None) -> None:
        self.known = dict(known or {})
        self.asked: list[uuid.UUID] = []

    def recipients(self, participant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Recipient]:
        self.asked.extend(participant_ids)
        return {pid: self.known[pid] for pid in participant_ids if pid in self.known}


class WeasyPrintRenderer:
    """shared/documents/pdf.py: WeasyPrint with the Noto fonts, segno for QR codes."""

    def qr_svg(self, data: str) -> str:
        return qr_code_svg(data)

    def pdf(self, html: str) -> bytes:
        return render_pdf(html)


class FilePrintProvider:
    """A fake print provider: each batch's PDF lands in a folder, as a print house's upload
    would, and the reference it answers is the file's name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def submit(self, batch_id: uuid.UUID, pdf: bytes, letters: int) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        reference = f"fake-print-{batch_id}-{uuid.uuid4().hex[:8]}"
        (self.folder / f"{reference}.pdf").write_bytes(pdf)
        log.info("letters_sent_to_printer", batch_id=str(batch_id), letters=letters)
        return reference
