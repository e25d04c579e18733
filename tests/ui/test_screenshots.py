"""Les captures du guide sont prises à la taille demandée (1366×768), pas à celle de l'écran
virtuel : une fenêtre de premier lancement s'agrandissait à l'écran hors écran (800×800), et les
captures sortaient en 796, 1130 ou 1268 px de large selon la page."""

from __future__ import annotations

from PySide6.QtGui import QImage


def test_page_captures_have_the_requested_size(qapp, tmp_path, monkeypatch):
    from ui import screenshots

    monkeypatch.setattr(screenshots, "EXTRAS", {})
    # capture() pose ces variables pour la durée du processus : remises en place après le test
    monkeypatch.setenv("ROADMAP_APP_TODAY", "2024-10-15")
    monkeypatch.setenv("ROADMAP_APP_HOME", str(tmp_path / "home"))
    saved = screenshots.capture(tmp_path, size=(1366, 768))
    assert saved
    sizes = {p.name: (QImage(str(p)).width(), QImage(str(p)).height()) for p in saved}
    assert set(sizes.values()) == {(1366, 768)}, sizes
