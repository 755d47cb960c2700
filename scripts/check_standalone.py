"""Refuse pointers to documents a reader of the repository does not have.

A comment, docstring or page must give the reason itself (or the article of
law), not "see section 2.5 of a specification" nor "as issue 13 asked": those
documents stay behind with whoever wrote them. Prints ``file:line: text`` for
each pointer found and exits 1 if there is any.

Usage: python3 scripts/check_standalone.py [file or folder...]
       (default: the add-ons, bench/, scripts/, README.md and docs/)
"""

import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# Text files worth reading; images, PDFs and fonts are skipped.
SUFFIXES = set(".py .xml .js .scss .css .csv .po .pot .md .rst .txt .html .sh".split())
SKIPPED_DIRS = {"__pycache__", ".cache", "node_modules", ".git"}
# This checker and its test quote the very patterns they look for.
EXCLUDED = {"check_standalone.py", "test_tools_check_standalone.py"}

# A legal code and article right before a "§" make it a legal citation:
# "C. com. L441-10 §I", "CPC art. 750-1, §2".
LEGAL_CITATION = re.compile(
    r"(?:\b(?:C\.\s?(?:com|civ|conso|trav|mon\.\s?fin|proc\.\s?civ)\.?|CPC|CGI|CMF"
    r"|CPCE|CJA|art\.|article)\s*)[A-Z]?\d[\d-]*\s*,?\s*(?:al\.\s*\d+\s*,?\s*)?$",
    re.IGNORECASE,
)
SECTION_SIGN = re.compile("§")

POINTERS = (
    # A specification and its sections.
    re.compile(r"\bSPEC\b"),
    re.compile(r"\bthe spec(?:ification)?\b", re.IGNORECASE),
    # Tracker items and work orders.
    re.compile(r"\bissue\s*#?\d+", re.IGNORECASE),
    re.compile(r"\btask\s*#?\d+", re.IGNORECASE),
    re.compile(r"\bthe brief\b", re.IGNORECASE),
    # The reference notes the add-on was written from.
    re.compile(r"french-law"),  # the file name; "French-law rules" is fine
    re.compile(r"einvoicing-fr", re.IGNORECASE),
    re.compile(r"\bseeds/"),
    re.compile(r"\bshared/"),
    re.compile(r"\bthe customer's notes\b", re.IGNORECASE),
)


def default_targets():
    """The add-ons, bench/, scripts/, README.md and docs/."""
    targets = sorted(REPO_ROOT.glob("account_dunning_fr*"))
    targets += [REPO_ROOT / name for name in ("bench", "scripts", "README.md", "docs")]
    return [path for path in targets if path.exists()]


def iter_files(targets):
    for target in targets:
        paths = [target] if target.is_file() else sorted(target.rglob("*"))
        for path in paths:
            if (
                path.is_file()
                and path.suffix in SUFFIXES
                and path.name not in EXCLUDED
                and not SKIPPED_DIRS.intersection(path.parts)
            ):
                yield path


def find_pointers(line):
    """The pointers to outside documents in ``line``, as matched texts."""
    found = [m.group(0) for pattern in POINTERS for m in pattern.finditer(line)]
    for match in SECTION_SIGN.finditer(line):
        if not LEGAL_CITATION.search(line[: match.start()]):
            found.append(line[max(0, match.start() - 10) : match.end() + 6].strip())
    return found


def check(paths):
    """``[(path, line number, line)]`` of every line holding a pointer."""
    hits = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if find_pointers(line):
                hits.append((path, number, line.strip()))
    return hits


def main(argv):
    targets = [Path(arg).resolve() for arg in argv] or default_targets()
    hits = check(iter_files(targets))
    for path, number, line in hits:
        try:
            shown = path.relative_to(REPO_ROOT)
        except ValueError:
            shown = path
        print(f"{shown}:{number}: {line}")
    if hits:
        print(
            f"{len(hits)} pointer(s) to documents outside the repository: "
            "give the reason itself, or the article of law.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
