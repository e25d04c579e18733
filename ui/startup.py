"""Ouverture de la base au démarrage : base endommagée → proposer la dernière bonne sauvegarde."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from db.backup import latest_good_backup
from db.errors import NotAStoreError, StoreCorruptError
from db.lock import live_holders
from db.store import Store
from roadmap_app.core.backup import restore_file
from roadmap_app.core.context import AppContext, open_context, resolve_target
from roadmap_app.core.errors import StoreError, UserError

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def open_window(db: str | None) -> tuple[AppContext, MainWindow] | None:
    """La base ouverte et la fenêtre principale construite (pas encore montrée), ou ``None``.

    La vérification d'intégrité de la base tourne dans un fil pendant que la fenêtre se construit
    (lectures seulement). La fenêtre n'est rendue qu'une fois la base déclarée saine ; sinon elle
    est jetée sans avoir été montrée et la dernière bonne sauvegarde est proposée, comme quand le
    défaut se voit dès l'ouverture."""
    from ui.main_window import MainWindow

    ctx = open_or_recover(db, check_later=True)
    if ctx is None:
        return None
    if not _second_window_accepted(ctx):
        ctx.close()
        return None
    window: MainWindow | None = None
    # La première page se construit dans un slot Qt : une erreur de lecture y va à
    # ``sys.excepthook`` (boîte « Erreur inattendue ») et non à ce ``try``. Pendant la
    # construction, les erreurs sont gardées de côté, puis oubliées si la base est abîmée
    # (c'en est la cause) ou rapportées comme d'habitude si elle est saine.
    caught: list[tuple[type[BaseException], BaseException, TracebackType | None]] = []
    report = sys.excepthook
    sys.excepthook = lambda *exc: caught.append(exc)
    try:
        window = MainWindow(ctx)
    except Exception:
        if ctx.prepared.failure() is None:
            raise  # une vraie erreur, pas une base abîmée
    finally:
        sys.excepthook = report
    damaged = ctx.prepared.failure()
    if damaged is None:
        assert window is not None
        for exc in caught:
            report(*exc)
        return ctx, window
    if window is not None:
        window.deleteLater()  # jamais montrée : ni sauvegarde à la fermeture, ni réglages écrits
    ctx.close()
    ctx = _offer_restore(db, damaged)
    if ctx is None:
        return None
    return ctx, MainWindow(ctx)  # la base restaurée a été vérifiée avant d'être rendue


GUI_USAGE = "roadmap-app — interface graphique"


def ask_password(where: str) -> str | None:
    """Mot de passe du serveur PostgreSQL, demandé à l'ouverture (gardé en mémoire seulement)."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    text, ok = QInputDialog.getText(
        None,
        "Base partagée",
        f"Mot de passe PostgreSQL pour {where} :",
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None


def _second_window_accepted(ctx: AppContext) -> bool:
    """La base est déjà ouverte dans une autre fenêtre de roadmap-app : le dire, et proposer de
    l'ouvrir en lecture seule (conseillé), quand même (les écritures de chacun restent sûres :
    une modification de la même donnée est refusée, jamais écrasée) ou de renoncer."""
    path = ctx.store.path
    if path is None:
        return True
    others = [h for h in live_holders(path, ctx.usage) if h.program == GUI_USAGE]
    if not others:
        return True
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "Base déjà ouverte",
        f"La base « {path} » est déjà ouverte dans roadmap-app par "
        + " ; ".join(h.describe() for h in others)
        + ".",
    )
    box.setInformativeText(
        "Ouvrez-la en lecture seule pour consulter sans risque de saisir deux fois la même chose. "
        "En l'ouvrant aussi en écriture, chaque fenêtre enregistre ses modifications ; si les deux "
        "modifient la même donnée, la seconde est refusée avec un message, rien n'est écrasé."
    )
    read_only = box.addButton("Ouvrir en &lecture seule", QMessageBox.ButtonRole.AcceptRole)
    anyway = box.addButton("Ouvrir &quand même", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("&Annuler", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(read_only)
    box.exec()
    if box.clickedButton() is read_only:
        ctx.store.set_read_only(
            "ouverte aussi dans une autre fenêtre ; lecture seule choisie à l'ouverture"
        )
        return True
    return box.clickedButton() is anyway


def open_or_recover(db: str | None, *, check_later: bool = False) -> AppContext | None:
    """Le contexte ouvert, ou ``None`` si l'utilisateur renonce (un message a été montré)."""
    try:
        return open_context(db, check_later=check_later, usage=GUI_USAGE, ask_password=ask_password)
    except StoreCorruptError as err:
        return _offer_restore(db, err)
    except NotAStoreError as err:
        QMessageBox.critical(None, "Ouverture de la base impossible", str(err))
        return None
    except StoreError as err:
        QMessageBox.critical(None, "Ouverture de la base impossible", str(err))
        return None


def _offer_restore(db: str | None, err: StoreError) -> AppContext | None:
    probe = Store(resolve_target(db))
    path = probe.path
    probe.dispose()
    good = None if path is None else latest_good_backup(path)
    if path is None or good is None:
        QMessageBox.critical(
            None, "Base endommagée",
            f"{err}\n\nAucune sauvegarde valide n'a été trouvée. Le fichier endommagé n'a pas été modifié ; "
            "conservez-le et contactez le support.",
        )  # fmt: skip
        return None
    box = QMessageBox(QMessageBox.Icon.Critical, "Base endommagée", str(err))
    box.setInformativeText(
        f"Restaurer la dernière sauvegarde valide ({good.label}) ? Le fichier endommagé est gardé à côté "
        "(« …endommagee-… ») ; il n'est ni réparé ni écrasé."
    )
    restore = box.addButton("Restaurer", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quitter", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not restore:
        return None
    try:
        restore_file(path, good.path, damaged=True)
        return open_context(db, usage=GUI_USAGE, ask_password=ask_password)
    except (UserError, StoreError) as again:
        QMessageBox.critical(None, "Restauration impossible", str(again))
        return None
