"""Record ids as one PostgreSQL array literal (tools/id_array.py)."""

from ..tools.id_array import int_array_literal
from .common_pure import DatabaseFreeCase


class TestToolsIdArray(DatabaseFreeCase):
    def test_literal(self):
        cases = [
            ([], "{}"),
            ([7], "{7}"),
            ([3, 1, 2], "{3,1,2}"),
            ((i for i in (10, 20)), "{10,20}"),
            ({5}, "{5}"),
        ]
        for ids, literal in cases:
            with self.subTest(ids=ids, literal=literal):
                assert int_array_literal(ids) == literal

    def test_anything_but_an_int_refused(self):
        cases = [True, "1}", None, 1.0, "7"]
        for bad in cases:
            with self.subTest(bad=bad):
                with self.assertRaises(TypeError):
                    int_array_literal([1, bad])
