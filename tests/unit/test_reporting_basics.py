"""Briques des exports : écriture atomique, neutralisation des formules, formats français."""

from __future__ import annotations

import pytest

from roadmap_app.core.files import atomic_output
from roadmap_app.core.formatting import format_euros, format_number
from roadmap_app.export.cells import safe_text


def test_atomic_output_replaces_only_on_success(tmp_path):
    dest = tmp_path / "pack.xlsx"
    dest.write_text("ancien")
    with pytest.raises(RuntimeError), atomic_output(dest) as tmp:
        tmp.write_text("à moitié")
        raise RuntimeError("échec au milieu")
    assert dest.read_text() == "ancien"
    assert list(tmp_path.iterdir()) == [dest]
    with atomic_output(dest) as tmp:
        tmp.write_text("nouveau")
    assert dest.read_text() == "nouveau"
    assert list(tmp_path.iterdir()) == [dest]


@pytest.mark.parametrize("text", ["=SOMME(A1:A3)", "+33 6", "-cmd", "@SUM(1)", "\t=1"])
def test_text_that_looks_like_a_formula_is_neutralised(text):
    assert safe_text(text) == "'" + text


def test_ordinary_text_is_unchanged():
    assert safe_text("Réalisé à 100 %") == "Réalisé à 100 %"
    assert safe_text(None) == ""


def test_french_formats():
    assert format_euros(61_875_000) == "618\u202f750,00\u00a0€"
    assert format_euros(-150) == "-1,50\u00a0€"
    assert format_number(15746) == "15\u202f746"
    assert format_number(3.5, 1) == "3,5"
