"""Run the add-on's database-free tests (tests/test_tools_*.py) with plain
pytest, without Odoo: the add-on's package and its tests package are
registered as empty namespaces, so that importing a test module does not run
the add-on's __init__ (which loads the ORM models).

Usage: python3 scripts/run_pure_tests.py <addon dir> [pytest args...]
"""

import os
import sys
import types

import pytest


def main():
    addon = os.path.abspath(sys.argv[1])
    name = os.path.basename(addon)
    for package, path in ((name, addon), (f"{name}.tests", f"{addon}/tests")):
        module = types.ModuleType(package)
        module.__path__ = [path]
        sys.modules[package] = module
    return pytest.main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
