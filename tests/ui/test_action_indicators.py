"""Indicateurs d'une action dans la Feuille de route, pilotés comme un utilisateur : lier, saisir,
lire l'état par bassin (couleur et texte), colonne « Indicateurs » cumulée, annuler."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from roadmap_app.indicators import service as svc
from tests.ui.conftest import shown_dialog
from ui.dialogs.indicator_dialogs import IndicatorValueDialog, LinkIndicatorDialog
from ui.style import DANGER, SUCCESS
from ui.widgets.indicator_box import STATUS_COLORS


def page_of(window):
    return window.show_page("roadmap")


def _dialog(qtbot, cls):
    return shown_dialog(qtbot, cls, first=True)


def test_link_an_indicator_then_enter_a_value_in_the_detail_panel(window, qtbot, app_ctx):
    page = page_of(window)
    assert page.select_code("EP-2.1")
    box = page.detail.indicators
    assert box.empty.isVisible() and not box.value_button.isEnabled()
    assert "Indicateurs" not in page.visible_headers()  # aucune action liée dans le jeu initial
    svc.set_step(app_ctx, "R1", "target", 60, year=2024)

    qtbot.mouseClick(box.link_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, LinkIndicatorDialog)
    dialog.indicator.setCurrentIndex(dialog.indicator.findData(
        next(d.id for d in dialog.defs if d.code == "R1")))  # fmt: skip
    assert dialog.kind.currentData() == "tdb"  # indicateur national : colonne TDB national
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.detail.action_row.code == "EP-2.1"
    assert "Indicateurs" in page.visible_headers()
    assert [one.indicator.code for one in box.linked] == ["R1"]
    assert box.value_button.isEnabled()

    qtbot.mouseClick(box.value_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, IndicatorValueDialog)
    dialog.bassin.setCurrentIndex(dialog.bassin.findText("Lensois"))
    dialog.value.setText("120")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "120 % dépasse 100 %" in dialog.error.text()  # boîte restée ouverte
    dialog.value.setText("64,5")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    text = box.card_texts()[0]
    assert text.startswith("Taux de retour à l'emploi durable") and "\nR1 · TDB national · %" in text
    assert "■ Lensois : 64,5 % en 2024\n● atteint — cible 2024 : 60 %" in text
    assert "■ Montreuillois : —\n○ pas de valeur — cible 2024 : 60 %" in text
    assert STATUS_COLORS["atteint"] == SUCCESS and STATUS_COLORS["en-dessous"] == DANGER
    assert box.cards[0].chart.series and box.cards[0].chart.targets

    col = page.model.indicators_column
    action_index = page.model.action_index(page.detail.action_row.id)
    cell = action_index.siblingAtColumn(col)
    assert cell.data() == "1/1" and "1 indicateur(s) sur 1" in cell.data(Qt.ItemDataRole.ToolTipRole)
    axe = page.model.index(0, col)  # axe EP : cumul de ses actions
    assert axe.data() == "1/1"

    svc.set_value(app_ctx, "R1", 20, date(2024, 6, 1), bassin="Audomarois")
    page.refresh()
    assert "▼ en-dessous" in box.card_texts()[0]
    # la colonne est relue juste après la première peinture
    qtbot.waitUntil(lambda: page.model.action_index(page.detail.action_row.id).siblingAtColumn(col).data() == "0/1")


def test_the_indicators_column_follows_the_bassin_filter(window, qtbot, app_ctx):
    """Avant : « 1/1 » en vert pour EP-2.1 quand seul Lensois avait une valeur (atteinte), y
    compris filtré sur Montreuillois, qui n'en a pas. Le cumul suit maintenant les bassins
    retenus : un bassin sans valeur ne compte ni pour ni contre."""
    svc.link(app_ctx, "EP-2.1", "R1", kind="tdb")
    svc.set_step(app_ctx, "R1", "target", 30, year=2024)
    svc.set_value(app_ctx, "R1", 35.5, date(2024, 1, 1), bassin="Lensois")
    svc.set_value(app_ctx, "R1", 20, date(2024, 1, 1), bassin="Audomarois")
    page = page_of(window)
    page.refresh()
    col = page.model.indicators_column
    assert page.select_code("EP-2.1")
    action_id = page.detail.action_row.id

    def cell():
        return page.model.action_index(action_id).siblingAtColumn(col)

    qtbot.waitUntil(lambda: cell().data() == "0/1")  # tous les bassins : Audomarois en dessous
    bassin = page.filters.bassin
    for name, expected in (("Lensois", "1/1"), ("Montreuillois", "0/1"), ("Audomarois", "0/1")):
        bassin.setCurrentIndex(bassin.findText(name))
        qtbot.waitUntil(lambda expected=expected: cell().data() == expected)
        tip = cell().data(Qt.ItemDataRole.ToolTipRole)
        assert ("en dessous" in tip) == (name == "Audomarois"), (name, tip)


def test_the_detail_panel_updates_fast_on_selection(window, qtbot, app_ctx):
    import time

    for code in ("EP-1.1", "EP-2.1"):
        for ind in ("R1", "M1a", "M2", "entrants", "M3"):
            svc.link(app_ctx, code, ind)
    for month in range(1, 13):
        svc.set_value(app_ctx, "M1a", 10 + month, date(2024, month, 1), bassin="Lensois")
    page = page_of(window)
    page.refresh()
    page.select_code("EP-1.1")
    start = time.perf_counter()
    for _ in range(5):
        page.select_code("EP-2.1")
        page.select_code("EP-1.1")
    elapsed = (time.perf_counter() - start) / 10
    assert len(page.detail.indicators.linked) == 5
    assert elapsed < 0.1, f"{elapsed * 1000:.0f} ms par sélection"


def test_status_stays_readable_in_the_narrow_panel_at_1366(window, qtbot, app_ctx):
    """À 1366×768, le panneau de détail est étroit : la ligne de statut était coupée « cible 2025 :
    60 % — ▼ en-de… ». Le statut (atteint, en-dessous…) doit rester lisible, et l'intitulé de
    l'indicateur passer avant son code."""
    svc.link(app_ctx, "EP-2.1", "R1", kind="tdb")
    svc.link(app_ctx, "EP-2.1", "orientes_15j")
    svc.set_step(app_ctx, "R1", "target", 60, year=2025, bassin="Lensois")
    svc.set_value(app_ctx, "R1", 52, date(2025, 3, 1), bassin="Lensois")
    window.resize(1366, 768)
    page = page_of(window)
    page.refresh()
    assert page.select_code("EP-2.1")
    box = page.detail.indicators
    qtbot.waitUntil(lambda: box.cards[0].isVisible() and box.cards[1].isVisible())
    for card in box.cards[:2]:
        assert card.width() < 320  # panneau étroit : le cas à couvrir
        shown = card.shown_lines()
        code_line = next(i for i, line in enumerate(shown) if " · " in line and not line.startswith("■"))
        # (une cible passée à la ligne sous son statut n'est pas un statut)
        statuses = [line for line in shown[code_line + 1:] if not line.startswith(("■", "cible "))]
        assert len(statuses) == 3
        for line in statuses:
            assert any(word in line for word in ("atteint", "en-dessous", "pas de valeur", "sans cible")), shown
    shown = box.cards[0].shown_lines()
    assert shown[0].startswith("Taux de retour") and shown[2].startswith("R1 · TDB national")
    assert any(line.startswith("▼ en-dessous") for line in shown)


