"""The footer stamped on every page of a letter (tools/page_footer.py).

Tested without Odoo and without a database: PDFs made with reportlab, read
back with the PDF library Odoo uses.
"""

import io

from reportlab.pdfgen import canvas

from ..tools import page_footer
from ..tools.page_footer import PdfReader
from .common_pure import DatabaseFreeCase


def _pdf(pages, size=(595.27, 841.89)):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=size)
    for number in range(pages):
        pdf.drawString(100, 700, f"Body of page {number + 1}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _texts(content):
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def _footer_heights(content):
    """Height above the page's foot, in points, of each text drawn with the
    footer's font, per page."""
    heights = []
    for page in PdfReader(io.BytesIO(content)).pages:
        heights.append([])
        page.extract_text(visitor_text=_height_visitor(heights[-1]))
    return heights


def _height_visitor(found):
    def visit(text, cm, tm, font, size):
        if text.strip() and font and font.get("/BaseFont") == "/Helvetica":
            # user space: the text matrix through the current matrix
            found.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    return visit


class TestToolsPageFooter(DatabaseFreeCase):
    def test_every_page_numbered_with_identity(self):
        cases = [1, 2, 5]
        for pages in cases:
            with self.subTest(pages=pages):
                stamped = page_footer.stamp_footer(
                    _pdf(pages), "SARL au capital de 50 000 €"
                )
                texts = _texts(stamped)
                assert len(texts) == pages
                for number, text in enumerate(texts, start=1):
                    assert f"Body of page {number}" in text
                    assert f"page {number} / {pages}" in text
                    assert text.count("SARL au capital de 50 000 €") == 1

    def test_french_label_and_narrow_spaces(self):
        # Babel's French amounts use narrow no-break spaces, which the standard
        # PDF fonts cannot draw: they print as plain spaces.
        stamped = page_footer.stamp_footer(
            _pdf(2),
            "Capital de 50\u202f000,00\u00a0€",
            page_label="page {page} sur {pages}",
        )
        texts = _texts(stamped)
        assert "Capital de 50 000,00 €" in texts[0]
        assert "page 2 sur 2" in texts[1]

    def test_long_line_shortened_not_overlapping_the_number(self):
        long_text = " · ".join(["Une mention légale très longue"] * 20)
        text = _texts(page_footer.stamp_footer(_pdf(1), long_text))[0]
        assert "…" in text
        assert "page 1 / 1" in text

    def test_empty_text_still_numbers_pages(self):
        assert "page 1 / 1" in _texts(page_footer.stamp_footer(_pdf(1), ""))[0]

    def test_landscape_page_keeps_its_size(self):
        stamped = page_footer.stamp_footer(_pdf(1, size=(841.89, 595.27)), "x")
        box = PdfReader(io.BytesIO(stamped)).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (842, 595)

    def test_not_a_pdf_refused(self):
        cases = [b"", b"<html>not a pdf</html>", None]
        for content in cases:
            with self.subTest(content=content):
                with self.assertRaises(ValueError):
                    page_footer.stamp_footer(content, "x")

    def test_footer_at_the_foot_whatever_state_the_page_leaves(self):
        """A renderer may leave its page moved, scaled and painted white (as
        wkhtmltopdf's pages end): the footer is drawn in the page's own space,
        in grey, at the same height on every page."""
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer)
        for number in range(2):
            pdf.setFont("Times-Roman", 12)
            pdf.translate(0, 400)
            pdf.scale(2, 2)
            pdf.setFillGray(1)
            pdf.drawString(20, 20, f"Body of page {number + 1}")
            pdf.showPage()
        pdf.save()
        stamped = page_footer.stamp_footer(buffer.getvalue(), "SARL Dupont")
        for number, heights in enumerate(_footer_heights(stamped), start=1):
            assert heights, f"page {number} has its footer"
            for height in heights:
                self.assertAlmostEqual(height, page_footer.BASELINE, delta=0.5)
        assert "page 2 / 2" in _texts(stamped)[1]

    def test_page_drawing_kept_and_not_rewritten(self):
        """The page's drawing is enclosed, not parsed: its streams come out as
        they went in, and the footer's font is a resource of its own."""
        original = _pdf(2)
        stamped = page_footer.stamp_footer(original, "SARL Dupont")
        before = PdfReader(io.BytesIO(original)).pages
        for page, source in zip(
            PdfReader(io.BytesIO(stamped)).pages, before, strict=True
        ):
            streams = [part.get_object().get_data() for part in page["/Contents"]]
            assert streams[0] == b"q"
            assert streams[1] == source["/Contents"].get_object().get_data()
            assert streams[-1].startswith(b"Q\n")
            fonts = page["/Resources"]["/Font"]
            assert page_footer.FONT_RESOURCE in fonts
            assert len(fonts) == len(source["/Resources"]["/Font"]) + 1
