"""Odoo add-ons that this repository's add-ons depend on, one per line.

Usage: manifest_deps.py ADDONS_PATH {present|missing} ADDON_DIR [ADDON_DIR ...]

ADDONS_PATH is Odoo's comma-separated addons path. ``present`` prints the
dependencies found there (what the cached template database installs),
``missing`` those found nowhere (what setup.sh fetches from PyPI). The add-ons
given are left out: they are installed fresh. Extra names always wanted can be
given in $DUNNING_EXTRA_DEPENDS (space-separated).
"""

import ast
import os
import sys


def main(argv):
    odoo_dirs = [d for d in argv[1].split(",") if d]
    mode = argv[2]
    addon_dirs = argv[3:]
    ours = {os.path.basename(os.path.normpath(d)) for d in addon_dirs}
    wanted = set(os.environ.get("DUNNING_EXTRA_DEPENDS", "").split())
    for addon_dir in addon_dirs:
        with open(os.path.join(addon_dir, "__manifest__.py"), encoding="utf-8") as f:
            wanted |= set(ast.literal_eval(f.read()).get("depends", []))
    for name in sorted(wanted - ours):
        found = any(
            os.path.isfile(os.path.join(d, name, "__manifest__.py")) for d in odoo_dirs
        )
        if found == (mode == "present"):
            print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
