"""Panneau de détail d'une action : édition du statut par bassin, puis tous les champs du document."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyle,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from db.seed import SEED_AUTHOR
from roadmap_app.plan import statuses as status_rules
from roadmap_app.plan.read import ActionRow, BassinRef, StatusCell

if TYPE_CHECKING:  # le journal importe les tables ORM : hors du démarrage
    from roadmap_app.core.journal import JournalLine
from ui.style import DANGER, MUTED, status_icon
from ui.widgets.indicator_box import IndicatorBox

NO_PROGRESS = -1


def _e(text: str) -> str:
    return escape(text, quote=False)


@dataclass(frozen=True)
class CellEdit:
    bassin_id: int
    status: str
    progress: int | None
    note: str
    expected_version: int
    #: valeurs lues à l'ouverture : règle par champ si la cellule a changé depuis
    base: dict[str, Any] | None = None


class _WheelScrollsThePanel(QObject):
    """La molette sur une liste ou un compteur sans le curseur fait défiler le panneau : elle
    changeait le statut (« En cours » → « Abandonné ») ou l'avancement de la case survolée
    pendant qu'on faisait défiler le panneau pour lire la suite."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            event.ignore()  # transmis au parent : la zone de défilement
            return True
        return False


_WHEEL_GUARD = _WheelScrollsThePanel()


class CellEditor(QWidget):
    """Statut, avancement et note d'une action pour un bassin."""

    def __init__(self, bassin: BassinRef, on_change: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bassin = bassin
        self.cell: StatusCell | None = None
        self._loading = False
        self.name = QLabel()
        self.name.setTextFormat(Qt.TextFormat.RichText)
        self.name.setWordWrap(True)
        self.status = QComboBox()
        self.status.setAccessibleName(f"Statut – {bassin.name}")
        for st in status_rules.ORDERED:
            self.status.addItem(status_icon(st.value), status_rules.label(st), st.value)
        self.progress = QSpinBox()
        self.progress.setRange(NO_PROGRESS, 100)
        self.progress.setSpecialValueText("—")
        self.progress.setSuffix(" %")
        self.progress.setSingleStep(10)
        self.progress.setMinimumWidth(72)
        self.progress.setAccessibleName(f"Avancement – {bassin.name}")
        self.progress.setToolTip("Avancement en % ; « — » : non renseigné")
        self.note = QLineEdit()
        self.note.setPlaceholderText("Aucune note — écrire ici (datée du jour)")
        self.note.setAccessibleName(f"Note – {bassin.name}")
        self.meta = QLabel()
        self.meta.setObjectName("muted")
        self.meta.setWordWrap(True)
        for field in (self.status, self.progress):  # la molette ne donne plus le curseur
            field.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            field.installEventFilter(_WHEEL_GUARD)

        # Nom du bassin (et « en retard ») sur sa ligne : rien ne se chevauche quand le panneau
        # est étroit ; statut et avancement dessous, puis la note.
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status, 1)
        row.addWidget(self.progress)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 4)
        lay.setSpacing(4)
        lay.addWidget(self.name)
        lay.addLayout(row)
        lay.addWidget(self.note)
        lay.addWidget(self.meta)
        self.status.currentIndexChanged.connect(self._status_chosen)
        for signal in (
            self.status.currentIndexChanged,
            self.progress.valueChanged,
            self.note.textChanged,
        ):
            signal.connect(on_change)

    def _status_chosen(self, _index: int) -> None:
        """Choisir « Réalisé » propose 100 % (modifiable ensuite)."""
        if self._loading or self.status.currentData() != "realise":
            return
        if self.progress.value() != 100:
            self.progress.setValue(100)

    def load(self, cell: StatusCell | None) -> None:
        self._loading = True
        try:
            self._load(cell)
        finally:
            self._loading = False

    def _load(self, cell: StatusCell | None) -> None:
        self.cell = cell
        for w in (self.status, self.progress, self.note):
            w.setEnabled(cell is not None)
        if cell is None:
            self.meta.setText("Action non applicable à ce bassin.")
            self.refresh_name()
            return
        self.status.setCurrentIndex(max(self.status.findData(cell.status), 0))
        self.progress.setValue(NO_PROGRESS if cell.progress is None else cell.progress)
        self.note.setText(cell.note)
        self.note.setCursorPosition(0)
        self.note.setToolTip(cell.note)
        parts = []
        if cell.note_date:
            parts.append(f"Note du {cell.note_date:%d/%m/%Y}")
        if cell.updated_by == SEED_AUTHOR:
            parts.append("état initial repris de l'annexe 1 bis")
        elif cell.updated_at:
            parts.append(
                f"modifié le {cell.updated_at.astimezone():%d/%m/%Y à %H:%M} par {cell.updated_by}"
            )
        self.meta.setText(" — ".join(parts))
        self.refresh_name()

    def refresh_name(self) -> None:
        text = f"<b>{_e(self.bassin.name)}</b>"
        if self.cell is not None and self.cell.overdue:
            text += f" <span style='color:{DANGER};font-weight:600'>— en retard</span>"
        if self.dirty():
            text += " <span style='color:#1F5FA8'>✎ modifié</span>"
        self.name.setText(text)

    def edit(self) -> CellEdit | None:
        if self.cell is None:
            return None
        progress = self.progress.value()
        return CellEdit(
            self.bassin.id,
            str(self.status.currentData()),
            None if progress == NO_PROGRESS else progress,
            self.note.text().strip(),
            self.cell.version,
            {"status": self.cell.status, "progress": self.cell.progress, "note": self.cell.note},
        )

    def dirty(self) -> bool:
        if self.cell is None:
            return False
        e = self.edit()
        c = self.cell
        return e is not None and (e.status, e.progress, e.note) != (c.status, c.progress, c.note)


