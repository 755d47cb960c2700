"""The lint step that refuses pointers to documents outside the repository
(scripts/check_standalone.py), without Odoo."""

import importlib.util
from pathlib import Path

import pytest

CHECKER = Path(__file__).resolve().parents[2] / "scripts" / "check_standalone.py"


@pytest.fixture(scope="module")
def checker():
    if not CHECKER.is_file():
        pytest.skip("scripts/ is not next to the add-on (installed copy)")
    spec = importlib.util.spec_from_file_location("check_standalone", CHECKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "line",
    [
        '"""Planning: what each customer is reminded of (SPEC §2.5)."""',
        "# The customer's answer page (issue 13).",
        "Queries of a run (issue #10: at most 8 per customer).",
        "# Done for task 10.",
        "(see french-law.md §7)",
        "rules of shared/reference/einvoicing-fr.md",
        "# Cadences from shared/seeds/ notes.",
        "As the spec says, levels are ordered.",
        "as described in §2.3",
    ],
)
def test_pointer_found(checker, line):
    assert checker.find_pointers(line)


@pytest.mark.parametrize(
    "line",
    [
        "# Penalties of C. com. L441-10 §I, from the day after the due date.",
        "# CPC art. 750-1, §2: a prior amicable attempt.",
        "(C. civ. 1344; C. conso. L218-2)",
        '"%(company)s has no sales journal to issue the penalty "',
        '"""Issue and post the penalty invoice of this claim."""',
        "spec = importlib.util.spec_from_file_location(name, path)",
        '"""Pure rules with no ORM: French-law arithmetic."""',
        "Shared by every company of the database.",
    ],
)
def test_no_false_positive(checker, line):
    assert not checker.find_pointers(line)


def test_reports_file_and_line(checker, tmp_path, capsys):
    (tmp_path / "clean.py").write_text("# A reason, stated.\n")
    (tmp_path / "pointer.xml").write_text("<odoo>\n<!-- SPEC §5 -->\n</odoo>\n")
    (tmp_path / "image.png").write_bytes(b"\x89PNG SPEC \xff")
    assert checker.main([str(tmp_path)]) == 1
    assert "pointer.xml:2: <!-- SPEC §5 -->" in capsys.readouterr().out
    (tmp_path / "pointer.xml").unlink()
    assert checker.main([str(tmp_path)]) == 0


def test_repository_is_clean(checker):
    assert checker.check(checker.iter_files(checker.default_targets())) == []
