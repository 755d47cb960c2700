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

try:  # Odoo 18 runs with either library, depending on the distribution.
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
    )
except ImportError:  # pragma: no cover - the other one
    from PyPDF2 import PdfReader, PdfWriter
    from PyPDF2.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
    )

FONT = "Helvetica"
FONT_SIZE = 7
# The letters' paper format keeps a 15 mm bottom margin: the line sits in it.
BASELINE = 7 * mm
SIDE_MARGIN = 15 * mm
GAP = 4 * mm
# 35 % black, as a grey that does not compete with the letter.
GREY = 0.35
# Name of the footer's font in a page's resources, chosen so that it never
# meets one of the renderer's own names.
FONT_RESOURCE = "/FDunningFooter"

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


def _pdf_string(text):
    """``text`` as a PDF literal string in the font's WinAnsi encoding
    (characters it lacks print as "?")."""
    data = text.encode("cp1252", errors="replace")
    data = data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + data + b")"


def _footer_operators(box, text, label):
    """The drawing operators of the footer of a page whose media box is
    ``box`` (``(left, bottom, right, top)`` in points), as bytes."""
    left, bottom, right, _top = box
    width = right - left
    label_width = stringWidth(label, FONT, FONT_SIZE)
    lines = [(right - SIDE_MARGIN - label_width, label)]
    room = width - 2 * SIDE_MARGIN - label_width - GAP
    if text and room > 0:
        text = _fit(text, room)
        centre = left + SIDE_MARGIN + room / 2
        lines.append((centre - stringWidth(text, FONT, FONT_SIZE) / 2, text))
    operators = [
        b"q",
        b"%.2f g" % GREY,
        b"BT",
        FONT_RESOURCE.encode() + b" %d Tf" % FONT_SIZE,
    ]
    for x, line in lines:
        operators.append(
            b"1 0 0 1 %.2f %.2f Tm " % (x, bottom + BASELINE)
            + _pdf_string(line)
            + b" Tj"
        )
    operators += [b"ET", b"Q"]
    return b"\n".join(operators)


def _stream(writer, data):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)  # pylint: disable=protected-access


def _add_font(page, font):
    """Declare ``font`` (a reference to the footer's font dictionary) among
    the resources of ``page``."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    if resources is None:
        resources = DictionaryObject()
        page[NameObject("/Resources")] = resources
    fonts = resources.get("/Font")
    fonts = fonts.get_object() if fonts is not None else None
    if fonts is None:
        fonts = DictionaryObject()
        resources[NameObject("/Font")] = fonts
    fonts[NameObject(FONT_RESOURCE)] = font


def stamp_pages(writer, text, page_label="page {page} / {pages}"):
    """Print ``text`` and the page number at the foot of every page of
    ``writer``, in place.

    The page's own drawing is neither parsed nor rewritten (parsing it cost
    a third of a second per page of a web-font letter): it is enclosed in
    ``q``/``Q``, so that no state it leaves changes the footer, and a small
    stream drawing the footer follows it, with a standard font added to the
    page's resources.

    :param writer: a ``PdfWriter`` holding the pages of one document.
    :param str text: see ``stamp_footer``.
    :param str page_label: see ``stamp_footer``.
    """
    pages = len(writer.pages)
    text = _printable(text)
    save = _stream(writer, b"q")
    # an indirect object, as readers expect a font to be
    font = writer._add_object(  # pylint: disable=protected-access
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/" + FONT),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    for number, page in enumerate(writer.pages, start=1):
        box = page.mediabox
        left, bottom = float(box.left), float(box.bottom)
        right = float(box.right) if float(box.width) else left + A4[0]
        top = float(box.top) if float(box.height) else bottom + A4[1]
        label = _printable(page_label.format(page=number, pages=pages))
        footer = _stream(
            writer,
            b"Q\n" + _footer_operators((left, bottom, right, top), text, label),
        )
        contents = page.get("/Contents")
        if contents is None:
            drawing = []
        elif isinstance(contents.get_object(), ArrayObject):
            drawing = list(contents.get_object())
        else:
            drawing = [contents]
        page[NameObject("/Contents")] = ArrayObject([save, *drawing, footer])
        _add_font(page, font)


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
    for page in reader.pages:
        writer.add_page(page)
    stamp_pages(writer, text, page_label)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
