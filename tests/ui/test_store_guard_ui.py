"""La base dans l'interface : restauration refusée quand un autre programme l'a ouverte, seconde
fenêtre sur la même base, lecture seule visible et sans saisie possible, règle par champ."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status
from tests.conftest import dump_store
from tests.unit.test_store_in_use import start_holder


def test_restore_from_the_window_is_refused_while_another_program_uses_the_store(
    window, db_path, monkeypatch, dialogs
):
    copy = window.backups.backup()
    holder = start_holder(db_path, "roadmap-app — ligne de commande (actions)")
    try:
        before = dump_store(db_path)
        monkeypatch.setattr(window.backups, "confirm", lambda source: True)
        assert not window.backups.restore(copy)
        assert dialogs and dialogs[-1][0] == "warning"
        assert (
            "en cours d'utilisation par" in dialogs[-1][2] and "ligne de commande" in dialogs[-1][2]
        )
        assert dump_store(db_path) == before
        update_status(window.ctx, "EP-2.2", "Lensois", note="la fenêtre écrit encore")
    finally:
        holder.stdin.close()  # type: ignore[union-attr]
        holder.wait(timeout=30)
    assert window.backups.restore(copy)  # l'autre programme fermé : la restauration passe


def _answer(monkeypatch, button_text: str, seen: list[str]) -> None:
    def fake_exec(box):
        seen.append(box.text())
        box._clicked = next(b for b in box.buttons() if b.text().replace("&", "") == button_text)  # type: ignore[attr-defined]
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(QMessageBox, "clickedButton", lambda box: box._clicked)


def test_a_second_window_on_the_same_store_says_so_and_can_open_read_only(
    qtbot, db_path, monkeypatch
):
    from db.lock import StoreUsage
    from ui.app import make_application
    from ui.startup import GUI_USAGE, open_window

    make_application()
    first = StoreUsage.register(db_path, GUI_USAGE)  # une première fenêtre (ailleurs)
    assert first is not None
    seen: list[str] = []
    _answer(monkeypatch, "Ouvrir en lecture seule", seen)
    try:
        ctx, window = open_window(str(db_path))
        qtbot.addWidget(window)
        window.show()
        assert "déjà ouverte dans roadmap-app" in seen[0] and "interface graphique" in seen[0]
        assert ctx.store.read_only
        assert window.windowTitle().endswith("lecture seule")
        assert (
            window.read_only_label.isVisibleTo(window)
            and window.read_only_label.text() == "Lecture seule"
        )
        page = window.show_page("roadmap")
        page.select_action(load_plan(ctx).action("EP-2.2").id)
        assert not page.detail.editor_box.isEnabled()
        assert not page.editor.new_action.isEnabled() and not page.editor.edit.isEnabled()
        flows = window.show_page("flows")
        assert not flows.import_button.isEnabled()
        assert not window.show_page("committees").new_button.isEnabled()
        indicators = window.show_page("indicators")
        indicators.table.selectRow(0)  # choisir une ligne ne réactive rien
        assert not any(a.isEnabled() for a in indicators.write_controls())
        assert indicators.new_indicator() is None and indicators.edit_steps() is None
        ctx.close()
    finally:
        first.release()


def test_a_second_window_can_also_be_declined(qtbot, db_path, monkeypatch):
    from db.lock import StoreUsage
    from ui.app import make_application
    from ui.startup import GUI_USAGE, open_window

    make_application()
    first = StoreUsage.register(db_path, GUI_USAGE)
    assert first is not None
    seen: list[str] = []
    _answer(monkeypatch, "Annuler", seen)
    try:
        assert open_window(str(db_path)) is None and seen
    finally:
        first.release()


def test_saving_a_status_keeps_a_note_changed_meanwhile_by_someone_else(
    window, app_ctx, db_path, dialogs
):
    from roadmap_app.core.context import open_context

    page = window.show_page("roadmap")
    action = load_plan(app_ctx).action("EP-2.2")
    page.select_action(action.id)
    editor = next(e for e in page.detail.editors if e.bassin.name == "Lensois")
    other = open_context(db_path, author="Autre poste")
    update_status(other, "EP-2.2", "Lensois", note="Note de l'autre poste")
    other.close()
    editor.status.setCurrentIndex(editor.status.findData("realise"))
    assert page.save_pending(), dialogs
    assert dialogs == []  # aucun refus « modifiée entre-temps »
    plan = load_plan(app_ctx)
    cell = plan.action("EP-2.2").statuses[plan.bassin("Lensois").id]
    assert (cell.status, cell.note) == ("realise", "Note de l'autre poste")