def test_a_long_indicator_title_takes_two_lines_in_the_narrow_panel(window, qtbot, app_ctx):
    """Avant : « Taux de retour à l'emploi dur… » coupé sur une ligne à 1366×768 (l'intitulé
    entier seulement en infobulle). Il prend maintenant deux lignes, entier, avant son code ; la
    courbe descend d'autant, sous la dernière ligne."""
    from roadmap_app.indicators.model import load_definitions

    r1 = next(d for d in load_definitions(app_ctx) if d.code == "R1")
    svc.link(app_ctx, "EP-2.1", "R1", kind="tdb")
    window.resize(1366, 768)
    page = page_of(window)
    page.refresh()
    assert page.select_code("EP-2.1")
    card = page.detail.indicators.cards[0]
    qtbot.waitUntil(card.isVisible)
    shown = card.shown_lines()
    assert card.width() < 320 and "…" not in shown[0] + shown[1], shown
    assert f"{shown[0]} {shown[1]}" == r1.label, shown
    assert shown[2].startswith("R1 · TDB national")
    qtbot.waitUntil(lambda: card.height() >= card.heightForWidth(card.width()))  # mise en page faite
    assert card.chart.geometry().top() >= len(shown) * card._line_height()


def _open_link_dialog(window, qtbot):
    """« Lier un indicateur… » ouvert depuis le panneau d'EP-2.1, le curseur dedans."""
    from PySide6.QtWidgets import QApplication

    page = page_of(window)
    assert page.select_code("EP-2.1")
    page.detail.indicators.link_button.click()
    dialog = _dialog(qtbot, LinkIndicatorDialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isAncestorOf(QApplication.focusWidget()))
    return page, dialog


