"""Refusals expected by one thread stay out of the log, only in that thread
(tools/expected_refusals.py), without Odoo."""

import logging
import threading

from ..tools.expected_refusals import expected_refusals
from .common_pure import DatabaseFreeCase

LOGGER = "account_dunning_fr.tests.expected_refusals"


class TestExpectedRefusals(DatabaseFreeCase):
    def test_dropped_in_this_thread_only(self):
        logger = logging.getLogger(LOGGER)
        inside, go_on = threading.Event(), threading.Event()

        def other_thread():
            inside.wait(timeout=10)
            logger.error("logged by the other thread")
            go_on.set()

        thread = threading.Thread(target=other_thread)
        with self.assertLogs(LOGGER, "ERROR") as logs:
            thread.start()
            with expected_refusals(LOGGER):
                logger.error("refused on purpose")
                inside.set()
                self.assertTrue(go_on.wait(timeout=10))
                with expected_refusals(LOGGER):
                    logger.error("nested, refused on purpose")
                logger.error("still inside the outer block")
            thread.join(timeout=10)
            logger.error("after the block")
        self.assertEqual(
            [record.getMessage() for record in logs.records],
            ["logged by the other thread", "after the block"],
        )
