"""Modifier le plan depuis la page « Feuille de route », comme un utilisateur : ajouter une cible et
une action, la modifier, la déplacer (menu et glisser-déposer), archiver, annuler."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.conftest import dump_store
from tests.ui.conftest import type_text


def page_of(window):
    return window.show_page("roadmap")


def query(db_path, sql, *params):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def action_row(db_path, code):
    rows = query(
        db_path,
        "SELECT a.code, c.code, a.position, a.archived, a.echeance_label, a.echeance_flag, "
        "a.intitule, a.pilotes_label FROM action a JOIN cible c ON c.id = a.cible_id "
        "WHERE a.code = ? AND a.roadmap_id = 1",
        code,
    )
    return rows[0] if rows else None


def axe_id(page, code):
    return next(a.id for a in page.plan.axes if a.code == code)


def cible_id(page, code):
    return next(c.id for a in page.plan.axes for c in a.cibles if c.code == code)


def codes_of_cible(page, code):
    return [a.code for a in page.plan.axes for c in a.cibles if c.code == code for a in c.actions]


def test_add_a_cible_and_an_action_edit_move_drag_and_undo(window, qtbot, db_path):
    page = page_of(window)
    page.tree.setFocus()
    # 1. une cible dans l'axe « Entrée en parcours » (Ctrl+Maj+N)
    assert page.select_node("axe", axe_id(page, "EP"))
    qtbot.keyClick(
        page.tree,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = page.editor.dialog
    assert dialog is not None and dialog.objectName() == "cibleDialog"
    assert dialog.axe.currentText().startswith("EP –")
    type_text(dialog.title_edit, "Sécuriser la reprise du stock en 2025")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert query(db_path, "SELECT code, title, archived FROM cible WHERE code = 'EP-5'") == [
        ("EP-5", "Sécuriser la reprise du stock en 2025", 0)
    ]
    assert page.current_node().payload.code == "EP-5"  # la nouvelle cible est sélectionnée

    # 2. une action dans cette cible (Ctrl+N) : échéance lue en direct, pilotes reconnus
    qtbot.keyClick(page.tree, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.editor.dialog
    assert dialog.objectName() == "actionDialog"
    assert dialog.cible.currentText().startswith("EP-5 –")
    type_text(dialog.intitule, "Organiser les comités de reprise du stock")
    type_text(dialog.echeance, "2nd semestre 2025")
    assert "du 01/07/2025 au 31/12/2025" in dialog.echeance_hint.text()
    type_text(dialog.pilotes, "CD/CAF")
    assert [c for c, box in dialog.org_boxes.items() if box.isChecked()] == ["CD", "CAF"]
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert action_row(db_path, "EP-5.1") == (
        "EP-5.1", "EP-5", 1, 0, "2nd semestre 2025", None,
        "Organiser les comités de reprise du stock", "CD/CAF",
    )  # fmt: skip
    assert "EP-5.1" in page.visible_action_codes()
    assert page.filters.count.text() == "36 actions"
    assert page.detail.action_row.code == "EP-5.1"

    # 3. la modifier (F2) : une échéance illisible est gardée telle quelle et signalée
    qtbot.keyClick(page.tree, Qt.Key.Key_F2)
    dialog = page.editor.dialog
    assert dialog.objectName() == "actionDialog" and dialog.code.text() == "EP-5.1"
    dialog.echeance.clear()
    type_text(dialog.echeance, "dès que possible")
    assert dialog.echeance_hint.text().startswith("⚠")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    row = action_row(db_path, "EP-5.1")
    assert row[4] == "dès que possible" and "illisible" in row[5]
    assert "illisible" in window.statusBar().currentMessage()

    # 4. la déplacer au clavier (« Déplacer vers… ») dans EP-2, avant EP-2.2 : le code reste
    qtbot.keyClick(
        page.tree, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )  # fmt: skip
    dialog = page.editor.dialog
    assert dialog.objectName() == "moveDialog"
    dialog.parent_combo.setCurrentIndex(dialog.parent_combo.findData(cible_id(page, "EP-2")))
    dialog.position.setCurrentIndex(
        dialog.position.findText("Avant EP-2.2", Qt.MatchFlag.MatchStartsWith)
    )
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert codes_of_cible(page, "EP-2") == ["EP-2.1", "EP-5.1", "EP-2.2"]
    assert action_row(db_path, "EP-5.1")[1] == "EP-2"

    # 5. glisser-déposer : EP-5.1 lâchée sur EP-3.2 va dans EP-3, juste avant EP-3.2
    source = page.model.action_index(page.plan.action("EP-5.1").id)
    target = page.model.action_index(page.plan.action("EP-3.2").id)
    mime = page.model.mimeData([source])
    assert page.model.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, target)
    assert page.model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, target)
    qtbot.waitUntil(
        lambda: codes_of_cible(page, "EP-3") == ["EP-3.1", "EP-5.1", "EP-3.2", "EP-3.3"]
    )
    assert codes_of_cible(page, "EP-2") == ["EP-2.1", "EP-2.2"]
    assert page.current_node().payload.code == "EP-5.1"

    # 6. annuler pas à pas (Ctrl+Z) : glisser, déplacer, modifier, créer l'action, créer la cible
    undo = lambda: qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # noqa: E731
    # (hors écran, la fermeture d'une boîte ne rend pas la main à la fenêtre : on la réactive)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    undo()
    assert action_row(db_path, "EP-5.1")[1] == "EP-2"
    assert codes_of_cible(page, "EP-3") == ["EP-3.1", "EP-3.2", "EP-3.3"]
    undo()
    assert action_row(db_path, "EP-5.1")[1:3] == ("EP-5", 1)
    undo()
    assert action_row(db_path, "EP-5.1")[4:6] == ("2nd semestre 2025", None)
    undo()
    assert action_row(db_path, "EP-5.1")[3] == 1  # archivée, pas effacée
    assert "EP-5.1" not in page.visible_action_codes()
    undo()
    assert query(db_path, "SELECT archived FROM cible WHERE code = 'EP-5'") == [(1,)]
    assert len(page.visible_action_codes()) == 35
    # rétablir (Ctrl+Y) refait la création de la cible
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert query(db_path, "SELECT archived FROM cible WHERE code = 'EP-5'") == [(0,)]


def test_drag_and_drop_refuses_what_makes_no_sense_and_moves_cibles(window, qtbot):
    page = page_of(window)
    action = page.model.action_index(page.plan.action("NU-1.2").id)
    axe = page.model.node_index("axe", axe_id(page, "ME"))
    mime = page.model.mimeData([action])
    assert not page.model.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, axe)
    assert not page.model.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    # une cible se dépose dans un axe : ME-3 avant NU-1, dans l'axe Numérique
    cible = page.model.node_index("cible", cible_id(page, "ME-3"))
    nu1 = page.model.node_index("cible", cible_id(page, "NU-1"))
    mime = page.model.mimeData([cible])
    assert page.model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, nu1)
    qtbot.waitUntil(
        lambda: [c.code for c in page.plan.axes[2].cibles] == ["ME-3", "NU-1", "NU-2", "NU-3"]
    )
    assert [c.code for c in page.plan.axes[3].cibles] == ["ME-1", "ME-2"]
    assert page.plan.action("ME-3.1").cible_code == "ME-3"  # ses actions la suivent


def test_a_rejected_edit_stays_in_the_dialog_and_changes_nothing(window, qtbot, db_path):
    page = page_of(window)
    page.select_code("EP-2.2")
    before = dump_store(db_path)
    dialog = page.editor.add_action()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # rien de saisi
    assert dialog.isVisible() and "Intitulé vide" in dialog.error.text()
    type_text(dialog.intitule, "Doublon")
    type_text(dialog.code, "ep-2.1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "EP-2.1 est déjà pris" in dialog.error.text()
    for box in dialog.bassin_boxes.values():
        box.setChecked(False)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "au moins un bassin" in dialog.error.text()
    dialog.reject()
    assert dump_store(db_path) == before


def test_a_change_made_elsewhere_is_not_overwritten_by_the_dialog(window, qtbot, db_path, app_ctx):
    from roadmap_app.plan.edit_actions import ActionFields, edit_action

    page = page_of(window)
    page.select_code("GP-3.1")
    dialog = page.editor.edit_current()
    edit_action(app_ctx, "GP-3.1", ActionFields(commentaires="Revu en COPIL"), author="Collègue",
                record_undo=False)  # fmt: skip
    type_text(dialog.commentaires, " et complété")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "Collègue" in dialog.error.text()
    assert query(db_path, "SELECT commentaires FROM action WHERE code = 'GP-3.1'") == [
        ("Revu en COPIL",)
    ]


def test_archive_asks_first_then_the_archives_view_can_restore(window, qtbot, db_path, monkeypatch):
    page = page_of(window)
    asked = []

    def yes(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(yes))
    page.select_code("EP-2.2")
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Delete)
    assert asked and "EP-2.2" in asked[0] and "n'est pas effacé" in asked[0]
    assert "EP-2.2" not in page.visible_action_codes()
    assert page.filters.count.text() == "34 actions"
    assert query(db_path, "SELECT archived FROM action WHERE code = 'EP-2.2'") == [(1,)]
    assert query(db_path, "SELECT count(*) FROM action_bassin ab JOIN action a ON a.id = ab.action_id "
                          "WHERE a.code = 'EP-2.2'") == [(3,)]  # fmt: skip

    page.editor.show_archived.trigger()
    assert "EP-2.2" in page.visible_action_codes()
    assert page.filters.count.text() == "34 actions"  # le compte reste celui du plan de travail
    assert page.select_code("EP-2.2")
    row = page.tree.currentIndex()
    assert row.siblingAtColumn(1).data().endswith("(archivée)")
    assert not page.detail.editor_box.isEnabled()  # pas de statut sur une action archivée
    assert page.editor.restore.isEnabled() and not page.editor.edit.isEnabled()
    page.editor.restore.trigger()
    assert query(db_path, "SELECT archived FROM action WHERE code = 'EP-2.2'") == [(0,)]
    page.editor.show_archived.trigger()
    assert "EP-2.2" in page.visible_action_codes()


def test_adding_a_bassin_adds_its_column_filter_and_cli_rows(window, qtbot, db_path, capsys):
    import json

    from roadmap_app.cli.main import main

    page = page_of(window)
    dialog = window.open_bassins()
    assert [b.name for b in dialog.model.rows] == ["Montreuillois", "Audomarois", "Lensois"]
    add = dialog.add_bassin()
    assert add.name.findText("Arrageois") >= 0 and add.name.findText("Lens-Liévin") < 0
    add.name.setCurrentText("Arrageois")
    type_text(add.figure_edits["brsa_stock"], "5 012")
    type_text(add.figure_edits["part_femmes"], "57,5")
    qtbot.mouseClick(add.ok_button, Qt.MouseButton.LeftButton)
    assert not add.isVisible()
    assert [b.name for b in dialog.model.rows][-1] == "Arrageois"
    assert dialog.model.rows[-1].actions == 35
    assert query(db_path, "SELECT key, value, as_of FROM reference_figure rf JOIN bassin b "
                          "ON b.id = rf.bassin_id WHERE b.name = 'Arrageois' ORDER BY key") == [
        ("brsa_stock", 5012.0, "2023-12-31"), ("part_femmes", 57.5, "2023-12-31"),
    ]  # fmt: skip
    headers = page.visible_headers()
    assert headers[4:] == ["Montreuillois", "Audomarois", "Lensois", "Arrageois", "Avancement"]
    assert page.filters.bassin.findText("Arrageois") > 0
    page.filters.bassin.setCurrentIndex(page.filters.bassin.findText("Arrageois"))
    assert len(page.visible_action_codes()) == 35
    dialog.close()
    assert (
        main(["--db", str(db_path), "actions", "list", "--bassin", "Arrageois", "--format", "json"])
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 35 and {r["status"] for r in rows} == {"a_lancer"}
    # annuler l'ajout : la colonne disparaît, le bassin reste (archivé) dans la base
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    headers = page.visible_headers()
    assert "Arrageois" not in headers
    assert query(db_path, "SELECT archived FROM bassin WHERE name = 'Arrageois'") == [(1,)]


def test_bassin_applicability_from_the_dialog(window, qtbot, db_path):
    page = page_of(window)
    dialog = window.open_bassins()
    dialog.select(next(b.id for b in dialog.model.rows if b.name == "Montreuillois"))
    choose = dialog.choose_actions()
    choose.items["NU-3.1"].setCheckState(0, Qt.CheckState.Unchecked)
    qtbot.mouseClick(choose.ok_button, Qt.MouseButton.LeftButton)
    mon = page.plan.bassin("Montreuillois").id
    assert mon not in page.plan.action("NU-3.1").statuses
    assert query(db_path, "SELECT ab.archived FROM action_bassin ab JOIN action a ON a.id = ab.action_id "
                          "JOIN bassin b ON b.id = ab.bassin_id WHERE a.code = 'NU-3.1' "
                          "AND b.name = 'Montreuillois'") == [(1,)]  # fmt: skip
    dialog.close()


def test_start_2025_from_2024_then_switch_between_them(window, qtbot, app_ctx):
    from roadmap_app.plan.status import update_status

    for code in ("NU-1.1", "AI-1.3"):  # en cours dans le jeu initial : réalisées partout ici
        for bassin in ("Montreuillois", "Audomarois", "Lensois"):
            update_status(app_ctx, code, bassin, status="realise", record_undo=False)
    page = page_of(window)
    assert window.roadmap_combo.currentText() == "Feuille de route 2024 – volet 3"
    dialog = window.open_new_roadmap()
    assert dialog.name.text() == "Feuille de route 2025" and dialog.year.value() == 2025
    assert "33 action(s) reprise(s)" in dialog.preview.text()
    assert "NU-1.1, AI-1.3" in dialog.preview.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert window.roadmap_combo.currentText() == "Feuille de route 2025"
    assert "Feuille de route 2025" in window.windowTitle()
    codes = page.visible_action_codes()
    assert len(codes) == 33 and "NU-1.1" not in codes and "EP-2.2" in codes
    assert page.filters.count.text() == "33 actions"
    # revenir à 2024 avec le sélecteur : toutes les pages suivent
    window.roadmap_combo.setCurrentIndex(
        window.roadmap_combo.findText("Feuille de route 2024 – volet 3")
    )
    window.roadmap_combo.activated.emit(window.roadmap_combo.currentIndex())
    assert len(page.visible_action_codes()) == 35
    assert page.plan.roadmap.year == 2024
    # annuler la création : la feuille 2025 est archivée et quitte le sélecteur
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.roadmap_combo.findText("Feuille de route 2025") == -1


def test_the_selector_counts_actions_when_its_list_opens(window, qtbot):
    combo = window.roadmap_combo
    tip = combo.itemData(0, Qt.ItemDataRole.ToolTipRole)
    assert tip == "Feuille de route 2024 – volet 3 (2024)"  # au démarrage : pas de comptage
    combo.showPopup()  # comme un clic sur la flèche
    qtbot.waitUntil(lambda: combo.view().isVisible())
    assert combo.itemData(0, Qt.ItemDataRole.ToolTipRole) == (
        "Feuille de route 2024 – volet 3 (2024) — 35 actions"
    )
    combo.hidePopup()


def test_switching_roadmap_with_unsaved_status_edits_asks_first(window, qtbot, dialogs, db_path):
    from roadmap_app.plan.roadmaps import new_roadmap

    page = page_of(window)
    new_roadmap(window.ctx, "Feuille de route 2025", source="2024", record_undo=False)
    window.refresh_roadmaps()
    window.switch_roadmap(None)
    assert page.plan.roadmap.year == 2025
    page.select_code("EP-3.1")
    editor = page.detail.editor(page.plan.bassin("Lensois").id)
    editor.status.setCurrentIndex(editor.status.findData("en_cours"))
    assert page.has_unsaved_changes()
    index = window.roadmap_combo.findText("Feuille de route 2024 – volet 3")
    window.roadmap_combo.setCurrentIndex(index)
    window.roadmap_combo.activated.emit(index)
    assert dialogs[-1][:2] == ("question", "Saisies non enregistrées")
    assert page.plan.roadmap.year == 2024  # réponse simulée : ne pas enregistrer
    assert query(db_path, "SELECT ab.status FROM action_bassin ab JOIN action a ON a.id = ab.action_id "
                          "WHERE a.code = 'EP-3.1' AND a.roadmap_id = 2 AND ab.bassin_id = 3") == [
        ("a_lancer",)
    ]  # fmt: skip
