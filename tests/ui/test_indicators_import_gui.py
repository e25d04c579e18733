"""Page Indicateurs : « Importer des valeurs… » (aperçu, tout ou rien, Ctrl+Z) et « Exporter le
modèle… », pilotés comme un utilisateur (dialogues de fichiers simulés, vrais boutons)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from roadmap_app.indicators import model as m
from roadmap_app.indicators import service as svc


def _page(window):
    return window.show_page("indicators")


def _values(ctx, code):
    defs = [d for d in m.load_definitions(ctx) if d.code == code]
    points, _steps = m.load_series(ctx, defs)
    names = dict(m.bassin_list(ctx))
    return {(names.get(bid, "plan"), p.day, p.value) for (_i, bid), pts in points.items() for p in pts}


def _open(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))


def _click_import(seen):
    """Regarde l'aperçu, puis clique son bouton « Importer »."""

    def confirm(dialog):
        model = dialog.model
        seen.append([[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())])
        seen.append([model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())])
        dialog.show()
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        assert ok.text() == "Importer"
        ok.click()
        return dialog.result() == dialog.DialogCode.Accepted

    return confirm


def test_import_values_preview_then_write_then_undo(window, qtbot, app_ctx, tmp_path, monkeypatch, dialogs):
    page = _page(window)
    assert page.import_action.isEnabled() and page.import_action.shortcut().toString() == "Ctrl+I"
    src = tmp_path / "valeurs.csv"
    src.write_text("indicateur;bassin;date;valeur\nM2;Lensois;15/09/2024;31\nM2;Audomarois;09/2024;42\n",
                   encoding="utf-8")  # fmt: skip
    _open(monkeypatch, src)
    seen: list = []
    page.confirm_import = _click_import(seen)
    page.import_action.trigger()
    rows, headers = seen
    assert headers == ["Indicateur", "Bassin", "Période", "Avant", "Après", "Emplacement"]
    m2 = next(d for d in m.load_definitions(app_ctx) if d.code == "delai_premier_entretien")
    assert rows == [
        [f"{m2.label} (delai_premier_entretien)", "Lensois", "sept. 2024", "", "31", "ligne 2"],
        [f"{m2.label} (delai_premier_entretien)", "Audomarois", "sept. 2024", "", "42", "ligne 3"],
    ]
    qtbot.waitUntil(lambda: page.import_task.done, timeout=30_000)
    assert dialogs == [] and page.last_import == 2
    assert _values(app_ctx, "delai_premier_entretien") == {("Lensois", date(2024, 9, 1), 31.0), ("Audomarois", date(2024, 9, 1), 42.0)}
    # la page est relue : la dernière valeur du Lensois est affichée
    shown = {(page.model.index(r, 1).data(), page.model.index(r, 2).data()): page.model.index(r, 6).data()
             for r in range(page.model.rowCount())}  # fmt: skip
    assert shown[("delai_premier_entretien", "Lensois")] == "31 (sept. 2024)"
    assert window.statusBar().currentMessage().startswith("Import terminé : 2 valeur(s) écrite(s)")
    # une seule opération, annulée par Ctrl+Z (la commande Annuler de la fenêtre)
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert _values(app_ctx, "delai_premier_entretien") == set()


def test_a_correction_is_previewed_before_after_then_written_and_undone(window, qtbot, app_ctx, tmp_path,
                                                                       monkeypatch, dialogs):  # fmt: skip
    """Une valeur différente d'une valeur déjà saisie : avant, « Import refusé » (« une valeur est
    déjà saisie … corrigez-la ») ; maintenant une correction, avec sa valeur « Avant »."""
    from PySide6.QtWidgets import QLabel

    svc.set_values(app_ctx, [svc.ValueInput("M2", "Lensois", date(2024, 9, 1), 31)])
    page = _page(window)
    src = tmp_path / "valeurs.csv"
    src.write_text("indicateur;bassin;date;valeur\nM2;Lensois;09/2024;35\nM2;Audomarois;09/2024;42\n",
                   encoding="utf-8")  # fmt: skip
    _open(monkeypatch, src)
    seen: list = []
    click = _click_import(seen)

    def confirm(dialog):
        seen.append(dialog.findChild(QLabel, "indicatorImportSummary").text())
        return click(dialog)

    page.confirm_import = confirm
    page.import_action.trigger()
    assert dialogs == []
    summary, rows, _headers = seen
    assert summary.startswith("<b>1 nouvelle valeur, 1 correction</b>.")
    m2 = next(d for d in m.load_definitions(app_ctx) if d.code == "delai_premier_entretien")
    assert rows == [
        [f"{m2.label} (delai_premier_entretien)", "Lensois", "sept. 2024", "31", "35", "ligne 2"],
        [f"{m2.label} (delai_premier_entretien)", "Audomarois", "sept. 2024", "", "42", "ligne 3"],
    ]
    qtbot.waitUntil(lambda: page.import_task.done, timeout=30_000)
    assert page.last_import == 2
    assert _values(app_ctx, "delai_premier_entretien") == {("Lensois", date(2024, 9, 1), 35.0), ("Audomarois", date(2024, 9, 1), 42.0)}
    # un seul Ctrl+Z : la valeur corrigée revient, la nouvelle s'en va
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert _values(app_ctx, "delai_premier_entretien") == {("Lensois", date(2024, 9, 1), 31.0)}


