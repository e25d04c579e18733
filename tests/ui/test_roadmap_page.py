"""Page « Feuille de route » pilotée comme un utilisateur : filtrer, choisir, modifier, annuler."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QPoint, Qt

from roadmap_app.plan.filters import ActionFilter
from roadmap_app.plan.read import load_plan
from tests.ui.conftest import type_text


def page_of(window):
    return window.show_page("roadmap")


def status_in_db(db_path, code, bassin):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            "SELECT ab.status, ab.progress, ab.note FROM action_bassin ab JOIN action a ON a.id = ab.action_id "
            "JOIN bassin b ON b.id = ab.bassin_id WHERE a.code = ? AND b.name = ?",
            (code, bassin),
        ).fetchone()
    finally:
        conn.close()


def test_the_whole_plan_is_shown_in_document_order(window):
    page = page_of(window)
    codes = page.visible_action_codes()
    assert len(codes) == 35
    assert codes[:3] == ["EP-1.1", "EP-2.1", "EP-2.2"] and codes[-1] == "GP-4.1"
    root_titles = [page.model.index(r, 1).data() for r in range(page.model.rowCount())]
    assert root_titles == [
        "Entrée en parcours", "Accompagnement intensif", "Numérique",
        "Mobilisation des entreprises", "Gouvernance partagée",
    ]  # fmt: skip
    assert page.visible_headers() == [
        "Code",
        "Intitulé",
        "Échéance",
        "Pilotes",
        "Montreuillois",
        "Audomarois",
        "Lensois",
        "Avancement",
    ]
    assert page.filters.count.text() == "35 actions"


def test_find_the_late_actions_of_lensois(window, qtbot, app_ctx):
    page = page_of(window)
    bassin = page.filters.bassin
    bassin.setCurrentIndex(bassin.findText("Lensois"))
    qtbot.mouseClick(page.filters.overdue, Qt.MouseButton.LeftButton)
    plan = load_plan(app_ctx)
    expected = [
        a.code
        for a in plan.actions()
        if ActionFilter(
            bassin_ids=frozenset({plan.bassin("Lensois").id}), overdue_only=True
        ).matches(a, plan.today)
    ]
    assert page.visible_action_codes() == expected
    assert len(expected) == 18
    assert page.filters.count.text() == "18 action(s) sur 35"
    headers = page.visible_headers()
    assert "Lensois" in headers and "Montreuillois" not in headers
    first = page.model.index(0, 0)  # axe EP
    echeance = page.model.index(0, 2, page.model.index(0, 0, first))
    # colonne étroite : « ⚠ » devant l'échéance, « en retard » en toutes lettres dans l'infobulle
    assert echeance.data().startswith("⚠ ")
    assert "en retard" in echeance.data(Qt.ItemDataRole.ToolTipRole)


def test_search_ignores_accents_and_case(window, qtbot):
    page = page_of(window)
    type_text(page.filters.search, "INTEROPÉRABILITÉ wikisol")
    assert page.visible_action_codes() == ["NU-1.2"]
    page.filters.search.clear()
    assert len(page.visible_action_codes()) == 35


def test_filtering_keeps_working_after_sorting_by_another_column(window, qtbot, app_ctx):
    page = page_of(window)
    page.tree.sortByColumn(
        2, Qt.SortOrder.DescendingOrder
    )  # par échéance, la plus lointaine d'abord
    type_text(page.filters.search, "diagnostic")
    plan = load_plan(app_ctx)
    flt = ActionFilter(text="diagnostic")
    expected = {a.code for a in plan.actions() if flt.matches(a, plan.today)}
    shown = page.visible_action_codes()
    assert set(shown) == expected and len(shown) == len(expected) > 1
    page.filters.search.clear()
    assert len(page.visible_action_codes()) == 35
    page.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # retour à l'ordre du document
    assert page.visible_action_codes()[:3] == ["EP-1.1", "EP-2.1", "EP-2.2"]


def click_header(qtbot, page, column):
    header = page.tree.header()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def codes_in_cible(page, cible_code):
    """Codes des actions d'une cible, dans l'ordre où la vue les montre."""
    model = page.model
    for r in range(model.rowCount()):
        axe = model.index(r, 0)
        for c in range(model.rowCount(axe)):
            cible = model.index(c, 0, axe)
            if model.node_at(cible).payload.code == cible_code:
                rows = range(model.rowCount(cible))
                return [model.node_at(model.index(i, 0, cible)).payload.code for i in rows]
    raise KeyError(cible_code)


def test_clicking_a_header_sorts_siblings_and_keeps_selection_and_filter(window, qtbot, app_ctx):
    page = page_of(window)
    plan = load_plan(app_ctx)
    lens = plan.bassin("Lensois")
    bassin = page.filters.bassin
    bassin.setCurrentIndex(bassin.findText("Lensois"))
    shown = set(page.visible_action_codes())
    assert page.select_code("EP-2.2")
    ep2 = [a for axe in plan.axes for c in axe.cibles if c.code == "EP-2" for a in c.actions]
    ai = [a for axe in plan.axes if axe.code == "AI" for c in axe.cibles for a in c.actions]

    def ends(cible):
        return [plan.action(code).echeance.end for code in codes_in_cible(page, cible)]

    click_header(qtbot, page, 2)  # Échéance, la plus proche d'abord ; sans échéance à la fin
    for cible in {a.code.split(".")[0] for a in ai}:
        dated = [d for d in ends(cible) if d is not None]
        assert dated == sorted(dated) and ends(cible)[len(dated) :] == [None] * (
            len(ends(cible)) - len(dated)
        )
    click_header(qtbot, page, 2)  # puis la plus lointaine d'abord
    for cible in {a.code.split(".")[0] for a in ai}:
        dated = [d for d in ends(cible) if d is not None]
        assert dated == sorted(dated, reverse=True)
    assert any(len({d for d in ends(c) if d}) > 1 for c in {a.code.split(".")[0] for a in ai})

    col = page.model.bassin_column(lens.id)
    click_header(qtbot, page, col)  # statut dans le Lensois, par rang de statut
    from roadmap_app.plan import statuses as status_rules

    ranks = [status_rules.info(a.statuses[lens.id].status).rank
             for code in codes_in_cible(page, "EP-2") for a in ep2 if a.code == code]  # fmt: skip
    assert ranks == sorted(ranks)
    # le tri ne perd ni la ligne choisie, ni le filtre, ni les colonnes masquées
    assert page.current_node().payload.code == "EP-2.2"
    assert set(page.visible_action_codes()) == shown
    assert "Montreuillois" not in page.visible_headers()

    click_header(qtbot, page, 0)  # Code : retour à l'ordre du document
    assert page.tree.header().sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert codes_in_cible(page, "EP-2") == [a.code for a in ep2]


def test_archiving_a_bassin_while_filtered_keeps_the_progress_column(window, app_ctx):
    from roadmap_app.plan.bassins import archive_bassin

    page = page_of(window)
    bassin = page.filters.bassin
    bassin.setCurrentIndex(bassin.findText("Montreuillois"))
    assert page.visible_headers()[4:] == ["Montreuillois", "Avancement"]
    archive_bassin(app_ctx, "Lensois")  # une colonne de moins : « Avancement » change de place
    page.refresh()
    assert page.visible_headers()[4:] == ["Montreuillois", "Avancement"]
    bassin.setCurrentIndex(0)  # tous les bassins
    assert page.visible_headers()[4:] == ["Montreuillois", "Audomarois", "Avancement"]


def test_pilote_and_axe_filters(window):
    page = page_of(window)
    page.filters.pilote.setCurrentIndex(page.filters.pilote.findData("CAF"))
    assert page.visible_action_codes() == ["AI-3.2", "AI-5.1"]
    page.filters.pilote.setCurrentIndex(0)
    page.filters.axe.setCurrentIndex(page.filters.axe.findText("GP – Gouvernance partagée"))
    assert page.visible_action_codes() == ["GP-1.1", "GP-2.1", "GP-3.1", "GP-4.1"]


def test_change_a_status_save_it_see_it_then_undo(window, qtbot, db_path, app_ctx):
    page = page_of(window)
    assert page.select_code("EP-2.2")
    detail = page.detail
    assert detail.action_row.code == "EP-2.2"
    assert not detail.save_button.isEnabled()
    plan = load_plan(app_ctx)
    editor = detail.editor(plan.bassin("Lensois").id)
    editor.status.setCurrentIndex(editor.status.findData("realise"))
    editor.progress.setValue(100)
    type_text(editor.note, "Comités de suivi arrêtés")
    assert detail.save_button.isEnabled()
    qtbot.mouseClick(detail.save_button, Qt.MouseButton.LeftButton)

    assert status_in_db(db_path, "EP-2.2", "Lensois") == (
        "realise",
        100,
        "Comités de suivi arrêtés",
    )
    assert status_in_db(db_path, "EP-2.2", "Audomarois") == ("a_lancer", None, "")
    assert not detail.save_button.isEnabled()
    # la cellule de l'arbre montre le nouveau statut, sans retard
    row = page.model.action_index(detail.action_row.id)
    lens_col = page.model.bassin_column(load_plan(app_ctx).bassin("Lensois").id)
    assert page.model.index(row.row(), lens_col, row.parent()).data() == "Réalisé · 100 %"
    assert "Testeur" in detail.text.toPlainText()  # l'historique montre la modification

    assert window.undo_action.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert status_in_db(db_path, "EP-2.2", "Lensois") == ("a_lancer", None, "")
    assert page.detail.editor(plan.bassin("Lensois").id).status.currentData() == "a_lancer"
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert status_in_db(db_path, "EP-2.2", "Lensois") == (
        "realise",
        100,
        "Comités de suivi arrêtés",
    )


def test_ctrl_s_saves_from_the_keyboard(window, qtbot, db_path, app_ctx):
    page = page_of(window)
    page.select_code("NU-3.1")
    editor = page.detail.editor(load_plan(app_ctx).bassin("Audomarois").id)
    editor.status.setFocus()
    editor.status.setCurrentIndex(editor.status.findData("en_cours"))
    qtbot.keyClick(editor.status, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert status_in_db(db_path, "NU-3.1", "Audomarois")[0] == "en_cours"


def test_a_change_made_elsewhere_meanwhile_is_not_overwritten(
    window, qtbot, db_path, app_ctx, dialogs
):
    from roadmap_app.plan.status import update_status

    page = page_of(window)
    page.select_code("GP-3.1")
    lens = load_plan(app_ctx).bassin("Lensois").id
    # un autre poste (ou la CLI) modifie la même cellule pendant que l'action est ouverte
    update_status(
        app_ctx, "GP-3.1", "Lensois", status="abandonne", author="Collègue", record_undo=False
    )
    editor = page.detail.editor(lens)
    editor.status.setCurrentIndex(editor.status.findData("en_cours"))
    qtbot.mouseClick(page.detail.save_button, Qt.MouseButton.LeftButton)
    assert dialogs and dialogs[-1][0] == "warning" and "Collègue" in dialogs[-1][2]
    assert status_in_db(db_path, "GP-3.1", "Lensois")[0] == "abandonne"
    # le panneau est rechargé avec la valeur la plus récente
    assert page.detail.editor(lens).status.currentData() == "abandonne"


def test_window_state_and_filters_come_back_at_next_start(qtbot, app_ctx, window):
    from ui.main_window import MainWindow

    page = page_of(window)
    page.filters.bassin.setCurrentIndex(page.filters.bassin.findText("Audomarois"))
    page.filters.search.setText("diagnostic")
    window.close()
    again = MainWindow(app_ctx)
    qtbot.addWidget(again)
    restored = again.show_page("roadmap").filters
    assert restored.bassin.currentText() == "Audomarois"
    assert restored.search.text() == "diagnostic"
    assert 0 < len(again.show_page("roadmap").visible_action_codes()) < 35


def test_leaving_with_unsaved_edits_asks_first(window, qtbot, app_ctx, dialogs, db_path):
    page = page_of(window)
    page.select_code("ME-2.1")
    editor = page.detail.editor(load_plan(app_ctx).bassin("Lensois").id)
    editor.status.setCurrentIndex(editor.status.findData("en_cours"))
    assert page.has_unsaved_changes()
    window.close()  # la question est posée ; la réponse simulée est « Ne pas enregistrer »
    assert dialogs and dialogs[-1][0] == "question"
    assert status_in_db(db_path, "ME-2.1", "Lensois")[0] == "a_lancer"


def test_ctrl_z_right_after_ctrl_s_undoes_the_saved_change_not_a_keystroke(
    window, qtbot, db_path, app_ctx
):
    page = page_of(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.select_code("NU-3.1")
    editor = page.detail.editor(load_plan(app_ctx).bassin("Audomarois").id)
    spin = editor.progress
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "40")  # frappe dans la zone d'avancement : elle a sa propre annulation
    assert spin.value() == 40
    qtbot.keyClick(spin, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert status_in_db(db_path, "NU-3.1", "Audomarois")[1] == 40
    spin = page.detail.editor(load_plan(app_ctx).bassin("Audomarois").id).progress
    qtbot.keyClick(spin, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert status_in_db(db_path, "NU-3.1", "Audomarois")[1] is None  # l'enregistrement annulé


def test_choosing_realise_proposes_100_percent(window, app_ctx, dialogs):
    page = page_of(window)
    page.select_code("EP-2.2")
    editor = page.detail.editor(load_plan(app_ctx).bassin("Lensois").id)
    assert editor.progress.value() != 100
    editor.status.setCurrentIndex(editor.status.findData("realise"))
    assert editor.progress.value() == 100
    editor.progress.setValue(90)  # proposé, pas imposé
    assert editor.edit().progress == 90


def test_detail_empties_on_a_cible_or_when_the_action_is_filtered_out(window, qtbot):
    page = page_of(window)
    page.select_code("EP-2.2")
    assert page.detail.action_row.code == "EP-2.2"
    page.select_node("cible", page.detail.action_row.cible_id)
    assert page.detail.action_row is None and page.detail.empty.isVisible()
    page.select_code("EP-2.2")
    type_text(page.filters.search, "wikisol")  # EP-2.2 n'y répond pas
    assert page.detail.action_row is None


def test_ctrl_d_folds_and_restores_the_detail_panel(window, qtbot):
    page = page_of(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.tree.setFocus()
    title_before = page.tree.columnWidth(1)
    qtbot.keyClick(page.tree, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert page.splitter.sizes()[1] == 0 and not page.toggle_detail.isChecked()
    assert page.tree.columnWidth(1) > title_before  # l'intitulé prend la place libérée
    qtbot.keyClick(page.tree, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert page.splitter.sizes()[1] > 0 and page.detail.isVisible()


def test_search_words_are_highlighted_in_the_tree(window):
    from ui.widgets.highlight_delegate import match_ranges

    page = page_of(window)
    type_text(page.filters.search, "interoperabilite")
    assert page.highlight.terms == ("interoperabilite",)
    title = "Mettre en œuvre l'interopérabilité des SI"
    a, b = match_ranges(title, page.highlight.terms)[0]
    assert title[a:b] == "interopérabilité"
    assert match_ranges("Cœur ŒUVRE", ("oeuvre",)) == [(5, 10)]
    # la cellule est dessinée par le délégué qui surligne (image différente de celle sans recherche)
    idx = page.model.action_index(page.plan.action("NU-1.2").id).siblingAtColumn(1)
    rect = page.tree.visualRect(idx)
    with_terms = page.tree.viewport().grab(rect).toImage()
    page.highlight.terms = ()
    page.tree.viewport().repaint()
    without = page.tree.viewport().grab(rect).toImage()
    assert with_terms != without


def test_titles_come_before_codes(window, qtbot, tmp_path):
    """L'intitulé est la première colonne (avec l'arbre), le code suit ; un en-tête enregistré
    dans l'ancien ordre (code d'abord) ne le remet pas devant ; le détail commence par l'intitulé."""
    from PySide6.QtCore import QSettings

    from ui.models.plan_tree import COL_CODE, COL_TITLE

    page = page_of(window)
    header = page.tree.header()
    assert header.logicalIndex(0) == COL_TITLE and header.logicalIndex(1) == COL_CODE
    assert page.tree.treePosition() == COL_TITLE
    # sous l'arbre, le titre de l'axe est à gauche du code
    axe = page.model.index(0, COL_TITLE)
    assert page.tree.visualRect(axe).left() < page.tree.visualRect(axe.siblingAtColumn(COL_CODE)).left()

    header.moveSection(header.visualIndex(COL_CODE), 0)  # l'ordre d'avant
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    page.save_state(settings)
    page.restore_state(settings)
    assert header.logicalIndex(0) == COL_TITLE

    page.select_action(page.plan.action("EP-2.1").id)
    text = page.detail.title.text()
    assert text.index("Le CD62 valide") < text.index("EP-2.1")


def test_rows_keep_their_height_after_a_reload(window, qtbot, app_ctx):
    """Avant : 26 px par ligne à l'ouverture (hauteur calculée avant la feuille de style), 30 px
    après le premier rechargement (lier un indicateur, modifier le plan, afficher les archives) :
    l'arbre « sautait » et montrait trois lignes de moins sur un écran de 768 px."""
    from roadmap_app.indicators import service as svc

    window.resize(1366, 768)
    window.show()
    page = page_of(window)
    qtbot.waitExposed(window)
    first = page.model.index(0, 0)
    opened = page.tree.rowHeight(first)
    svc.link(app_ctx, "EP-2.1", "R1", kind="tdb")  # nouvelle colonne « Ind. » : modèle refait
    page.refresh()
    qtbot.wait(50)
    assert page.tree.rowHeight(page.model.index(0, 0)) == opened == 26
