"""Page « Ateliers » : revue en séance au clavier, dialogue de conflits, paquets et classeurs."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QFileDialog
from sqlmodel import select

from db.models import JournalEntry
from roadmap_app.core.context import open_context
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status
from roadmap_app.workshops.merge import THEIRS
from tests.ui.conftest import type_text
from ui.dialogs.atelier_dialog import AtelierDialog


def cell(ctx, code, bassin):
    plan = load_plan(ctx)
    return plan.action(code).statuses[plan.bassin(bassin).id]


def open_page(window):
    return window.show_page("workshops")


def test_the_launch_workshops_appear_as_past_ateliers(window):
    page = open_page(window)
    titles = [(a.bassin, a.date) for a in page.model.rows]
    assert ("Montreuillois", date(2024, 5, 24)) in titles and (
        "Audomarois",
        date(2024, 6, 11),
    ) in titles
    assert len(titles) == 6
    assert "Une trentaine de personnes" in page.details.toPlainText() or page.details.toPlainText()


def test_create_an_atelier_and_review_it_with_the_keyboard(window, qtbot, app_ctx, monkeypatch):
    page = open_page(window)

    def fill(dialog):
        dialog.bassin.setCurrentIndex(dialog.bassin.findText("Lensois"))
        dialog.date.setDate(QDate(2024, 10, 15))
        dialog.place.setText("Lens, salle du conseil")
        dialog.participants.setPlainText("CD\nFT\nMission locale")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AtelierDialog, "exec", fill)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    atelier = page.selected()
    assert atelier.bassin == "Lensois" and atelier.place == "Lens, salle du conseil"

    review = page.review()
    qtbot.addWidget(review)
    review.activateWindow()
    qtbot.waitActive(review)
    assert review.current.code == "EP-1.1"
    assert review.position.text() == "1 / 35"
    # l'intitulé d'abord, le code après ; la note se lit depuis son début
    title = review.title.text()
    assert title.index("Inscription de 100%") < title.index("EP-1.1")
    assert review.note.text() and review.note.cursorPosition() == 0
    review.axe.setCurrentIndex(review.axe.findData("AI"))
    assert review.current.code == "AI-1.1" and review.position.text() == "1 / 11"
    review.activateWindow()
    qtbot.waitUntil(review.isActiveWindow)
    review.setFocus()
    qtbot.keyClick(review, Qt.Key.Key_2)  # En cours
    assert review.selected_status() == "en_cours"
    for _ in range(3):
        qtbot.keyClick(review, Qt.Key.Key_Plus)
    assert review.progress.value() == 30
    qtbot.keyClick(review, Qt.Key.Key_N)
    type_text(review.note, "Diagnostic partagé en test")
    qtbot.keyClick(review.note, Qt.Key.Key_Return)  # enregistre
    qtbot.keyClick(review, Qt.Key.Key_Right)  # action suivante
    assert review.current.code == "AI-1.2"
    qtbot.keyClick(review, Qt.Key.Key_5)  # Réalisé
    qtbot.keyClick(review, Qt.Key.Key_Right)  # enregistre en passant à la suivante
    assert review.current.code == "AI-1.3"
    review.close()

    c = cell(app_ctx, "AI-1.1", "Lensois")
    assert (c.status, c.progress, c.note) == ("en_cours", 30, "Diagnostic partagé en test")
    realise = cell(app_ctx, "AI-1.2", "Lensois")
    assert (realise.status, realise.progress) == ("realise", 100)  # « Réalisé » propose 100 %
    assert cell(app_ctx, "AI-1.1", "Audomarois").status == "a_lancer"
    with app_ctx.store.session() as s:
        rows = s.exec(
            select(JournalEntry).where(
                JournalEntry.atelier_id == atelier.id, JournalEntry.field == "status"
            )
        ).all()
    assert len(rows) == 2
    assert review.changes.count() == 2
    assert "Modifications faites pendant cet atelier (2)" in page.details.toPlainText()


def test_export_a_package_then_merge_it_with_a_conflict_resolved_in_the_dialog(
    window, qtbot, app_ctx, tmp_path, monkeypatch
):
    page = open_page(window)
    page.table.selectRow(next(i for i, a in enumerate(page.model.rows) if a.bassin == "Lensois"))
    package = tmp_path / "lens.atelier.sqlite3"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(package), ""))
    )
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_package is not None, timeout=30_000)

    laptop = open_context(package, author="Animatrice Lens")
    update_status(laptop, "EP-2.2", "Lensois", status="realise")
    update_status(laptop, "EP-3.1", "Lensois", status="en_cours")
    laptop.close()
    update_status(app_ctx, "EP-3.1", "Lensois", status="abandonne", record_undo=False)

    def decide(dialog):
        assert dialog.changes.rowCount() == 1 and dialog.conflicts.rowCount() == 1
        assert "Animatrice Lens" in dialog.conflicts.item(0, 2).text()
        ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
        assert not ok.isEnabled()  # un conflit sans décision bloque la fusion
        dialog.choose(0, THEIRS)
        assert ok.isEnabled()
        return True

    monkeypatch.setattr(page, "confirm_merge", decide)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(package), ""))
    )
    qtbot.mouseClick(page.merge_button, Qt.MouseButton.LeftButton)
    # la fusion s'écrit hors du fil de l'interface (ui.tasks) : l'interface reste vivante
    qtbot.waitUntil(lambda: page.merge_task.done, timeout=30_000)
    assert page.last_merge.applied == 2
    assert cell(app_ctx, "EP-2.2", "Lensois").status == "realise"
    assert cell(app_ctx, "EP-3.1", "Lensois").status == "en_cours"


def test_an_edited_value_can_resolve_a_conflict(window, app_ctx, tmp_path, monkeypatch):
    from roadmap_app.workshops.merge import EDIT, apply_merge, plan_package_merge
    from roadmap_app.workshops.package import export_package
    from ui.dialogs.merge_dialog import MergeDialog

    package, _ = export_package(app_ctx, tmp_path / "p.sqlite3", "Audomarois")
    laptop = open_context(package, author="Atelier")
    update_status(laptop, "NU-1.2", "Audomarois", progress=50)
    laptop.close()
    update_status(app_ctx, "NU-1.2", "Audomarois", progress=20, record_undo=False)
    dialog = MergeDialog(plan_package_merge(app_ctx, package))
    dialog.choose(0, EDIT, "35")
    apply_merge(app_ctx, dialog.plan, dialog.resolutions())
    assert cell(app_ctx, "NU-1.2", "Audomarois").progress == 35
    dialog.choose(0, EDIT, "cent")
    dialog._accept()
    assert "entier" in dialog.error.text()


def test_the_app_says_when_it_runs_on_a_workshop_package(qtbot, app_ctx, tmp_path):
    from roadmap_app.workshops.package import export_package
    from ui.main_window import MainWindow

    package, _ = export_package(app_ctx, tmp_path / "p.sqlite3", "Lensois")
    laptop = open_context(package, author="Atelier")
    w = MainWindow(laptop)
    qtbot.addWidget(w)
    page = w.show_page("workshops")
    assert page.banner.isVisibleTo(page) and "paquet d'un atelier" in page.banner.text()
    assert not page.export_button.isEnabled() and not page.merge_button.isEnabled()
    laptop.close()


def test_the_review_shows_the_actions_indicators_for_the_bassin(window, qtbot, app_ctx, monkeypatch):
    """En atelier, « l'action marche-t-elle ? » : ses indicateurs liés, pour le bassin de l'atelier
    seulement, avec la dernière valeur, la cible en vigueur et le statut en texte."""
    from roadmap_app.indicators import service as svc

    svc.link(app_ctx, "EP-1.1", "R1", kind="tdb")
    svc.set_step(app_ctx, "R1", "target", 60, year=2025)
    svc.set_value(app_ctx, "R1", 52, date(2025, 6, 30), bassin="Lensois")
    svc.set_value(app_ctx, "R1", 70, date(2025, 6, 30), bassin="Audomarois")
    page = open_page(window)

    def fill(dialog):
        dialog.bassin.setCurrentIndex(dialog.bassin.findText("Lensois"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AtelierDialog, "exec", fill)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    review = page.review()
    qtbot.addWidget(review)
    assert review.current.code == "EP-1.1"
    text = review.text.toPlainText()
    assert "Indicateurs de suivi" in text
    assert "Taux de retour à l'emploi durable (à 6 mois) R1 · TDB national" in text
    assert "52 % en 2025 — cible 2025 : 60 % — ▼ en-dessous" in text
    assert "70 %" not in text  # l'autre bassin n'est pas montré
    review.go_by(1)
    assert "Indicateurs de suivi" not in review.text.toPlainText()  # EP-2.1 : aucun lien
