"""Record values kept as JSON until they are used (a run's planned actions)."""

import json
from datetime import date, datetime


def _encode(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be kept as JSON: {value!r}")


def to_json(value):
    """``value`` with its dates as ISO strings and its tuples as lists, so
    that ``json.dumps`` accepts it and the ORM reads it back unchanged
    (``Command`` tuples are accepted as lists, dates as strings).

    Encoded and decoded by the ``json`` module's C code: a run keeps the
    values of thousands of actions, and walking them in Python cost more
    than planning them.

    :param value: dict, list, tuple, date, datetime or scalar, nested; dict
        keys are strings (JSON has no other keys)
    :return: the same structure made of JSON types
    :raises TypeError: for a value JSON cannot hold (a recordset, a set...)
    """
    return json.loads(json.dumps(value, default=_encode))
