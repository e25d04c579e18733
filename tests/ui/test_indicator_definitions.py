"""Définir et tenir à jour les indicateurs depuis l'interface, pilotée comme un utilisateur : page
Indicateurs (nouvel indicateur, modifier, référence et cibles, archiver), « Nouvel indicateur… »
depuis « Lier un indicateur… » ; journal, Ctrl+Z, refus affichés dans la boîte sans rien écrire."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox

from roadmap_app.core import journal
from roadmap_app.indicators import model as m
from roadmap_app.indicators import service as svc
from tests.conftest import dump_store
from tests.ui.conftest import shown_dialog, type_text
from ui.dialogs.indicator_dialogs import (
    IndicatorDialog,
    LinkIndicatorDialog,
    StepsDialog,
    suggest_code,
)


def _dialog(qtbot, cls):
    return shown_dialog(qtbot, cls)


def _page(window):
    return window.show_page("indicators")


def _labels(page):
    return {page.model.index(r, 0).data() for r in range(page.model.rowCount())}


def _click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _define(ctx, **kw):
    args = dict(label="Part des ARSA reçus en 15 jours", unit="nombre", direction="up", frequency="month")
    return svc.add_indicator(ctx, "PAR15J", **{**args, **kw})


def _open_steps(window, qtbot, app_ctx) -> StepsDialog:
    """« Référence et cibles… » d'un nouvel indicateur PAR15J (en %), choisi sur la page."""
    _define(app_ctx, unit="%")
    page = _page(window)
    page.refresh()
    page.select_code("PAR15J")
    page.steps_action.trigger()
    return _dialog(qtbot, StepsDialog)


def test_create_an_indicator_from_the_page_with_a_suggested_code(window, qtbot, app_ctx):
    page = _page(window)
    assert page.new_action.shortcut().toString() == "Ctrl+N" and page.new_action.isEnabled()
    page.new_action.trigger()
    dialog = _dialog(qtbot, IndicatorDialog)
    assert dialog.windowTitle() == "Nouvel indicateur"
    type_text(dialog.label, "Délai moyen d'orientation (jours)")
    assert dialog.code.text() == "DMOJ"  # proposé d'après le libellé
    dialog.code.clear()
    type_text(dialog.code, "DELAI-ORI")
    type_text(dialog.label, " ")  # le code tapé n'est plus remplacé
    assert dialog.code.text() == "DELAI-ORI"
    dialog.definition.setPlainText("Jours entre l'entrée et l'orientation.")
    dialog.unit.setCurrentIndex(dialog.unit.findData("jours"))
    dialog.direction.setCurrentIndex(dialog.direction.findData("down"))
    dialog.scope.setCurrentIndex(dialog.scope.findData("plan"))
    dialog.provenance.setCurrentIndex(dialog.provenance.findData("cd"))
    _click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    d = m.find_definition(m.load_definitions(app_ctx), "DELAI-ORI")
    assert (d.label, d.unit, d.direction, d.scope, d.provenance, d.definition) == (
        "Délai moyen d'orientation (jours)", "jours", "down", "plan", "cd", "Jours entre l'entrée et l'orientation.")
    assert "Délai moyen d'orientation (jours)" in _labels(page)
    assert page.current().code == "DELAI-ORI"  # la nouvelle ligne est choisie
    assert "créé (Ctrl+Z pour annuler)" in window.statusBar().currentMessage()
    window.undo()
    assert "Délai moyen d'orientation (jours)" not in _labels(page)


def test_suggested_codes_skip_small_words_and_taken_codes():
    assert suggest_code("Part des ARSA reçus en 15 jours", set()) == "PAR15J"
    assert suggest_code("Part des ARSA reçus en 15 jours", {"par15j"}) == "PAR15J-2"
    assert suggest_code("  ", set()) == ""


def test_bad_definitions_are_shown_in_the_dialog_and_nothing_is_written(window, qtbot, app_ctx, db_path):
    page = _page(window)
    before = dump_store(db_path)
    dialog = page.new_indicator()
    type_text(dialog.code, "r1")
    _click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and dialog.error.text() == "Le libellé est obligatoire."
    dialog.label.setText("Taux de retour")
    assert dialog.code.text() == "r1"  # tapé : le libellé ne le remplace pas
    _click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "L'indicateur « R1 » existe déjà" in dialog.error.text()
    dialog.code.setText("R 1")
    _click(qtbot, dialog.ok_button)
    assert "Code d'indicateur « R 1 » refusé" in dialog.error.text()
    dialog.reject()
    assert dump_store(db_path) == before


