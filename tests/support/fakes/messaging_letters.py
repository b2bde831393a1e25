"""The letters' other ports in memory (service_layer/letter_printing.py): a layout engine
that keeps the HTML it is given, and a print provider that keeps the jobs it is sent.
The registry's addresses have their fake beside the real one (adapters/letter_ports.py),
since the local run uses it too."""

from __future__ import annotations

import uuid

from services.messaging.domain.letters import Recipient
from services.messaging.service_layer.letter_printing import PrintProvider, Renderer


class FakeRenderer:
    """Keeps the HTML it was given; the PDF is the HTML's bytes."""

    def __init__(self) -> None:
        self.documents: list[str] = []

    def qr_svg(self, data: str) -> str:
        return f"<svg data-qr='{data}'></svg>"

    def pdf(self, html: str) -> bytes:
        self.documents.append(html)
        return html.encode()


class FakePrintProvider:
    def __init__(self) -> None:
        self.jobs: list[tuple[uuid.UUID, bytes, int]] = []

    def submit(self, batch_id: uuid.UUID, pdf: bytes, letters: int) -> str:
        self.jobs.append((batch_id, pdf, letters))
        return f"job-{len(self.jobs)}"


def a_recipient(name: str = "Amina Begum", large_print: bool = False) -> Recipient:
    return Recipient(name, ["3 Soho Hill", "Birmingham", "B19 1AA"], large_print, "Lozells Surgery")


def _implements_the_ports(
    renderer: FakeRenderer, printer: FakePrintProvider
) -> tuple[Renderer, PrintProvider]:
    return renderer, printer  # mypy checks the fakes against the ports here
