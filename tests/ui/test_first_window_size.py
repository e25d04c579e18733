"""Premier lancement sur un petit écran : la fenêtre tient dans l'écran (pas de bord coupé)."""

from __future__ import annotations


def test_first_window_never_overflows_the_screen(qtbot, app_ctx):
    from ui.app import make_application
    from ui.main_window import DEFAULT_SIZE, MainWindow
    from ui.settings import ui_settings

    make_application()
    ui_settings().remove("main/geometry")  # premier lancement : aucune géométrie enregistrée
    w = MainWindow(app_ctx)
    qtbot.addWidget(w)
    room = w.screen().availableGeometry()
    assert room.width() < DEFAULT_SIZE.width()  # l'écran de test est plus petit que le souhait
    assert w.width() <= room.width() and w.height() <= room.height()
    assert room.contains(w.geometry().topLeft())
    assert w.windowState() & w.windowState().WindowMaximized