def test_edit_is_journaled_and_undone(window, qtbot, app_ctx):
    d = _define(app_ctx)
    page = _page(window)
    page.refresh()
    assert page.select_code("PAR15J")
    page.edit_action.trigger()
    dialog = _dialog(qtbot, IndicatorDialog)
    assert dialog.code.isReadOnly() and dialog.label.text() == d.label
    dialog.label.setText("Part reçue en 15 jours")
    dialog.direction.setCurrentIndex(dialog.direction.findData("down"))
    _click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert "Part reçue en 15 jours" in _labels(page) and page.current().code == "PAR15J"
    lines = journal.history(app_ctx, "indicator_definition", [d.id])
    assert {(ln.field, ln.new_value) for ln in lines[:2]} == {("label", "Part reçue en 15 jours"), ("direction", "down")}
    assert window.undo_action.text() == "&Annuler : Indicateur « PAR15J » modifié"
    window.undo()
    assert d.label in _labels(page) and "Part reçue en 15 jours" not in _labels(page)
    assert m.find_definition(m.load_definitions(app_ctx), "PAR15J").direction == "up"


def test_a_unit_the_entered_values_do_not_fit_is_refused_in_the_dialog(window, qtbot, app_ctx, db_path):
    _define(app_ctx)
    svc.set_value(app_ctx, "PAR15J", 140, date(2024, 3, 1), bassin="Lensois")
    page = _page(window)
    page.refresh()
    page.select_code("PAR15J")
    before = dump_store(db_path)
    dialog = page.edit_indicator()
    dialog.unit.setCurrentIndex(dialog.unit.findData("%"))
    _click(qtbot, dialog.ok_button)
    assert dialog.isVisible()
    assert dialog.error.text().startswith("L'indicateur PAR15J ne peut pas passer en « % » : valeur du 01/03/2024 "
                                          "(Lensois) : 140 % dépasse 100 %")  # fmt: skip
    dialog.reject()
    assert dump_store(db_path) == before


def test_a_flow_or_national_indicator_opens_read_only_and_cannot_be_archived(window, qtbot, app_ctx):
    page = _page(window)
    assert page.select_code("entrants")
    assert page.edit_action.isEnabled() and not page.archive_action.isEnabled()
    dialog = page.edit_indicator()
    assert dialog.label.isReadOnly() and not dialog.unit.isEnabled() and not dialog.frequency.isEnabled()
    assert not dialog.scope.isEnabled() and not dialog.ok_button.isVisible()
    assert dialog.cancel_button.text() == "Fermer"
    assert "entrants est un flux mensuel BRSA : sa définition est fixée" in dialog.note.text()
    dialog.reject()
    assert page.select_code("R1") and not page.archive_action.isEnabled()


def test_archive_with_confirmation_then_undo(window, qtbot, app_ctx, monkeypatch):
    _define(app_ctx)
    svc.link(app_ctx, "EP-1.1", "PAR15J")
    page = _page(window)
    page.refresh()
    asked = []

    def answer(_parent, title, text, *_a, **_k):
        asked.append(text)
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer))
    page.select_code("PAR15J")
    page.archive_action.trigger()  # « Non » : rien
    assert "Part des ARSA reçus en 15 jours" in _labels(page)
    page.select_code("PAR15J")
    qtbot.waitUntil(lambda: page.chart.canvas is not None)  # tracé au tour de boucle suivant
    assert page.shown_code == "PAR15J"
    page.archive_action.trigger()
    # sa courbe ne reste pas affichée, seule, une fois l'indicateur parti
    assert page.chart.canvas is None and page.chart.empty.isVisibleTo(page)
    assert "Archiver l'indicateur « Part des ARSA reçus en 15 jours » (PAR15J) ?" in asked[0]
    assert "Il mesure 1 action(s) : EP-1.1 ; les liens sont gardés." in asked[0]
    assert "Part des ARSA reçus en 15 jours" not in _labels(page)
    assert "PAR15J" not in {d.code for d in m.load_definitions(app_ctx)}
    window.undo()
    assert "Part des ARSA reçus en 15 jours" in _labels(page)
    assert m.overview(app_ctx).actions[m.find_definition(m.load_definitions(app_ctx), "PAR15J").id] == ["EP-1.1"]


