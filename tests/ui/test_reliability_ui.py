"""Fiabilité dans l'interface : sauvegarde, restauration, base endommagée au démarrage, erreurs."""

from __future__ import annotations

import sqlite3
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from db import backup as db_backup
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status
from tests.garbage import damage_index_root


def lens_status(ctx, code):
    plan = load_plan(ctx)
    return plan.action(code).statuses[plan.bassin("Lensois").id].status


def test_backup_now_and_restore_from_the_file_menu(window, app_ctx, monkeypatch, db_path):
    copy = window.backups.backup()
    assert copy is not None and copy.exists()
    update_status(app_ctx, "EP-2.2", "Lensois", status="abandonne")
    window.show_page("roadmap").refresh()
    monkeypatch.setattr(window.backups, "confirm", lambda source: True)
    assert window.backups.restore(copy)
    assert lens_status(window.ctx, "EP-2.2") == "a_lancer"
    assert (
        not window.undo_action.isEnabled()
    )  # l'historique d'annulation ne vaut plus pour la base restaurée
    kinds = [b.kind for b in db_backup.list_backups(db_path)]
    assert "avant-restauration" in kinds


def test_closing_the_window_makes_an_automatic_backup(window, db_path):
    window.close()
    assert [b.kind for b in db_backup.list_backups(db_path)] == ["auto"]


def test_a_damaged_store_at_start_offers_the_last_good_backup(qtbot, db_path, monkeypatch):
    from roadmap_app.core.backup import backup_now
    from roadmap_app.core.context import open_context
    from ui.startup import open_or_recover

    ctx = open_context(db_path)
    backup_now(ctx)
    ctx.close()
    sqlite3.connect(db_path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    data = bytearray(db_path.read_bytes())
    for p in range(3, 12):
        data[p * 4096 : p * 4096 + 8] = b"\xff" * 8
    db_path.write_bytes(bytes(data))

    shown = []

    def fake_exec(box):
        shown.append((box.text(), box.informativeText()))
        restore = next(b for b in box.buttons() if b.text() == "Restaurer")
        box.setProperty("clicked", True)
        monkeypatch.setattr(box, "clickedButton", lambda: restore)
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    ctx = open_or_recover(str(db_path))
    assert ctx is not None
    assert "endommagée" in shown[0][0] and "dernière sauvegarde valide" in shown[0][1]
    assert len(list(load_plan(ctx).actions())) == 35
    ctx.close()
    assert list(db_path.parent.glob("*.endommagee-*"))  # le fichier abîmé est gardé, jamais réparé


def test_the_window_is_built_during_the_integrity_check_and_shown_only_if_the_store_is_sound(
    qtbot, db_path, monkeypatch
):
    from roadmap_app.core.backup import backup_now
    from roadmap_app.core.context import open_context
    from ui.main_window import MainWindow
    from ui.startup import open_window

    ctx = open_context(db_path)
    good = backup_now(ctx)
    ctx.close()
    opened = open_window(
        str(db_path)
    )  # base saine : la fenêtre, construite pendant la vérification
    assert opened is not None
    ctx, window = opened
    assert ctx.prepared.check is not None and ctx.prepared.failure() is None
    assert not window.isVisible()
    window.deleteLater()
    ctx.close()

    damage_index_root(db_path)
    damaged = db_path.read_bytes()
    built = []
    original_init = MainWindow.__init__

    def spy_init(self, ctx):
        original_init(self, ctx)
        built.append(self)

    monkeypatch.setattr(MainWindow, "__init__", spy_init)
    offered = []

    def fake_exec(box):
        offered.append(box.text())
        monkeypatch.setattr(box, "clickedButton", lambda: box.buttons()[-1])  # « Quitter »
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    assert open_window(str(db_path)) is None  # l'utilisateur quitte : rien d'autre n'est ouvert
    assert len(built) == 1 and not built[0].isVisible()  # construite, jamais montrée
    assert "endommagée" in offered[0] and "Page" in offered[0]
    assert db_path.read_bytes() == damaged  # ni réparée, ni écrite
    assert db_backup.latest_good_backup(db_path).path == good


def test_a_damaged_table_read_while_the_window_is_built_shows_only_the_restore_offer(
    qtbot, db_path, monkeypatch
):
    """La page d'accueil lit une table abîmée pendant la vérification en fond : l'erreur de
    lecture (levée dans un slot Qt) n'ouvre pas de boîte « Erreur inattendue »."""
    from roadmap_app.core.backup import backup_now
    from roadmap_app.core.context import open_context
    from ui.errors import install_excepthook
    from ui.startup import open_window

    ctx = open_context(db_path)
    backup_now(ctx)
    ctx.close()
    damage_index_root(db_path, "action")  # la table des actions elle-même
    boxes = []

    def fake_exec(box):
        boxes.append(box.windowTitle())
        monkeypatch.setattr(box, "clickedButton", lambda: None)  # « Quitter »
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # rendu tel quel après le test
    install_excepthook()
    assert open_window(str(db_path)) is None
    assert boxes == ["Base endommagée"]


def test_a_store_from_a_newer_version_is_refused_with_a_clear_message(qtbot, db_path, dialogs):
    from ui.startup import open_or_recover

    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    assert open_or_recover(str(db_path)) is None
    assert dialogs[-1][0] == "critical" and "version plus récente" in dialogs[-1][2]


def test_an_unexpected_error_shows_a_copyable_report_and_is_logged(qtbot, _isolated_home):
    from ui.errors import error_box, setup_logging, show_unexpected_error

    setup_logging()
    try:
        raise RuntimeError("panne imprévue")
    except RuntimeError:
        info = sys.exc_info()
    box = error_box(*info)
    assert box.windowTitle() == "Erreur inattendue"
    assert "panne imprévue" in box.detailedText()
    copy = next(b for b in box.buttons() if b.text() == "Copier le rapport")
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert "RuntimeError: panne imprévue" in QApplication.clipboard().text()
    import ui.errors

    original = QMessageBox.exec
    QMessageBox.exec = lambda self: 0
    try:
        show_unexpected_error(*info)
    finally:
        QMessageBox.exec = original
    log = (_isolated_home / "logs" / ui.errors.LOG_FILE).read_text(encoding="utf-8")
    assert "panne imprévue" in log


def test_an_expected_error_reaching_the_event_loop_shows_only_its_french_message(qtbot):
    from db.errors import StoreBusyError
    from ui.errors import error_box

    box = error_box(
        StoreBusyError, StoreBusyError("La base est occupée par une autre application."), None
    )
    assert box.windowTitle() == "Opération impossible" and box.detailedText() == ""
    assert box.text().startswith("La base est occupée")
