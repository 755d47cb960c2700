"""How many rows of a letter's table each printed page holds.

Debian's wkhtmltopdf (unpatched Qt) neither repeats a table's header row on
the pages a long table runs onto nor reliably keeps whole what a letter asks
to keep whole. So a long table is printed as one table per page, each with
its own header row and a page break before the next one; the rows of each
page are counted here from estimated heights, on the safe side: a page
holding a row or two fewer than it could costs a little paper, a page
holding one row too many pushes rows onto a page of their own, headerless.

Heights are in points (1/72 inch) of paper, as the letters' paper format
prints them: A4 less its 12 mm top and 15 mm bottom margins, with the
shrinking wkhtmltopdf applies (about 0.76 mm of paper per CSS mm). The
figures were measured on rendered letters.

Pure module: no Odoo, no database.
"""

import math

# Height of the page's body: 297 mm less the 12 and 15 mm margins.
PAGE_BODY = 765.0
# A row of a small table (table-sm) holding one line of text, border
# included, and each line of small text a cell adds under it.
ROW = 19.1
SMALL_LINE = 11.0
# A line of the letter's text, and the space a paragraph adds under it.
TEXT_LINE = 13.0
# The header row, with the table's own margin above it.
TABLE_HEADER = 19.1 + 9.0
# Kept free at the foot of every page: estimates err, fonts differ (French
# wording is longer), and the stamped footer lies below.
SAFETY = 2 * ROW
# The frame at the top of the first page (letterhead and references on the
# left, the address behind the envelope's window on the right) is at least
# this high, place and date line's gap included; a longer left column
# pushes the letter down.
FRAME_MIN = 209.0
FRAME_GAP = 11.0
# The left column: the letterhead's logo and its margin, the margin under
# the letterhead, and how many characters of the small references text
# make a line (fewer than the column really holds).
LOGO = 45.0
LETTERHEAD_GAP = 15.0
REFERENCE_CHARS = 44


def row_height(small_lines=0):
    """Height of a row holding one line of text, then ``small_lines`` lines
    of small text (an instalment, a label, a kind of document)."""
    return ROW + small_lines * SMALL_LINE


def text_lines(texts, chars=REFERENCE_CHARS):
    """Lines ``texts`` (strings, each its own paragraph) wrap to at
    ``chars`` characters a line."""
    return sum(max(1, math.ceil(len(text) / chars)) for text in texts if text)


def frame_height(letterhead_lines, reference_lines, logo=False):
    """From the top of the first page to the place and date line: the frame
    at its least, or its left column (letterhead lines of text, reference
    lines of small text) when that is longer."""
    column = (
        (LOGO if logo else 0.0)
        + letterhead_lines * TEXT_LINE
        + LETTERHEAD_GAP
        + reference_lines * SMALL_LINE
        + FRAME_GAP
    )
    return max(FRAME_MIN, column)


def page_rooms(first_page_top):
    """``(room on the first page, room on each next page)`` for the rows of
    a table whose header starts ``first_page_top`` points below the top of
    the first page's body (the table's margin above it excluded); each next
    page starts with the header."""
    first = PAGE_BODY - first_page_top - TABLE_HEADER - SAFETY
    following = PAGE_BODY - TABLE_HEADER - SAFETY
    return max(first, 0.0), following


def split_rows(heights, first_room, room, tail=0.0):
    """Cut rows of ``heights`` (points) into pages.

    :param first_room: points left for rows on the first page (0: the table
        starts on the next page)
    :param room: points for rows on each next page
    :param tail: points the last page must keep under the last row (the
        table's total rows), so that they do not end on a page of their own
    :return: list of lists of row indexes, one list per page, the first one
        possibly empty (no room left on the first page); never empty itself
    """
    pages = [[]]
    left = first_room
    for index, height in enumerate(heights):
        # A row too tall for the room left starts the next page, unless it
        # already opens a page after the first (taller than any page, it
        # has to be cut wherever it is).
        if height > left and (pages[-1] or len(pages) == 1):
            pages.append([])
            left = room
        pages[-1].append(index)
        left -= height
    if left < tail and pages[-1] and (len(pages[-1]) > 1 or len(pages) == 1):
        # The totals would fall alone onto the next page, without a header:
        # the last row goes with them.
        pages.append([pages[-1].pop()])
    return pages