def test_baseline_and_targets_per_bassin_are_listed_and_checked(window, qtbot, app_ctx, monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _p, title, *_a, **_k: asked.append(title) or QMessageBox.StandardButton.Yes))  # fmt: skip
    dialog = _open_steps(window, qtbot, app_ctx)
    page = _page(window)
    assert dialog.table.item(0, 0).text() == "Ni référence ni cible pour l'instant."
    dialog.baseline.setChecked(True)
    assert dialog.by_date.isChecked()  # une référence se donne à une date
    dialog.day.setDate(QDate(2023, 12, 31))
    dialog.value.setText("45")
    _click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and dialog.error.isHidden()  # reste ouverte pour la suivante
    dialog.target.setChecked(True)
    dialog.year.setValue(2025)
    dialog.value.setText("60")
    _click(qtbot, dialog.ok_button)
    dialog.bassin.setCurrentIndex(dialog.bassin.findText("Lensois"))
    dialog.year.setValue(2026)
    dialog.value.setText("70,5")
    _click(qtbot, dialog.ok_button)
    assert asked == ["Cible après la fin du volet 3"]  # 2026 : confirmée
    rows = [[dialog.table.item(r, c).text() for c in range(4)] for r in range(dialog.table.rowCount())]
    assert rows == [["Référence", "Tous les bassins", "31/12/2023", "45 %"],
                    ["Cible 2025", "Tous les bassins", "01/01/2025", "60 %"],
                    ["Cible 2026", "Lensois", "01/01/2026", "70,5 %"]]  # fmt: skip
    assert dialog.done_label.text().startswith("Cible enregistrée : PAR15J, Lensois")
    dialog.by_date.setChecked(True)
    dialog.day.setDate(QDate(2023, 6, 1))
    dialog.value.setText("50")
    _click(qtbot, dialog.ok_button)
    assert "la cible commence avant la situation de référence" in dialog.error.text()
    dialog.value.setText("cinquante")
    _click(qtbot, dialog.ok_button)
    assert dialog.error.text() == "Valeur « cinquante » : saisissez un nombre."
    _click(qtbot, dialog.cancel_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.current().code == "PAR15J"
    lens = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).state.where == "Lensois"
                and page.model.row_at(r).state.indicator.code == "PAR15J")  # fmt: skip
    assert page.model.index(lens, 4).data() == "45 % (31/12/2023)"
    window.undo()  # chaque étape est une opération : la dernière (cible 2026 Lensois) est retirée
    steps = m.load_series(app_ctx, [m.find_definition(m.load_definitions(app_ctx), "PAR15J")])[1]
    assert sorted(st.value for lst in steps.values() for st in lst) == [45, 60]


def test_the_steps_dialog_proposes_a_year_and_a_date_inside_the_volet(window, qtbot, app_ctx, monkeypatch):
    """Avant : « Année » proposait l'an prochain (2027 au 03/12/2026, après la fin du volet 3 le
    31/12/2025) et « À partir du » le 31/12/2023 même pour une cible. Maintenant : l'année qui suit
    la dernière cible de l'indicateur, sinon l'année en cours, gardée dans les années du volet ; la
    date suit la sorte d'étape tant qu'on ne l'a pas changée."""
    monkeypatch.setenv("ROADMAP_APP_TODAY", "2026-12-03")
    _define(app_ctx, unit="%")
    page = _page(window)
    page.refresh()
    page.select_code("PAR15J")

    def opened() -> StepsDialog:
        page.steps_action.trigger()
        return _dialog(qtbot, StepsDialog)

    def proposed() -> int:
        dialog = opened()
        year = dialog.year.value()
        dialog.reject()
        qtbot.waitUntil(lambda: not dialog.isVisible())
        return year

    dialog = opened()
    assert dialog.target.isChecked() and dialog.year.value() == 2025  # pas 2027
    assert dialog.day.date() == QDate(2025, 1, 1)
    assert dialog.late_label.isHidden()
    dialog.baseline.setChecked(True)  # une référence : la situation avant le volet
    assert dialog.by_date.isChecked() and dialog.day.date() == QDate(2023, 12, 31)
    dialog.target.setChecked(True)
    assert dialog.day.date() == QDate(2025, 1, 1)
    dialog.by_date.setChecked(True)
    dialog.day.setDate(QDate(2024, 9, 1))  # choisie à la main : elle reste
    dialog.baseline.setChecked(True)
    assert dialog.day.date() == QDate(2024, 9, 1)
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    monkeypatch.setenv("ROADMAP_APP_TODAY", "2024-10-15")
    assert proposed() == 2024  # l'année en cours
    svc.set_step(app_ctx, "PAR15J", "target", 60, year=2024)
    assert proposed() == 2025  # celle qui suit la dernière cible
    svc.set_step(app_ctx, "PAR15J", "target", 70, year=2025, bassin="Lensois")
    assert proposed() == 2025  # gardée dans le volet (2024 à 2025)


