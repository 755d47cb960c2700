"""Refusals the database gives on purpose, kept out of the log in the thread
that expects them.

When two workers reach the same customer, the database settles it: a unit
row or an invoice already held (``SKIP LOCKED``, ``NOWAIT``), a row changed
after a transaction began (repeatable read), a second live reminder refused
by a unique index. The code catches each of these and goes on; Odoo would
still log the statement as a failed query at ERROR level, which reads as a
fault to whoever watches the log.

Odoo's ``mute_logger`` swaps the logger's handlers for the whole process
and restores them on exit: two threads inside it at once can leave the
logger muted for everyone, or unmute the other. Here one filter, added once,
drops a record only in a thread that is inside ``expected_refusals()``;
every other thread logs as before.
"""

import logging
import threading
from contextlib import contextmanager

_state = threading.local()


class _InThisThreadOnly(logging.Filter):
    def filter(self, record):
        return not getattr(_state, "depth", 0)


_FILTER = _InThisThreadOnly()


@contextmanager
def expected_refusals(logger_name="odoo.sql_db"):
    """Inside the block, the records of ``logger_name`` logged by this thread
    are dropped; other threads' are kept. Blocks may nest.

    :param logger_name: the logger that reports failed queries (``str``)
    """
    logger = logging.getLogger(logger_name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1
