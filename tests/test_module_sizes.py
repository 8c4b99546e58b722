"""Issue 12 split diagnosis.py (1,260 lines) and hints.py into packages whose largest file is under 400 lines,
so that each module is one idea a reader can hold; a module that grows past it splits again along its seam."""

from __future__ import annotations

from pathlib import Path

import tutor

LIMIT = 400  # lines
PACKAGES = ("grading/diagnosis", "grading/hints")


def test_the_diagnosis_and_hints_packages_keep_every_module_under_400_lines():
    root = Path(tutor.__file__).parent
    sizes = {
        str(path.relative_to(root)): len(path.read_text(encoding="utf-8").splitlines())
        for package in PACKAGES
        for path in sorted((root / package).glob("*.py"))
    }
    assert len(sizes) > 10, sizes  # both packages found, each with its modules
    assert {name: lines for name, lines in sizes.items() if lines >= LIMIT} == {}
