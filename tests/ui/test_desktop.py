"""Application de bureau : Qt en français, dialogues de fichiers, titre et icône, ouvrir une base
ou un paquet (Ouvrir…, récents, ligne de commande), refus d'un fichier étranger, guide (F1) et
raccourcis clavier."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QLabel,
    QMessageBox,
    QTabBar,
)

from roadmap_app.core.context import open_context
from roadmap_app.core.text import fold
from roadmap_app.plan.status import update_status
from roadmap_app.workshops.package import export_package, package_info_of
from ui.pages import PAGES

ROOT = Path(__file__).resolve().parents[2]


# -- Qt en français ---------------------------------------------------------------------------
def test_qt_message_box_buttons_are_in_french(qtbot):
    from ui.app import make_application

    make_application()
    box = QMessageBox()
    box.setStandardButtons(
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel
    )  # fmt: skip
    assert sorted(b.text() for b in box.buttons()) == ["&Non", "&Oui", "Annuler"]


def test_qt_file_dialog_labels_are_in_french(qtbot):
    from ui.app import make_application

    make_application()
    dialog = QFileDialog(None, "Essai")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # celui de Qt, sous Linux
    qtbot.addWidget(dialog)
    labels = {label.text() for label in dialog.findChildren(QLabel) if label.text()}
    assert labels == {"&Voir dans\u00a0:", "&Nom de fichier\u00a0:", "Fichiers de &type\u00a0:"}
    buttons = {b.text() or b.toolTip() for b in dialog.findChildren(QAbstractButton)}
    assert {"&Ouvrir", "Annuler", "Dossier parent", "Créer un nouveau dossier"} <= buttons


# -- dialogues de fichiers ----------------------------------------------------------------------
def test_file_dialogs_open_in_documents_then_in_the_last_folder_used(qtbot, tmp_path, monkeypatch):
    from ui.file_dialogs import ask_open, ask_save, documents_dir

    chosen = tmp_path / "classeurs" / "flux.xlsx"
    chosen.parent.mkdir()
    folders: list[str] = []

    def fake(parent, title, folder, filters):
        folders.append(folder)
        return str(chosen), filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    assert ask_open(None, "Importer", "Classeur (*.xlsx)") == chosen
    assert folders[0] == str(documents_dir()) and Path(folders[0]).is_dir()
    assert folders[0] != os.getcwd() or Path.cwd() == documents_dir()
    assert ask_save(None, "Exporter", "pack.pdf", "PDF (*.pdf)") == (chosen, "PDF (*.pdf)")
    assert folders[1] == str(chosen.parent / "pack.pdf")  # dernier dossier, nom proposé
    shutil.rmtree(chosen.parent)  # dossier disparu : retour aux Documents
    ask_open(None, "Importer", "Classeur (*.xlsx)")
    assert folders[2] == str(documents_dir())


def test_every_file_dialog_goes_through_the_one_helper():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "ui").rglob("*.py")
        if path.name != "file_dialogs.py"
        and re.search(r"QFileDialog\.get|QFileDialog\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# -- fenêtre -----------------------------------------------------------------------------------
def test_the_window_title_names_the_roadmap_once(window):
    title = window.windowTitle()
    assert title.startswith("Feuille de route 2024 – volet 3")
    assert title.count("Feuille de route") == 1 and title.count("volet 3") == 1
    assert "roadmap.sqlite3" in title  # pas la base habituelle du dossier utilisateur
    assert QApplication.applicationDisplayName() == "roadmap-app"  # ajouté par Qt, une fois


def test_the_application_and_its_windows_have_the_icon(window):
    icon = QApplication.windowIcon()
    assert not icon.isNull()
    sizes = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert {(16, 16), (32, 32), (256, 256)} <= sizes
    assert not window.windowIcon().isNull()


# -- ouvrir des fichiers -----------------------------------------------------------------------
def files_of(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


@pytest.fixture
def other_store(template_db, tmp_path) -> Path:
    path = tmp_path / "autre" / "base-equipe.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(template_db, path)
    return path


def test_file_menu_offers_open_and_recent_files(window):
    docs = window.documents
    assert docs.open_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    file_menu = window.menuBar().actions()[0].menu()
    assert docs.open_action in file_menu.actions()
    assert docs.recent_menu.menuAction() in file_menu.actions()


def test_opening_another_store_replaces_the_window_and_remembers_it(window, qtbot, other_store):
    from ui.documents import recent_files

    docs = window.documents
    assert docs.open_path(other_store)
    new = docs.window
    qtbot.addWidget(new)
    assert new is not window and not window.isVisible() and new.isVisible()
    assert new.ctx.store.path == other_store.resolve()
    assert "base-equipe.sqlite3" in new.windowTitle()
    assert new.documents is docs
    assert recent_files()[0] == other_store.resolve()
    # et la base d'avant est dans les fichiers récents, pour y revenir
    docs.fill_recent(docs.recent_menu)
    texts = [a.text() for a in docs.recent_menu.actions()]
    assert texts[0] == "&1 base-equipe.sqlite3" and any("roadmap.sqlite3" in t for t in texts)
    assert docs.recent_menu.actions()[0].statusTip() == str(other_store.resolve())
    back = next(a for a in docs.recent_menu.actions() if "roadmap.sqlite3" in a.text())
    back.trigger()
    qtbot.addWidget(docs.window)
    assert docs.window.ctx.store.path.name == "roadmap.sqlite3"


def test_recent_files_with_the_same_name_show_their_folder(window, tmp_path):
    from ui.documents import remember_recent

    for folder in ("equipe", "atelier"):
        remember_recent(tmp_path / folder / "roadmap.sqlite3")
    docs = window.documents
    docs.fill_recent(docs.recent_menu)
    texts = [a.text() for a in docs.recent_menu.actions()][:2]
    assert texts == [
        f"&1 roadmap.sqlite3  ({tmp_path / 'atelier'})",
        f"&2 roadmap.sqlite3  ({tmp_path / 'equipe'})",
    ]


def test_opening_the_store_already_open_changes_nothing(window, db_path):
    assert window.documents.open_path(db_path)
    assert window.documents.window is window


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("notes.txt", b"pas une base\n", "« notes.txt » n'est ni une base roadmap-app"),
        (
            "abimee.sqlite3",
            b"SQLite format 3\x00" + b"\xff" * 4096,
            "« abimee.sqlite3 » est endommagé",
        ),
    ],
)
def test_a_foreign_or_damaged_file_is_refused_and_nothing_changes(
    window, dialogs, tmp_path, name, content, expected
):
    target = tmp_path / "recus" / name
    target.parent.mkdir()
    target.write_bytes(content)
    before = files_of(target.parent)
    assert not window.documents.open_path(target)
    assert len(dialogs) == 1
    kind, title, text = dialogs[0]
    assert (kind, title) == ("warning", "Ouverture impossible") and text.startswith(expected)
    assert "\n" not in text
    assert files_of(target.parent) == before
    assert window.documents.window is window and window.isVisible()


def test_a_missing_recent_file_is_refused_and_forgotten(window, dialogs, tmp_path):
    from ui.documents import recent_files, remember_recent

    gone = tmp_path / "disparue.sqlite3"
    remember_recent(gone)
    assert not window.documents.open_path(gone)
    assert "Fichier introuvable" in dialogs[0][2]
    assert gone not in recent_files()


def changed_package(ctx, folder: Path) -> Path:
    package, _ = export_package(ctx, folder / "lens.atelier", "Lensois")
    laptop = open_context(package, author="Animatrice Lens")
    update_status(laptop, "EP-2.2", "Lensois", status="realise")
    laptop.close()
    return package


def test_opening_a_package_from_this_store_shows_its_merge_preview(
    window, app_ctx, tmp_path, monkeypatch
):
    from ui.dialogs.merge_dialog import MergeDialog
    from ui.pages.workshops_page import WorkshopsPage

    package = changed_package(app_ctx, tmp_path)
    shown: list[MergeDialog] = []
    monkeypatch.setattr(WorkshopsPage, "confirm_merge", lambda self, d: shown.append(d) and False)
    assert window.documents.open_path(package)
    assert len(shown) == 1 and shown[0].changes.rowCount() == 1
    assert window.current_page() is window.pages["workshops"]


def test_a_package_from_another_store_can_be_opened_to_work_on_it(
    window, qtbot, tmp_path, monkeypatch, dialogs
):
    from ui.documents import Documents

    other = open_context(tmp_path / "autre-poste.sqlite3")  # une autre base (autre identifiant)
    package, _ = export_package(other, tmp_path / "audo.atelier", "Audomarois")
    other.close()
    asked = []
    monkeypatch.setattr(Documents, "ask_open_package", lambda self, d: asked.append(d) or False)
    assert not window.documents.open_path(package)  # renoncé : rien ne change
    assert asked and window.documents.window is window
    monkeypatch.setattr(Documents, "ask_open_package", lambda self, d: True)
    assert window.documents.open_path(package)
    new = window.documents.window
    qtbot.addWidget(new)
    assert new.ctx.store.path == package.resolve()
    assert package_info_of(new.ctx) is not None
    assert "audo.atelier" in new.windowTitle()


def test_command_line_plan_for_a_file(db_path, tmp_path, monkeypatch, app_ctx):
    from roadmap_app.core.errors import UserError
    from ui.documents import startup_plan

    assert startup_plan(None, None) == (None, None)
    assert startup_plan(None, str(db_path)) == (str(db_path.resolve()), None)
    with pytest.raises(UserError, match="Deux bases demandées"):
        startup_plan(str(db_path), str(db_path))
    package = changed_package(app_ctx, tmp_path)
    monkeypatch.setenv("ROADMAP_APP_HOME", str(tmp_path / "poste-neuf"))
    assert startup_plan(None, str(package)) == (str(package.resolve()), None)  # rien à fusionner
    db, pending = startup_plan(str(db_path), str(package))
    assert db == str(db_path) and pending is not None and pending.is_package


def test_run_gui_refuses_a_foreign_file_before_creating_anything(
    qtbot, tmp_path, monkeypatch, dialogs, capsys
):
    from ui.app import run_gui

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installe le sien
    home = Path(os.environ["ROADMAP_APP_HOME"])
    notes = tmp_path / "notes.txt"
    notes.write_text("pas une base\n", encoding="utf-8")
    assert run_gui(None, str(notes)) == 2
    assert dialogs and dialogs[0][0] == "critical" and "« notes.txt »" in dialogs[0][2]
    assert "Erreur : « notes.txt »" in capsys.readouterr().err
    assert not home.exists() or list(home.iterdir()) == []  # ni base, ni journal


@pytest.mark.slow
def test_roadmap_app_file_opens_that_store_and_creates_no_other(tmp_path, template_db):
    store = tmp_path / "équipe #2" / "base (copie).sqlite3"
    store.parent.mkdir()
    shutil.copyfile(template_db, store)
    home = tmp_path / "home"
    env = dict(os.environ, ROADMAP_APP_HOME=str(home), QT_QPA_PLATFORM="offscreen",
               ROADMAP_APP_EXIT_AFTER_START="0")  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-m", "roadmap_app", str(store)], env=env, capture_output=True,
        text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "premiere peinture" in out.stdout and "Traceback" not in out.stderr
    assert not (home / "roadmap.sqlite3").exists()
    assert str(store.resolve()) in (home / "interface.ini").read_text(encoding="utf-8")


# -- aide : guide et raccourcis -------------------------------------------------------------
def test_f1_opens_the_guide_at_the_section_of_the_page_shown(window):
    from ui.help.guide import PAGE_TOPICS, guide_dir, topics

    assert set(PAGE_TOPICS) == {spec.key for spec in PAGES}
    assert window.guide_action.shortcut() == QKeySequence("F1")
    titles = {t.file: t.title for t in topics()}
    for spec in PAGES:
        window.show_page(spec.key)
        window.guide_action.trigger()
        viewer = window.guide_window
        assert viewer.isVisible()
        assert viewer.current_file() == PAGE_TOPICS[spec.key]
        assert (guide_dir() / PAGE_TOPICS[spec.key]).is_file()
        assert viewer.browser.toPlainText().startswith(titles[PAGE_TOPICS[spec.key]])
        assert viewer.windowTitle() == f"{titles[PAGE_TOPICS[spec.key]]} — Guide d'utilisation"
    assert len(window.findChildren(type(viewer))) == 1  # une seule fenêtre, réutilisée


def images_in(browser) -> list:
    doc, found = browser.document(), []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                found.append(fmt.toImageFormat())
            it += 1
        block = block.next()
    return found


def test_the_guide_shows_its_captures_within_the_window_and_follows_links(window):
    from ui.help import open_guide

    viewer = open_guide(window, "tableau-de-bord.md")
    images = images_in(viewer.browser)
    assert images, "la capture du tableau de bord"
    for image in images:
        assert viewer.browser._natural_size(image) is not None  # image trouvée et lue
        assert 0 < image.width() <= viewer.browser.viewport().width()
    viewer.browser._follow(QUrl("feuille-de-route.md"))
    assert viewer.current_file() == "feuille-de-route.md"
    assert viewer.back.isEnabled()
    viewer.back.click()
    assert viewer.current_file() == "tableau-de-bord.md"


def test_the_table_of_contents_lists_every_topic_and_jumps_to_a_section(window):
    from ui.help import open_guide
    from ui.help.guide import SECTION_ROLE, topics

    viewer = open_guide(window)
    items = viewer.topic_items()
    assert [i.text(0) for i in items] == [t.title for t in topics()]
    topic = next(i for i in items if i.childCount())
    child = topic.child(topic.childCount() - 1)
    viewer._toc_chosen(child)
    section = child.data(0, SECTION_ROLE)
    assert viewer.browser.textCursor().block().text() == section
    assert viewer.browser.verticalScrollBar().value() > 0


def test_guide_search_ignores_accents_and_goes_from_topic_to_topic(window):
    from ui.help import open_guide

    viewer = open_guide(window, "index.md")
    viewer.search.setText("echeance")
    found = viewer.matching_topics()
    assert len(found) >= 3 and "sur 15" in viewer.matches.text()
    hidden = [i for i in viewer.topic_items() if i.isHidden()]
    assert len(hidden) == len(viewer.topic_items()) - len(found)
    visited = set()
    for _ in range(12):
        viewer.find_next()
        assert fold(viewer.browser.textCursor().selectedText()) == "echeance"
        visited.add(viewer.current_file())
    assert len(visited) >= 2
    viewer.search.setText("xylophone")
    assert viewer.matches.text() == "Aucune rubrique ne contient ce texte."


def test_the_shortcuts_list_is_read_from_the_real_actions(window):
    from ui.help import open_shortcuts
    from ui.help.shortcuts import clean

    dialog = open_shortcuts(window)
    rows = {(r.group, r.command, r.keys) for r in dialog.rows}
    assert ("Fichier", "Ouvrir", "Ctrl+O") in rows
    assert ("Aide", "Guide d'utilisation", "F1") in rows
    assert ("Page Feuille de route", "Nouvelle action", "Ctrl+N") in rows
    assert ("Page Ateliers", "Revue en séance", "F5") in rows
    assert all(r.command for r in dialog.rows), "un raccourci sans description"
    for top in window.menuBar().actions():
        for action in top.menu().actions():
            if not action.shortcut().isEmpty():
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                assert any(
                    r.command == clean(action.text()) and keys in r.keys for r in dialog.rows
                )
    dialog.close()
    extra = QAction("Essai du banc", window)
    extra.setShortcut(QKeySequence("Ctrl+Alt+J"))
    window.menuBar().actions()[0].menu().addAction(extra)
    assert ("Fichier", "Essai du banc", "Ctrl+Alt+J") in {
        (r.group, r.command, r.keys) for r in open_shortcuts(window).rows
    }


def test_every_menu_command_people_use_weekly_has_its_own_shortcut(window):
    """Préférences (Ctrl+,) et Exporter le calendrier (Ctrl+Maj+K) n'en avaient aucun ; deux
    commandes des menus ne partagent jamais une touche."""
    from ui.help import open_shortcuts

    dialog = open_shortcuts(window)
    menus = {clean_text(a.text()) for a in window.menuBar().actions()}
    rows = [r for r in dialog.rows if r.group in menus]
    assert ("Édition", "Préférences", "Ctrl+,") in {(r.group, r.command, r.keys) for r in rows}
    assert ("Fichier", "Exporter le calendrier", "Ctrl+Maj+K") in {(r.group, r.command, r.keys) for r in rows}
    keys = [r.keys for r in rows]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    dialog.close()


def clean_text(text: str) -> str:
    from ui.help.shortcuts import clean

    return clean(text)


def mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def test_menu_titles_have_distinct_mnemonics(window):
    keys = [mnemonic(a.text()) for a in window.menuBar().actions()]
    assert None not in keys and len(set(keys)) == len(keys), keys


def test_no_two_visible_controls_of_a_page_share_a_mnemonic(window, qtbot):
    for spec in PAGES:
        page = window.show_page(spec.key)
        qtbot.wait(10)
        seen: dict[str, list[str]] = {}
        texts = [b.text() for b in page.findChildren(QAbstractButton) if b.isVisible()]
        texts += [
            lab.text() for lab in page.findChildren(QLabel) if lab.isVisible() and lab.buddy()
        ]
        for bar in page.findChildren(QTabBar):
            if bar.isVisible():
                texts += [bar.tabText(i) for i in range(bar.count())]
        for text in texts:
            if key := mnemonic(text):
                seen.setdefault(key, []).append(text)
        assert {k: v for k, v in seen.items() if len(v) > 1} == {}, spec.key