class ActionDetailPanel(QWidget):
    """Affiche une action ; émet ``save_requested(action, [CellEdit])`` pour les bassins modifiés."""

    save_requested = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPanel")
        self.action_row: ActionRow | None = None
        self.editors: list[CellEditor] = []

        self.title = QLabel()
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self.editor_box = QFrame()
        self.editor_box.setObjectName("card")
        self.editor_layout = QVBoxLayout(self.editor_box)
        self.editor_layout.setContentsMargins(8, 8, 8, 8)
        head = QLabel("Statut par bassin")
        head.setObjectName("sectionTitle")
        self.editor_layout.addWidget(head)
        self.editors_grid = QGridLayout()
        self.editors_grid.setContentsMargins(0, 0, 0, 0)
        self.editor_layout.addLayout(self.editors_grid)
        self.save_button = QPushButton("Enregistrer")
        self.save_button.setObjectName("primary")
        self.save_button.setToolTip(
            "Enregistrer les statuts, avancements et notes modifiés (Ctrl+S)"
        )
        self.revert_button = QPushButton("Abandonner")
        self.revert_button.setToolTip("Abandonner les saisies non enregistrées de cette action")
        self.save_button.clicked.connect(self.request_save)
        self.revert_button.clicked.connect(self.reload_editors)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        self.editor_layout.addLayout(buttons)

        self.indicators = IndicatorBox()

        self.text = QTextBrowser()
        self.text.setObjectName("detailText")
        self.text.setOpenExternalLinks(True)

        # Tout défile quand la hauteur manque (écran de 768 px) : rien ne se chevauche.
        self.text.setMinimumHeight(180)
        self.content = QScrollArea()
        self.content.setObjectName("detailScroll")
        self.content.setWidgetResizable(True)
        self.content.setFrameShape(QFrame.Shape.NoFrame)
        self.content.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        lay = QVBoxLayout(inner)
        lay.setContentsMargins(8, 10, 8, 10)
        lay.setSpacing(8)
        lay.addWidget(self.title)
        lay.addWidget(self.summary)
        lay.addWidget(self.editor_box)
        lay.addWidget(self.indicators)
        lay.addWidget(self.text, 1)
        self.content.setWidget(inner)
        self.empty = QLabel(
            "Sélectionnez une action dans l'arbre pour voir tous ses champs et modifier son statut."
        )
        self.empty.setWordWrap(True)
        self.empty.setObjectName("muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.content)
        outer.addWidget(self.empty)
        self.show_action(None, [], [])

    def minimumSizeHint(self) -> QSize:
        """Assez large pour le contenu et sa barre de défilement (jamais coupé à droite)."""
        content = self.content.widget()
        assert content is not None
        inner = content.minimumSizeHint()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return QSize(max(inner.width() + bar + 2, self.empty.minimumSizeHint().width()), 120)

    # -- affichage ------------------------------------------------------------------
    def set_bassins(self, bassins: list[BassinRef]) -> None:
        for ed in self.editors:
            ed.setParent(None)
        self.editors = []
        for i, b in enumerate(bassins):
            ed = CellEditor(b, self._update_buttons)
            self.editors_grid.addWidget(ed, i, 0)
            self.editors.append(ed)
            for w in (ed.status, ed.progress, ed.note):
                w.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Rien à enregistrer : Ctrl+Z (Ctrl+Y) va à l'annulation de la fenêtre (la dernière
        modification enregistrée) et non à la dernière frappe du champ qui a le focus."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (
                event.matches(QKeySequence.StandardKey.Undo)
                or event.matches(QKeySequence.StandardKey.Redo)
            )
            and not self.is_dirty()
        ):
            event.ignore()
            return True
        return super().eventFilter(watched, event)

    def show_action(
        self, action: ActionRow | None, bassins: list[BassinRef], history: list[JournalLine]
    ) -> None:
        self.action_row = action
        self.content.setVisible(action is not None)
        self.empty.setVisible(action is None)
        if action is None:
            return
        if [e.bassin for e in self.editors] != list(bassins):
            self.set_bassins(bassins)
        # l'intitulé d'abord (c'est ce que l'annexe donne), le code attribué par l'application après
        self.title.setText(
            f"<b>{_e(action.intitule)}</b> <span style='color:{MUTED}'>{_e(action.code)}</span>"
        )
        ech = action.echeance
        late = any(c.overdue for c in action.statuses.values())
        badge = f" <span style='color:{DANGER};font-weight:600'>— en retard</span>" if late else ""
        ech_label = _e(ech.label) if ech.label else "<i>non renseignée</i>"
        pilotes = _e(action.pilotes_label) if action.pilotes_label else "<i>non précisés</i>"
        orgs = f" ({', '.join(action.pilotes)})" if action.pilotes else ""
        self.summary.setText(
            f"<span style='color:#667085'>{_e(action.axe_code)} · {_e(action.axe_title)} › "
            f"{_e(action.cible_code)}</span><br>"
            f"<b>Échéance :</b> {ech_label} <span style='color:#667085'>({_e(ech.describe())})</span>{badge}<br>"
            f"<b>Pilotes :</b> {pilotes}{orgs}"
        )
        self.reload_editors()
        self.text.setHtml(self._details_html(action, history))

    def show_indicators(self, linked: list[Any]) -> None:
        """Indicateurs liés à l'action affichée (``roadmap_app.indicators.model.action_indicators``)."""
        self.indicators.show_indicators(linked)

    def reload_editors(self) -> None:
        action = self.action_row
        for ed in self.editors:
            ed.load(None if action is None else action.statuses.get(ed.bassin.id))
        self._update_buttons()

    @staticmethod
    def _details_html(a: ActionRow, history: list[JournalLine]) -> str:
        def para(text: str) -> str:
            return (
                _e(text).replace("\n", "<br>")
                if text
                else "<i style='color:#98A2B3'>Non renseigné</i>"
            )

        sections = [
            ("Cible opérationnelle", a.cible_title),
            ("Plan d'actions 2024", a.plan_actions),
            ("Actions pré-existantes", a.actions_preexistantes),
            ("Indicateurs de suivi – TDB national", a.indicateurs_tdb),
            ("Indicateurs de suivi – autres", a.indicateurs_autres),
            ("Commentaires", a.commentaires),
        ]
        parts = [
            "<style>h3{color:#14325C;font-size:11pt;margin:10px 0 2px 0}"
            "p{margin:0 0 4px 0}.muted{color:#667085}</style>"
        ]
        for title, text in sections:
            parts.append(f"<h3>{_e(title)}</h3><p>{para(text)}</p>")
        parts.append("<h3>Historique</h3>")
        if history:
            seen: list[str] = []
            for h in history:
                line = (
                    f"{h.ts.astimezone():%d/%m/%Y %H:%M} — {_e(h.author)} : {_e(h.operation_label)}"
                )
                if line not in seen:
                    seen.append(line)
            parts.append("<p>" + "<br>".join(seen[:15]) + "</p>")
        else:
            parts.append("<p class='muted'>Aucune modification depuis la création de la base.</p>")
        note = f"<br>Transcription : {_e(a.transcription_note)}" if a.transcription_note else ""
        parts.append(f"<p class='muted'>Source : {_e(a.source)}{note}</p>")
        return "".join(parts)

    # -- édition ----------------------------------------------------------------------
    def edits(self) -> list[CellEdit]:
        return [e for ed in self.editors if ed.dirty() and (e := ed.edit()) is not None]

    def is_dirty(self) -> bool:
        return any(ed.dirty() for ed in self.editors)

    def _update_buttons(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        for ed in self.editors:
            ed.refresh_name()

    def request_save(self) -> None:
        edits = self.edits()
        if self.action_row is not None and edits:
            self.save_requested.emit(self.action_row, edits)

    def editor(self, bassin_id: int) -> CellEditor:
        return next(ed for ed in self.editors if ed.bassin.id == bassin_id)
