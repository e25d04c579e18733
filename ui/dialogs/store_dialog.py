"""Choisir la base : le fichier local (par défaut) ou le serveur PostgreSQL partagé de l'équipe."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from db.schema import HEAD, current_revision
from db.store import Store
from roadmap_app.core.errors import StoreError
from roadmap_app.core.settings import saved_store, set_saved_store


def test_connection(url: str) -> str:
    """Message français : la base répond, est vide (sera créée), ou l'erreur rencontrée."""
    store = Store(url)
    try:
        with store.connection() as conn:
            rev = current_revision(conn)
    except StoreError as err:
        return f"✖ {err}"
    except Exception as err:  # URL mal formée, pilote absent…
        return f"✖ Adresse invalide : {err}"
    finally:
        store.dispose()
    if rev is None:
        return "✔ Connexion réussie : la base est vide, elle sera créée et remplie au prochain démarrage."
    if rev == HEAD:
        return "✔ Connexion réussie : base roadmap-app à jour."
    return (
        f"✔ Connexion réussie : base roadmap-app (schéma {rev}), mise à jour au prochain démarrage."
    )


class StoreDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Base de données")
        current = saved_store()
        self.local = QRadioButton("Base &locale (fichier du dossier utilisateur)")
        self.shared = QRadioButton("Base &partagée sur un serveur PostgreSQL")
        group = QButtonGroup(self)
        group.addButton(self.local)
        group.addButton(self.shared)
        self.url = QLineEdit(current or "")
        self.url.setPlaceholderText("postgresql+psycopg://utilisateur@serveur/feuille_de_route")
        (self.shared if current else self.local).setChecked(True)
        self.test_button = QPushButton("&Tester la connexion")
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        hint = QLabel(
            "Le choix s'applique au prochain démarrage. Le mot de passe n'est jamais gardé dans les "
            "préférences : écrit dans l'adresse, il est rangé dans ~/.pgpass (lisible par vous seul) ; "
            "sinon il est demandé à l'ouverture. Voir le README, « Base partagée »."
        )
        hint.setWordWrap(True)
        hint.setObjectName("muted")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.test_button.clicked.connect(
            lambda: self.feedback.setText(test_connection(self.url.text().strip()))
        )
        for field in (self.url, self.test_button):
            field.setEnabled(self.shared.isChecked())
        self.shared.toggled.connect(self.url.setEnabled)
        self.shared.toggled.connect(self.test_button.setEnabled)
        lay = QVBoxLayout(self)
        widgets: list[QWidget] = [
            self.local,
            self.shared,
            self.url,
            self.test_button,
            self.feedback,
            hint,
            buttons,
        ]
        for widget in widgets:
            lay.addWidget(widget)
        self.resize(620, 300)

    def _accept(self) -> None:
        if self.shared.isChecked():
            url = self.url.text().strip()
            if not url.startswith("postgresql"):
                self.feedback.setText("✖ L'adresse doit commencer par « postgresql+psycopg:// ».")
                return
            set_saved_store(url)
        else:
            set_saved_store(None)
        self.accept()
