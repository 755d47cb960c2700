"""Duplex batches of the post room (tools/post_room.py).

Tested without Odoo's database: PDFs of known page counts are drawn with
reportlab, merged, then read back page by page with pdftotext.
"""

import io
import shutil
import subprocess
import unittest

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ..tools import post_room
from .common_pure import DatabaseFreeCase


def _pdf(name, pages):
    """A PDF of ``pages`` A4 pages reading "<name> p<n>"."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        pdf.drawString(100, 750, f"{name} p{number}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _page_texts(document):
    """Text of each page of ``document``, as pdftotext reads it."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=document,
        capture_output=True,
        check=True,
    ).stdout.decode()
    # pdftotext ends every page with a form feed.
    return [page.strip() for page in text.split("\f")[:-1]]


class TestToolsPostRoom(DatabaseFreeCase):
    def test_page_count(self):
        cases = [1, 2, 3, 4]
        for pages in cases:
            with self.subTest(pages=pages):
                assert post_room.page_count(_pdf("A", pages)) == pages

    @unittest.skipIf(not shutil.which("pdftotext"), "needs poppler-utils")
    def test_each_document_starts_on_an_odd_page(self):
        merged = post_room.merge_duplex(
            [_pdf("cover", 1), _pdf("A", 3), _pdf("B", 2), _pdf("C", 1)]
        )
        assert _page_texts(merged) == [
            "cover p1",
            "",
            "A p1",
            "A p2",
            "A p3",
            "",
            "B p1",
            "B p2",
            "C p1",
            "",
        ]

    def test_blank_page_has_the_size_of_the_last_page(self):
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=(300, 400))
        pdf.drawString(10, 10, "small")
        pdf.showPage()
        pdf.save()
        merged = post_room.merge_duplex([buffer.getvalue()])
        reader = post_room.PdfReader(io.BytesIO(merged))
        assert [
            (float(page.mediabox.width), float(page.mediabox.height))
            for page in reader.pages
        ] == [(300.0, 400.0), (300.0, 400.0)]

    def test_even_documents_are_not_padded(self):
        merged = post_room.merge_duplex([_pdf("A", 2), _pdf("B", 4)])
        assert post_room.page_count(merged) == 6