def test_a_refused_file_names_line_and_column_and_writes_nothing(window, app_ctx, tmp_path, monkeypatch, dialogs):
    page = _page(window)
    src = tmp_path / "erreurs.csv"
    src.write_text("indicateur;bassin;date;valeur\nM2;Lensois;09/2024;31\nM2;Audomarois;09/2024;beaucoup\n",
                   encoding="utf-8")  # fmt: skip
    _open(monkeypatch, src)
    page.confirm_import = lambda _d: (_ for _ in ()).throw(AssertionError("aucun aperçu pour un fichier refusé"))
    page.import_action.trigger()
    assert [(title, "ligne 3, colonne D" in text, "beaucoup" in text) for _k, title, text in dialogs] == [
        ("Import refusé", True, True)]  # fmt: skip
    assert "Traceback" not in dialogs[0][2]
    assert _values(app_ctx, "delai_premier_entretien") == set()
    assert page.import_task is None


def test_cancel_in_the_preview_writes_nothing(window, app_ctx, tmp_path, monkeypatch, dialogs):
    page = _page(window)
    src = tmp_path / "valeurs.csv"
    src.write_text("indicateur;bassin;date;valeur\nM2;Lensois;09/2024;31\n", encoding="utf-8")
    _open(monkeypatch, src)

    def cancel(dialog):
        dialog.show()
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel).click()
        return dialog.result() == dialog.DialogCode.Accepted

    page.confirm_import = cancel
    page.import_action.trigger()
    assert page.import_task is None and _values(app_ctx, "delai_premier_entretien") == set()


def test_template_export_then_reimport_changes_nothing(window, app_ctx, tmp_path, monkeypatch, dialogs):
    svc.link(app_ctx, "EP-1.1", "M2", kind="tdb")
    svc.set_values(app_ctx, [svc.ValueInput("M2", "Lensois", date(2024, 9, 1), 31)])
    page = _page(window)
    asked = []

    def save(parent, title, default, filters):
        asked.append(default)
        return str(tmp_path / "modele.xlsx"), "Classeur (*.xlsx)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save))
    assert page.template_action.shortcut().toString() == "Ctrl+Shift+E"
    page.template_action.trigger()
    assert asked[0].endswith("indicateurs-modele.xlsx")
    out = tmp_path / "modele.xlsx"
    assert out.is_file() and window.statusBar().currentMessage() == f"Modèle écrit : {out}"
    before = _values(app_ctx, "delai_premier_entretien")
    _open(monkeypatch, out)
    page.confirm_import = lambda _d: (_ for _ in ()).throw(AssertionError("rien à importer : pas d'aperçu"))
    page.import_action.trigger()
    assert [(title, text.startswith("Rien à changer : 0 nouvelle valeur, 0 correction, 1 valeur déjà"))
            for _k, title, text in dialogs] == [("Import", True)]  # fmt: skip
    assert _values(app_ctx, "delai_premier_entretien") == before


def test_read_only_disables_import_but_not_the_template(window, app_ctx, monkeypatch):
    page = _page(window)
    monkeypatch.setattr(type(app_ctx.store), "read_only", property(lambda _s: True), raising=False)
    page.apply_read_only()
    page.update_actions()
    assert not page.import_action.isEnabled()
    assert page.template_action.isEnabled()


def test_the_chosen_indicator_stays_chosen_and_its_chart_shows_the_imported_values(window, qtbot, app_ctx,
                                                                                  tmp_path, monkeypatch):  # fmt: skip
    """Après un import, la ligne choisie se perdait et la courbe restait celle d'avant : « Aucune
    valeur saisie » sous un tableau qui montrait déjà la valeur importée."""
    page = _page(window)
    lensois = next(bid for bid, name in m.bassin_list(app_ctx) if name == "Lensois")
    assert page.select_code("M2", lensois)
    qtbot.waitUntil(lambda: page.chart.figure is not None)  # tracé au tour de boucle suivant
    empty = page.chart.figure
    assert "Aucune valeur saisie pour cet indicateur" in [t.get_text() for t in empty.axes[0].texts]
    src = tmp_path / "valeurs.csv"
    src.write_text("indicateur;bassin;date;valeur\nM2;Lensois;09/2024;31\n", encoding="utf-8")
    _open(monkeypatch, src)
    page.confirm_import = _click_import([])
    page.import_action.trigger()
    qtbot.waitUntil(lambda: page.import_task.done, timeout=30_000)
    assert page.current().code == "delai_premier_entretien" and page.current_bassin() == lensois
    qtbot.waitUntil(lambda: page.chart.figure not in (None, empty))
    assert page.shown_code == "delai_premier_entretien"
    ax = page.chart.figure.axes[0]
    assert [list(line.get_ydata()) for line in ax.lines if line.get_label() == "Lensois"] == [[31.0]]
