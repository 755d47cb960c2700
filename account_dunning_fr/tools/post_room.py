"""Batches of letters for the post room, printed on both sides: no ORM.

A letter of three pages printed duplex leaves its last page's back empty;
without a blank page after it, the next letter would start on that back and
the two letters would share a sheet, and an envelope. Every document of a
batch therefore gets an even number of pages, so that each one starts on the
front of a sheet.
"""

import io

try:
    from pypdf import PdfReader, PdfWriter
except ImportError:  # Odoo 18's requirements pin PyPDF2, pypdf's former name
    from PyPDF2 import PdfReader, PdfWriter


def page_count(document):
    """Number of pages of a PDF.

    :param bytes document: the PDF
    :return: int
    :raise a PdfReadError of pypdf (PyPDF2): when ``document`` is not a PDF
    """
    return len(PdfReader(io.BytesIO(document)).pages)


def merge_duplex(documents):
    """One PDF of ``documents`` in their order, each starting on an odd page.

    A document with an odd number of pages is followed by a blank page of
    the size of its last page.

    :param documents: iterable of PDFs, as bytes
    :return: bytes, a PDF with an even number of pages
    :raise a PdfReadError of pypdf (PyPDF2): when a document is not a PDF
    """
    writer = PdfWriter()
    for document in documents:
        pages = PdfReader(io.BytesIO(document)).pages
        for page in pages:
            writer.add_page(page)
        if len(pages) % 2:
            box = pages[-1].mediabox
            writer.add_blank_page(width=box.width, height=box.height)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
