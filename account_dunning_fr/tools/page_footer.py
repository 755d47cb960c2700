"""A line printed at the foot of every page of a PDF, after rendering.

Debian's wkhtmltopdf (unpatched Qt) drops the header and footer of a report,
so a letter's legal mentions and its "page x / y" cannot live there. They are
stamped on the rendered PDF instead, page by page, which any build allows.
Pure module: no Odoo, no database.
"""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

try:  # Odoo 18 runs with either library, depending on the distribution.
    from pypdf import PdfReader, PdfWriter
except ImportError:  # pragma: no cover - the other one
    from PyPDF2 import PdfReader, PdfWriter

FONT = "Helvetica"
FONT_SIZE = 7
# The letters' paper format keeps a 15 mm bottom margin: the line sits in it.
BASELINE = 7 * mm
SIDE_MARGIN = 15 * mm
GAP = 4 * mm

# Characters the standard PDF fonts cannot draw, replaced by what they look
# like (Babel's French formats group thousands with a narrow no-break space).
_REPLACEMENTS = {"\u202f": " ", "\u00a0": " ", "\u2009": " ", "\u2011": "-"}


def _printable(text):
    return "".join(_REPLACEMENTS.get(char, char) for char in text or "")


def _fit(text, width):
    """``text`` shortened with an ellipsis so that it fits ``width`` points."""
    if stringWidth(text, FONT, FONT_SIZE) <= width:
        return text
    while text and stringWidth(text + "…", FONT, FONT_SIZE) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _footer_page(width, height, text, label):
    """A one-page PDF of the given size holding the footer, as a page."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setFont(FONT, FONT_SIZE)
    pdf.setFillGray(0.35)
    label_width = stringWidth(label, FONT, FONT_SIZE)
    pdf.drawRightString(width - SIDE_MARGIN, BASELINE, label)
    room = width - 2 * SIDE_MARGIN - label_width - GAP
    if text and room > 0:
        pdf.drawCentredString(SIDE_MARGIN + room / 2, BASELINE, _fit(text, room))
    pdf.save()
    buffer.seek(0)
    return PdfReader(buffer).pages[0]


def stamp_footer(pdf_content, text, page_label="page {page} / {pages}"):
    """Print ``text`` and the page number at the foot of every page.

    :param bytes pdf_content: a rendered PDF document (one letter).
    :param str text: the line printed on every page, e.g. the sender's legal
        identity; shortened with "…" when it does not fit; may be empty.
    :param str page_label: format of the page number, with ``{page}``
        (1-based) and ``{pages}`` (count), e.g. "page {page} / {pages}".
    :return: the stamped PDF, as bytes, with the same pages.
    :raises ValueError: when ``pdf_content`` is not a PDF.
    """
    if not pdf_content or not pdf_content.startswith(b"%PDF"):
        raise ValueError("not a PDF document")
    reader = PdfReader(io.BytesIO(pdf_content))
    writer = PdfWriter()
    pages = len(reader.pages)
    text = _printable(text)
    for number, page in enumerate(reader.pages, start=1):
        box = page.mediabox
        width = float(box.width) or A4[0]
        height = float(box.height) or A4[1]
        label = _printable(page_label.format(page=number, pages=pages))
        page.merge_page(_footer_page(width, height, text, label))
        writer.add_page(page)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
