"""Build each add-on's wheel (odoo-addon-<name>, whool), install the wheels
into a scratch virtual environment and import the add-ons from there, the way
an integrator installs them with pip.

The scratch environment sees the project's environment (Odoo and its
requirements) but none of this repository's folders: each add-on must import
from the wheel, and the wheel's add-on must carry the manifest's version.

Usage: check_wheels.py ODOO_ADDONS_PATH ADDON_DIR...
    ODOO_ADDONS_PATH  Odoo's own addons path (comma separated), without this
                      repository, as Odoo's configuration takes it.
Run with the project's Python (it needs pip and whool).
"""

import ast
import os
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
from pathlib import Path

# Runs inside the scratch environment: argv[1] the addons path, argv[2] its
# site-packages, then name=manifest version pairs.
IMPORT_CHECK = textwrap.dedent(
    """
    import ast, sys
    from importlib import import_module
    from importlib.metadata import version
    from pathlib import Path

    import odoo
    from odoo.modules.module import initialize_sys_path
    from odoo.tools import config

    config.parse_config(["--addons-path", sys.argv[1], "--log-level", "warn"])
    initialize_sys_path()
    site = Path(sys.argv[2]).resolve()
    failures = []
    for pair in sys.argv[3:]:
        name, expected = pair.split("=")
        module = import_module("odoo.addons." + name)
        folder = Path(module.__file__).resolve().parent
        manifest = ast.literal_eval((folder / "__manifest__.py").read_text())
        dist = version("odoo-addon-" + name)
        if folder.parent.parent.parent != site:
            failures.append(f"{name} imported from {folder}, not from the wheel")
        elif manifest["version"] != expected:
            failures.append(f"{name}: the wheel has {manifest['version']}")
        elif not (dist == expected or dist.startswith(expected + ".")):
            failures.append(f"{name}: wheel version {dist}, manifest {expected}")
        else:
            print(f"{name} {dist} imported from the wheel ({folder})")
    sys.exit("\\n".join(failures) or None)
    """
)


def run(*cmd):
    subprocess.run(cmd, check=True)


def main(odoo_addons_path, addon_dirs):
    import odoo  # noqa: F401  the project's Odoo, whose source root we need

    odoo_root = Path(odoo.__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="dunning-wheels-") as tmp:
        tmp = Path(tmp)
        wheels = tmp / "wheels"
        for addon_dir in addon_dirs:
            run(
                sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                "--no-index", "--no-build-isolation", "-w", str(wheels),
                str(Path(addon_dir).resolve()),
            )  # fmt: skip
        venv = tmp / "venv"
        run(sys.executable, "-m", "venv", "--without-pip", str(venv))
        python = str(venv / "bin" / "python")
        site = subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        # Odoo's source root first: an odoo/ folder of the wheels in
        # site-packages must not hide the Odoo package behind a namespace.
        Path(site, "zz_project.pth").write_text(
            f"{odoo_root}\n"
            "import site; site.addsitedir("
            f"{sysconfig.get_path('purelib')!r})\n"
        )
        run(
            sys.executable, "-m", "pip", "--python", python, "install", "-q",
            "--no-deps", "--no-index", *map(str, sorted(wheels.glob("*.whl"))),
        )  # fmt: skip
        expected = []
        for addon_dir in addon_dirs:
            manifest = (Path(addon_dir) / "__manifest__.py").read_text()
            version = ast.literal_eval(manifest)["version"]
            expected.append(f"{Path(addon_dir).resolve().name}={version}")
        env = dict(os.environ, PYTHONPATH="")
        return subprocess.run(
            [python, "-c", IMPORT_CHECK, odoo_addons_path, site, *expected],
            env=env,
            cwd=tmp,
        ).returncode


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
