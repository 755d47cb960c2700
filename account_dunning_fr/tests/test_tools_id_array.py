"""Record ids as one PostgreSQL array literal (tools/id_array.py)."""

import pytest

from ..tools.id_array import int_array_literal


@pytest.mark.parametrize(
    ("ids", "literal"),
    [
        ([], "{}"),
        ([7], "{7}"),
        ([3, 1, 2], "{3,1,2}"),
        ((i for i in (10, 20)), "{10,20}"),
        ({5}, "{5}"),
    ],
)
def test_literal(ids, literal):
    assert int_array_literal(ids) == literal


@pytest.mark.parametrize("bad", [True, "1}", None, 1.0, "7"])
def test_anything_but_an_int_refused(bad):
    with pytest.raises(TypeError):
        int_array_literal([1, bad])
