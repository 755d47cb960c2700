"""The lint step that refuses pointers to documents outside the repository
(scripts/check_standalone.py), without Odoo."""

import contextlib
import importlib.util
import io
import tempfile
import unittest
from pathlib import Path

from .common_pure import DatabaseFreeCase

CHECKER = Path(__file__).resolve().parents[2] / "scripts" / "check_standalone.py"


@unittest.skipUnless(CHECKER.is_file(), "scripts/ is not next to the add-on")
class TestToolsCheckStandalone(DatabaseFreeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        spec = importlib.util.spec_from_file_location("check_standalone", CHECKER)
        cls.checker = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(cls.checker)

    def test_pointer_found(self):
        cases = [
            '"""Planning: what each customer is reminded of (SPEC §2.5)."""',
            "# The customer's answer page (issue 13).",
            "Queries of a run (issue #10: at most 8 per customer).",
            "# Done for task 10.",
            "(see french-law.md §7)",
            "rules of shared/reference/einvoicing-fr.md",
            "# Cadences from shared/seeds/ notes.",
            "As the spec says, levels are ordered.",
            "as described in §2.3",
        ]
        for line in cases:
            with self.subTest(line=line):
                assert self.checker.find_pointers(line)

    def test_no_false_positive(self):
        cases = [
            "# Penalties of C. com. L441-10 §I, from the day after the due date.",
            "# CPC art. 750-1, §2: a prior amicable attempt.",
            "(C. civ. 1344; C. conso. L218-2)",
            '"%(company)s has no sales journal to issue the penalty "',
            '"""Issue and post the penalty invoice of this claim."""',
            "spec = importlib.util.spec_from_file_location(name, path)",
            '"""Pure rules with no ORM: French-law arithmetic."""',
            "Shared by every company of the database.",
        ]
        for line in cases:
            with self.subTest(line=line):
                assert not self.checker.find_pointers(line)

    def test_reports_file_and_line(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        tmp_path = Path(folder.name)
        (tmp_path / "clean.py").write_text("# A reason, stated.\n")
        (tmp_path / "pointer.xml").write_text("<odoo>\n<!-- SPEC §5 -->\n</odoo>\n")
        (tmp_path / "image.png").write_bytes(b"\x89PNG SPEC \xff")
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            assert self.checker.main([str(tmp_path)]) == 1
        assert "pointer.xml:2: <!-- SPEC §5 -->" in out.getvalue()
        (tmp_path / "pointer.xml").unlink()
        with contextlib.redirect_stdout(io.StringIO()):
            assert self.checker.main([str(tmp_path)]) == 0

    def test_repository_is_clean(self):
        assert (
            self.checker.check(self.checker.iter_files(self.checker.default_targets()))
            == []
        )
