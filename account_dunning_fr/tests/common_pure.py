"""Base of the database-free tests of tools/ (tests/test_tools_*.py)."""

import unittest


class DatabaseFreeCase(unittest.TestCase):
    """A test of pure functions, run by Odoo's test runner and by plain
    pytest alike.

    Odoo's runner only selects test classes that carry the attributes its
    ``BaseCase`` metaclass sets (tags, module, class and sequence). They are
    set here instead, so that these tests import nothing from Odoo and still
    run without it and without a database.
    """

    # Post-install, as the other tests of the add-on: ``--test-tags
    # /account_dunning_fr`` on an installed database runs them too.
    test_tags = frozenset({"standard", "post_install"})
    test_sequence = 0
    # Read by Odoo's suite on every class, set by unittest's skip decorators
    # only.
    __unittest_skip__ = False

    def __init_subclass__(cls, **kwargs):
        # odoo.addons.<module>.tests.<file> under Odoo, <module>.tests.<file>
        # when loaded without it.
        cls.test_module = cls.__module__.split(".")[-3]
        cls.test_class = cls.__name__
        return super().__init_subclass__(**kwargs)
