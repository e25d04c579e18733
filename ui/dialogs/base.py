"""Boîte de dialogue de saisie : le bouton principal soumet, une erreur s'affiche dans la boîte
(qui reste ouverte, saisie conservée), le succès la ferme."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.style import DANGER

#: hauteur d'une barre de titre : une boîte ouverte doit tenir dessous, barre des tâches déduite
TITLE_BAR = 32


def available_size(widget: QWidget) -> QSize:
    """Place pour le contenu d'une fenêtre sur l'écran de ``widget`` (barre des tâches et barre
    de titre déduites)."""
    screen = widget.screen()
    if screen is None:
        return QSize(1366, 768 - 40 - TITLE_BAR)
    return screen.availableGeometry().size() - QSize(16, TITLE_BAR)


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Taille voulue, réduite à la place disponible (portable de 1 366 × 768 compris)."""
    room = available_size(window.parentWidget() or window)
    window.resize(min(width, room.width()), min(height, room.height()))


def on_any_edit(root: QWidget, callback: Callable[[], None]) -> None:
    """Appelle ``callback`` à chaque modification d'un champ de saisie sous ``root``."""
    for w in root.findChildren(QLineEdit):
        w.textChanged.connect(callback)
    for t in root.findChildren(QPlainTextEdit) + root.findChildren(QTextEdit):
        if not t.isReadOnly():
            t.textChanged.connect(callback)
    for c in root.findChildren(QComboBox):
        c.currentIndexChanged.connect(callback)
    for s in root.findChildren(QSpinBox) + root.findChildren(QDoubleSpinBox):
        s.valueChanged.connect(callback)
    for d in root.findChildren(QDateEdit):
        d.dateChanged.connect(callback)
    for b in root.findChildren(QAbstractButton):
        if b.isCheckable():
            b.toggled.connect(callback)


def hide_when_edited(dialog: QWidget, error: QLabel) -> None:
    """Le message d'erreur d'une boîte disparaît dès que l'utilisateur corrige un champ (une
    nouvelle tentative le remontre s'il reste faux)."""
    on_any_edit(dialog, lambda: error.setVisible(False) if error.isVisible() else None)


#: Reçoit la boîte ; renvoie ``None`` (succès, la boîte se ferme) ou le message d'erreur à afficher.
Submit = Callable[["FormDialog"], str | None]


class FormDialog(QDialog):
    """La seule base des boîtes de saisie. Contrat unique : ``submit(boîte)`` renvoie ``None``
    (succès) ou le message à afficher ; pour un service qui lève ``UserError`` / ``StoreError``,
    ``service_submit`` fait la conversion (et garde le résultat dans ``result_value``)."""

    #: marque devant chaque ligne du message d'erreur (« ✖ » : boîtes du financement)
    error_mark = ""

    def __init__(
        self, title: str, ok_text: str, submit: Submit | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._submit = submit
        self._watching = False
        self.result_value: Any = None
        self.body = QVBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(8)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {DANGER}; font-weight: 600;")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.buttons = QDialogButtonBox()
        self.ok_button = QPushButton(ok_text)
        self.ok_button.setObjectName("primary")
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText("Annuler")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(10)
        outer.addLayout(self.body, 1)
        outer.addWidget(self.error)
        outer.addWidget(self.buttons)

    def show_error(self, message: str) -> None:
        if message and self.error_mark:
            message = self.error_mark + message.replace("\n", "\n" + self.error_mark)
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def service_submit(self, call: Callable[[], Any]) -> str | None:
        """Appelle le service ; son erreur (``UserError``, ``StoreError``) devient le message de la
        boîte, qui reste ouverte ; son résultat va dans ``result_value``."""
        from roadmap_app.core.errors import StoreError, UserError

        try:
            self.result_value = call()
        except (UserError, StoreError) as err:
            return str(err)
        return None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._watching:  # les champs sont créés par les sous-classes, après ce constructeur
            self._watching = True
            on_any_edit(self, self._recheck)
            self._focus_first_field()

    def _focus_first_field(self) -> None:
        """Le curseur sur le premier champ, pas sur un bouton : les boutons, créés ici avant les
        champs des sous-classes, venaient en tête de l'ordre de tabulation (Entrée sur « Annuler »
        ou « Nouvel indicateur… »). Un champ déjà choisi par la sous-classe est gardé."""
        from PySide6.QtWidgets import QAbstractButton

        current = self.focusWidget()
        if current is not None and not isinstance(current, QAbstractButton):
            return
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self:
            if (not isinstance(widget, QAbstractButton) and self.isAncestorOf(widget) and widget.isVisibleTo(self)
                    and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):  # fmt: skip
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
            widget = widget.nextInFocusChain()

    def _recheck(self) -> None:
        """Message affiché et champ modifié : le contrôle de la boîte est refait ; corrigé, le
        message disparaît (celui du service aussi : il revient si l'on soumet encore à tort)."""
        if self.error.isVisible():
            self.show_error(self.validate() or "")

    def validate(self) -> str | None:
        """Contrôles propres à la boîte avant soumission (``None`` : rien à redire)."""
        return None

    def accept(self) -> None:
        problem = self.validate()
        if problem is None and self._submit is not None:
            problem = self._submit(self)
        if problem:
            self.show_error(problem)
            return
        self.show_error("")
        super().accept()


def section(text: str, buddy: QWidget | None = None) -> QLabel:
    """Titre de section (avec raccourci clavier vers ``buddy`` si le texte contient « & »)."""
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    if buddy is not None:
        label.setBuddy(buddy)
    return label