def test_link_an_indicator_with_the_keyboard_only(window, qtbot, app_ctx):
    """« Lier un indicateur… » s'ouvrait le curseur sur un bouton (« Nouvel indicateur… ») : flèche
    bas ne changeait pas l'indicateur, Tab menait à « Annuler » et Entrée fermait sans lier."""
    from PySide6.QtWidgets import QApplication

    page, dialog = _open_link_dialog(window, qtbot)
    # le curseur dans la recherche ; flèche bas change l'indicateur choisi
    assert QApplication.focusWidget() is dialog.search, QApplication.focusWidget()
    first = dialog.current().code
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    chosen = dialog.current().code
    assert chosen != first
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert [one.indicator.code for one in page.detail.indicators.linked] == [chosen]


def test_the_wheel_scrolls_the_detail_panel_without_changing_a_status(window, qtbot, app_ctx):
    """Faire défiler le panneau à la molette (pour atteindre « Indicateurs de suivi ») changeait le
    statut ou l'avancement de la case survolée au passage (« En cours » → « Abandonné »)."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication, QScrollArea

    window.resize(1366, 768)
    page = page_of(window)
    assert page.select_code("EP-2.1")
    editor = page.detail.editors[-1]
    scroll = next(w for w in QApplication.allWidgets()
                  if isinstance(w, QScrollArea) and w.isAncestorOf(editor))  # fmt: skip
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() > 0)
    before = (editor.status.currentIndex(), editor.progress.value())
    page.detail.setFocus()
    for field in (editor.status, editor.progress):
        assert not field.hasFocus()
        centre = QPointF(field.rect().center())
        event = QWheelEvent(centre, QPointF(field.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, -120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)  # fmt: skip
        QApplication.sendEvent(field, event)
        # refusée par la case : une vraie molette (événement spontané) passe à la zone de défilement
        assert not event.isAccepted()
    assert (editor.status.currentIndex(), editor.progress.value()) == before
    editor.status.setFocus()  # la case choisie (clic, Tab) : la molette la change, comme avant
    qtbot.waitUntil(editor.status.hasFocus)
    event = QWheelEvent(QPointF(editor.status.rect().center()), QPointF(0, 0), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)  # fmt: skip
    QApplication.sendEvent(editor.status, event)
    assert editor.status.currentIndex() != before[0]
    page.detail.revert_button.click()  # sinon la fermeture demanderait d'enregistrer


def test_link_dialog_finds_an_indicator_by_its_code_or_its_label(window, qtbot, app_ctx):
    """Chercher « M5 » (un code d'annexe) dans « Lier un indicateur… » ne trouvait rien : la recherche porte
    sur le code et le libellé, sans tenir compte des accents ni de la casse ; Entrée lie."""
    from PySide6.QtWidgets import QApplication

    page, dialog = _open_link_dialog(window, qtbot)
    assert QApplication.focusWidget() is dialog.search
    # la ligne sous la liste dit ce qu'on peut lier (avant : vide, un trou dans le formulaire)
    assert dialog.found.text().startswith(f"{len(dialog.all_defs)} indicateurs à lier")
    qtbot.keyClicks(dialog.search, "m5")  # M5, fondu dans son flux, le trouve par son code d'annexe
    assert [d.code for d in dialog.defs] == ["accompagnement_intensif"]
    assert dialog.current().code == "accompagnement_intensif" and dialog.kind.currentIndex() == 0  # TDB national
    dialog.search.setText("REPARTITION beneficiaires")  # « Répartition des bénéficiaires… »
    assert [d.code for d in dialog.defs] == ["M3"]
    dialog.search.setText("retour emploi")
    assert {"R1", "R2", "retours_emploi"} == {d.code for d in dialog.defs}  # libellés et code du flux
    dialog.search.setText("introuvable")
    assert dialog.defs == [] and dialog.current() is None
    assert "Aucun indicateur ne correspond" in dialog.found.text()
    assert dialog.validate() is not None  # rien à lier : message, pas de lien au hasard
    dialog.search.clear()
    assert dialog.found.text().startswith(f"{len(dialog.all_defs)} indicateurs à lier")
    qtbot.keyClicks(dialog.search, "M3")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert [one.indicator.code for one in page.detail.indicators.linked] == ["M3"]


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)], ids=["1366x768", "1280x720"])
def test_below_target_lines_and_long_titles_are_never_cut(window, qtbot, app_ctx, size):
    """Audit, point 9 : à 1366×768 et 1280×720, « ▼ en-dessous — cible 2024 :… » et « ○ pas de
    valeur — cible 202… » : la cible chiffrée manquait précisément là où elle compte, et l'intitulé
    de M5 était coupé « … » sur deux lignes. Le statut passe à la ligne après « — » (la cible
    dessous, plus en retrait), l'intitulé prend une troisième ligne ; la courbe descend d'autant."""
    from roadmap_app.indicators.model import load_definitions

    m5 = next(d for d in load_definitions(app_ctx) if d.code == "M3")
    svc.link(app_ctx, "EP-1.1", "R1", kind="tdb")
    svc.link(app_ctx, "EP-1.1", "M3", kind="tdb")
    svc.set_step(app_ctx, "R1", "baseline", 38, day=date(2023, 12, 31))
    svc.set_step(app_ctx, "R1", "target", 50, year=2024)
    svc.set_step(app_ctx, "R1", "target", 60, year=2025)
    svc.set_step(app_ctx, "M3", "target", 20, year=2024)
    svc.set_step(app_ctx, "M3", "target", 30, year=2025)
    svc.set_values(app_ctx, [svc.ValueInput("R1", "Lensois", date(2024, 1, 1), 45),
                             svc.ValueInput("R1", "Audomarois", date(2024, 1, 1), 61),
                             svc.ValueInput("M3", "Lensois", date(2024, 6, 1), 15)])  # fmt: skip
    window.resize(*size)
    page = page_of(window)
    page.refresh()
    assert page.select_code("EP-1.1")
    box = page.detail.indicators
    qtbot.waitUntil(lambda: box.cards[0].isVisible() and box.cards[1].isVisible())
    # la mise en page suit la hauteur voulue par chaque carte (lignes de plus : carte plus haute)
    qtbot.waitUntil(lambda: all(c.height() >= c.heightForWidth(c.width()) for c in box.cards[:2]))
    for card, target in zip(box.cards[:2], ("cible 2024 : 50 %", "cible 2024 : 20 %"), strict=True):
        assert card.width() < 320  # panneau étroit : le cas à couvrir
        shown = card.shown_lines()
        assert not [line for line in shown if "…" in line], shown
        # la cible chiffrée de chaque bassin (aujourd'hui : 15/10/2024) entière, sous son statut
        assert sum(1 for line in shown if line.endswith(target)) == 3, shown
        below = shown.index("▼ en-dessous —")
        assert shown[below + 1] == target, shown
        # la courbe sous la dernière ligne, dans la carte
        top = len(shown) * card._line_height()
        assert card.chart.geometry().top() >= top and card.chart.geometry().bottom() < card.height()
    shown = box.cards[1].shown_lines()
    title = shown[: next(i for i, line in enumerate(shown) if line.startswith("M3 · "))]
    assert 2 <= len(title) <= 3 and " ".join(title) == m5.label, shown
