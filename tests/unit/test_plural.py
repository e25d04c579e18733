"""Un seul accord des effectifs (« 1 correction », « 2 corrections ») : ``core.formatting.plural``,
servi à la couche sans Qt comme à l'interface, sans copie ailleurs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roadmap_app.core.formatting import plural

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "0 correction"), (1, "1 correction"), (2, "2 corrections"), (15, "15 corrections")],
)
def test_zero_and_one_take_the_singular_more_the_plural(n, expected):
    assert plural(n, "correction", "corrections") == expected


def test_the_import_summary_and_the_dashboard_use_the_same_helper():
    from roadmap_app.indicators import io
    from ui.pages import dashboard_page

    assert not hasattr(io, "_count")
    assert dashboard_page.plural is plural


#: un accord refait à la main : « jour{'s' if n > 1 else ''} », « one if n <= 1 else many »
HAND_MADE = re.compile(r"""\{\s*['"]s['"]\s+if\s+[^}]*[<>]=?\s*-?1\s+else\s+['"]{2}\s*\}|one if n <= 1 else many""")


@pytest.mark.parametrize("package", ["roadmap_app", "ui", "db"])
def test_no_hand_made_plural_is_left_in_the_shipped_code(package):
    found = [
        f"{path.relative_to(ROOT)}:{i}"
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name != "formatting.py"
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HAND_MADE.search(line)
    ]
    assert found == [], f"accord à faire avec core.formatting.plural : {found}"


def test_messages_keep_their_wording():
    from roadmap_app.core.located import refusal
    from roadmap_app.plan.timeline import slip_text

    assert slip_text(1) == "glissement de +1 jour (reculée)"
    assert slip_text(3) == "glissement de +3 jours (reculée)"
    assert slip_text(-1) == "avancée de 1 jour"
    assert slip_text(-2) == "avancée de 2 jours"
    text = refusal("x.csv", [(None, f"erreur {i}") for i in range(17)], shown=15)
    assert text.endswith("… et 2 autres erreurs.")
