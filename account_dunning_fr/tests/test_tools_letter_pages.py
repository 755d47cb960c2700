"""Rows of a letter's long table cut into pages (tools/letter_pages.py),
without Odoo and without a database."""

from ..tools import letter_pages
from ..tools.letter_pages import ROW, frame_height, page_rooms, split_rows
from .common_pure import DatabaseFreeCase


class TestToolsLetterPages(DatabaseFreeCase):
    def test_rows_fill_the_first_page_then_each_next_page(self):
        pages = split_rows([10.0] * 12, first_room=30.0, room=50.0)
        assert pages == [[0, 1, 2], [3, 4, 5, 6, 7], [8, 9, 10, 11]]

    def test_no_room_on_the_first_page_starts_the_table_on_the_next(self):
        assert split_rows([10.0, 10.0], first_room=5.0, room=50.0) == [[], [0, 1]]

    def test_a_row_taller_than_a_page_stays_on_its_own_page(self):
        assert split_rows([10.0, 80.0, 10.0], 30.0, 50.0) == [[0], [1], [2]]

    def test_totals_never_open_a_page_alone(self):
        # Three rows fill the first page: the totals would go alone to the next.
        assert split_rows([10.0] * 3, 30.0, 50.0, tail=10.0) == [[0, 1], [2]]
        assert split_rows([10.0] * 2, 30.0, 50.0, tail=10.0) == [[0, 1]]
        assert split_rows([25.0], 30.0, 50.0, tail=10.0) == [[], [0]]

    def test_no_rows_make_one_empty_page(self):
        assert split_rows([], 30.0, 50.0, tail=10.0) == [[]]

    def test_first_page_holds_less_below_a_long_reference_list(self):
        short = frame_height(letterhead_lines=2, reference_lines=3)
        long = frame_height(letterhead_lines=2, reference_lines=24)
        assert short == letter_pages.FRAME_MIN
        assert long > short
        first_short, following = page_rooms(short + 100)
        first_long, _following = page_rooms(long + 100)
        assert following > first_short > first_long
        # Measured: a continuation page holds 40 one-line rows; counted with a
        # margin, no fewer than 35.
        assert 35 <= following // ROW < 40
        assert page_rooms(letter_pages.PAGE_BODY) == (0.0, following)
