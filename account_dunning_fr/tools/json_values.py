"""Record values kept as JSON until they are used (a run's planned actions)."""

from datetime import date, datetime


def to_json(value):
    """``value`` with its dates as ISO strings and its tuples as lists, so
    that ``json.dumps`` accepts it and the ORM reads it back unchanged
    (``Command`` tuples are accepted as lists, dates as strings).

    :param value: dict, list, tuple, date, datetime or scalar, nested
    :return: the same structure made of JSON types
    :raises TypeError: for a value JSON cannot hold (a recordset, a set...)
    """
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"{type(value).__name__} cannot be kept as JSON: {value!r}")