def test_a_target_after_the_end_of_the_volet_is_said_then_confirmed(window, qtbot, app_ctx, monkeypatch):
    """Avant : une cible 2027 était enregistrée sans un mot. Maintenant : la boîte le dit sous
    « Quand » et demande confirmation à l'ajout (une prolongation de la convention reste possible)."""
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked = []

    def answer(_parent, title, text, *_a, **_k):
        asked.append((title, text))
        return answers[len(asked) - 1]

    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer))
    dialog = _open_steps(window, qtbot, app_ctx)
    dialog.year.setValue(2027)
    assert dialog.late_label.isVisible()
    assert "La cible 2027 de PAR15J commence après la fin du volet 3 (31/12/2025)" in dialog.late_label.text()
    dialog.value.setText("80")
    before = dump_store(app_ctx.store)
    _click(qtbot, dialog.ok_button)  # « Non » : rien n'est écrit
    assert asked[0][0] == "Cible après la fin du volet 3" and "Enregistrer cette cible quand même ?" in asked[0][1]
    assert dialog.error.text().endswith(
        "Cible non enregistrée : choisissez une année du volet 3 (2024 à 2025) ou confirmez la cible au-delà.")
    assert dump_store(app_ctx.store) == before
    _click(qtbot, dialog.ok_button)  # « Oui » : enregistrée
    assert dialog.error.isHidden()
    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())] == ["Cible 2027"]
    dialog.year.setValue(2025)
    assert dialog.late_label.isHidden()
    dialog.baseline.setChecked(True)  # une référence tardive n'est pas une cible : rien à dire
    dialog.day.setDate(QDate(2026, 12, 31))
    assert dialog.late_label.isHidden()
    _click(qtbot, dialog.cancel_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_a_target_typed_wrong_is_corrected_or_removed_and_undone(window, qtbot, app_ctx, monkeypatch):
    """Avant : une cible mal tapée ne se corrigeait ni ne se retirait (« fixez une nouvelle cible
    à une autre date »), et une référence refixée à la même date était écrasée sans un mot.
    Maintenant : la même date demande confirmation avant de remplacer ; une étape choisie dans la
    liste se retire ; chaque geste est journalisé et annulable."""
    from ui.dialogs.indicator_dialogs import StepsDialog

    _define(app_ctx, unit="%")
    svc.set_step(app_ctx, "PAR15J", "baseline", 45, day=date(2023, 12, 31))
    svc.set_step(app_ctx, "PAR15J", "target", 60, year=2025)
    with pytest.raises(svc.StepExistsError, match="confirmez son remplacement"):
        svc.set_step(app_ctx, "PAR15J", "baseline", 40, day=date(2023, 12, 31))
    asked = []

    def answer(_parent, _title, text, *_a, **_k):
        asked.append(text)
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer))
    page = _page(window)
    page.refresh()
    page.select_code("PAR15J")
    page.steps_action.trigger()
    dialog = _dialog(qtbot, StepsDialog)
    assert not dialog.remove_button.isEnabled()  # rien de choisi
    dialog.target.setChecked(True)
    dialog.year.setValue(2025)
    dialog.value.setText("65")
    _click(qtbot, dialog.ok_button)  # « Non » : rien ne change
    assert "vaut déjà 60 % à cette date" in asked[0] and "La remplacer par 65 %" in asked[0]
    assert "rien n'a été changé" in dialog.error.text()
    _click(qtbot, dialog.ok_button)  # « Oui » : corrigée
    values = [dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())]
    assert values == ["45 %", "65 %"]
    dialog.table.selectRow(0)  # la référence : retirée
    assert dialog.remove_button.isEnabled()
    _click(qtbot, dialog.remove_button)
    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())] == ["Cible 2025"]
    assert dialog.done_label.text().startswith("Référence 31/12/2023 retirée : PAR15J")
    _click(qtbot, dialog.cancel_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    d = m.find_definition(m.load_definitions(app_ctx), "PAR15J")

    def steps() -> list[tuple[str, float]]:
        return sorted((st.kind, st.value) for lst in m.load_series(app_ctx, [d])[1].values() for st in lst)

    assert steps() == [("target", 65.0)]
    window.undo()  # la référence revient
    assert steps() == [("baseline", 45.0), ("target", 65.0)]
    window.undo()  # la correction est défaite
    assert steps() == [("baseline", 45.0), ("target", 60.0)]


def test_enter_a_value_from_the_page(window, qtbot, app_ctx):
    from ui.dialogs.indicator_dialogs import IndicatorValueDialog

    _define(app_ctx)
    page = _page(window)
    page.refresh()
    page.select_code("PAR15J")
    page.value_action.trigger()
    dialog = _dialog(qtbot, IndicatorValueDialog)
    dialog.bassin.setCurrentIndex(dialog.bassin.findText("Audomarois"))
    dialog.day.setDate(QDate(2024, 5, 17))
    dialog.value.setText("12")
    _click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    row = next(page.model.row_at(r) for r in range(page.model.rowCount())
               if page.model.row_at(r).state.where == "Audomarois" and page.model.row_at(r).state.indicator.code == "PAR15J")  # fmt: skip
    assert row.state.last.value == 12 and row.state.last.day == date(2024, 5, 1)  # début du mois


def test_create_and_link_in_one_go_from_the_detail_panel(window, qtbot, app_ctx):
    page = window.show_page("roadmap")
    assert page.select_code("EP-2.1")
    _click(qtbot, page.detail.indicators.link_button)
    link = _dialog(qtbot, LinkIndicatorDialog)
    _click(qtbot, link.new_button)
    new = _dialog(qtbot, IndicatorDialog)
    assert new.parent() is link
    new.label.setText("Rendez-vous tenus")
    new.code.setText("RDV")
    _click(qtbot, new.ok_button)
    qtbot.waitUntil(lambda: not new.isVisible())
    assert link.current().code == "RDV" and link.kind.currentData() == "autre"
    _click(qtbot, link.ok_button)
    qtbot.waitUntil(lambda: not link.isVisible())
    assert [one.indicator.code for one in page.detail.indicators.linked] == ["RDV"]
    indicators = window.show_page("indicators")
    assert "Rendez-vous tenus" in _labels(indicators)


def test_link_the_chosen_indicator_to_an_action_from_the_page(window, qtbot, app_ctx):
    from ui.dialogs.indicator_dialogs import LinkActionDialog

    svc.link(app_ctx, "EP-1.1", "R1")
    page = _page(window)
    page.refresh()
    page.select_code("R1")
    page.link_action.trigger()
    dialog = _dialog(qtbot, LinkActionDialog)
    assert dialog.kind.currentData() == "tdb"  # indicateur national
    assert "EP-1.1" not in {dialog.action.itemData(i) for i in range(dialog.action.count())}
    index = dialog.action.findData("EP-2.1")
    assert dialog.action.itemText(index).endswith("(EP-2.1)")  # l'intitulé d'abord
    dialog.action.setCurrentIndex(index)
    _click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.model.index(page.table.currentIndex().row(), 3).data() == "EP-1.1, EP-2.1"
    window.undo()
    assert m.overview(app_ctx).actions[m.find_definition(m.load_definitions(app_ctx), "R1").id] == ["EP-1.1"]


def test_a_new_indicator_hidden_by_a_filter_is_shown_and_chosen(window, qtbot, app_ctx):
    page = _page(window)
    page.linked_only.setChecked(True)  # le nouvel indicateur ne mesure encore aucune action
    dialog = page.new_indicator()
    dialog.label.setText("Sorties vers l'emploi")
    _click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert not page.linked_only.isChecked() and page.current().label == "Sorties vers l'emploi"


def test_enter_a_value_from_the_page_with_the_keyboard_only(window, qtbot, app_ctx):
    """La ligne choisie donne l'indicateur et le bassin : la boîte s'ouvre sur « Valeur ». Le
    curseur était sur la liste des bassins ; « 52 » puis Entrée ne saisissait rien (« Valeur «  » :
    saisissez un nombre »)."""
    from PySide6.QtWidgets import QApplication

    from ui.dialogs.indicator_dialogs import IndicatorValueDialog

    lensois = next(bid for bid, name in m.bassin_list(app_ctx) if name == "Lensois")
    page = _page(window)
    page.refresh()
    assert page.select_code("R1", lensois)
    page.value_action.trigger()
    dialog = _dialog(qtbot, IndicatorValueDialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isAncestorOf(QApplication.focusWidget()))
    assert QApplication.focusWidget() is dialog.value, QApplication.focusWidget()
    qtbot.keyClicks(QApplication.focusWidget(), "52")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    points, _steps = m.load_series(app_ctx, [m.find_definition(m.load_definitions(app_ctx), "R1")])
    r1 = m.find_definition(m.load_definitions(app_ctx), "R1")
    assert [p.value for p in points[(r1.id, lensois)]] == [52.0]
