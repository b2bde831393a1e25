"""The one layout engine: scripts shaped, PDF/A when asked, QR codes that decode."""

import re
import shutil
import subprocess
import zlib

import pytest

from shared.documents.pdf import qr_code_svg, render_pdf

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")


def _text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _inflated(stream: bytes) -> bytes:
    try:
        return zlib.decompress(stream)
    except zlib.error:
        return stream


@needs_poppler
def test_urdu_text_reads_back_in_order(tmp_path):
    pdf = render_pdf('<html lang="ur" dir="rtl"><body><p>آپ کی رضامندی درج کر لی گئی ہے</p>')
    assert "آپ کی رضامندی درج کر لی گئی ہے" in _text_of(pdf, tmp_path)


def test_archival_variant_declares_pdf_a():
    pdf = render_pdf("<html><body><p>Consent</p>", archival=True)
    assert pdf.startswith(b"%PDF-")
    streams = re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S)
    metadata = [body for body in map(_inflated, streams) if b"xmpmeta" in body]
    assert metadata, "no XMP metadata stream"
    assert b'pdfaid:part="3"' in metadata[0]
    assert b'pdfaid:conformance="B"' in metadata[0]


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools")
@needs_poppler
def test_qr_code_decodes_to_its_link(tmp_path):
    link = "https://consent.example/c/abc123?code=482913"
    (tmp_path / "doc.pdf").write_bytes(render_pdf(f"<html><body>{qr_code_svg(link)}"))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "120", str(tmp_path / "doc.pdf"), str(tmp_path / "page")],
        check=True,
    )
    page = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(["zbarimg", "-q", str(page)], capture_output=True, text=True)
    assert decoded.stdout.strip() == f"QR-Code:{link}"
