"""Revue en séance (atelier) : une action à la fois, en grand, pilotée au clavier, pour un vidéoprojecteur.

Raccourcis : ←/→ (ou Page préc./suiv.) action précédente/suivante ; 1 à 6 statut ; + et − avancement
de 10 en 10 ; N note ; Entrée ou Ctrl+S enregistrer ; Échap fermer. Les changements sont enregistrés
en passant à l'action suivante et rattachés à l'atelier dans le journal.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from html import escape

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QResizeEvent, QScreen, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import StaleDataError, StoreError, UserError
from roadmap_app.plan import statuses as status_rules
from roadmap_app.plan.read import ActionRow, load_action, load_plan
from roadmap_app.plan.status import update_status
from roadmap_app.workshops.ateliers import AtelierInfo, changes_during
from ui.style import DANGER, MUTED, status_icon
from ui.widgets.elided_combo import ElidedComboBox

ALL = "__tous__"
NO_PROGRESS = -1


def review_style(scale: float) -> str:
    """Feuille de style de la revue pour un facteur d'échelle (1 : fenêtre de 1 280 × 720)."""

    def pt(size: float) -> str:
        return f"{size * scale:.1f}pt"

    checked = "".join(
        f"QPushButton#status_{st.value}:checked {{ background: {info.color}; color: {info.text_color};"
        " font-weight: 700; border: 3px solid #101828; }"
        for st in status_rules.ORDERED
        if (info := status_rules.info(st.value))
    )
    return (
        f"QDialog#reviewDialog, QLabel, QLineEdit, QSpinBox, QComboBox, QPushButton, QListWidget,"
        f" QTabBar {{ font-size: {pt(15)}; }}"
        f"QLabel#reviewHeader, QLabel#reviewPosition {{ font-size: {pt(13)}; color: #344054; }}"
        f"QLabel#reviewPosition {{ font-weight: 600; }}"
        f"QLabel#reviewTitle {{ font-size: {pt(21)}; color: #101828; }}"
        f"QTextBrowser#reviewText {{ font-size: {pt(14)}; }}"
        f"QListWidget#reviewChanges {{ font-size: {pt(12)}; }}"
        f"QPushButton[status] {{ padding: {round(6 * scale)}px; min-height: {round(36 * scale)}px; }}"
        f"QLineEdit, QSpinBox {{ min-height: {round(30 * scale)}px; }}" + checked
    )


class ReviewDialog(QDialog):
    def __init__(
        self, ctx: AppContext, atelier: AtelierInfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.atelier = atelier
        self.setObjectName("reviewDialog")
        self.setWindowTitle(f"Revue en séance — {atelier.label}")
        plan = load_plan(ctx)
        if atelier.bassin_id is None:
            raise UserError(
                "Cet atelier n'est rattaché à aucun bassin : la revue se fait bassin par bassin."
            )
        self.bassin = plan.bassin(atelier.bassin_id)
        self.all_actions = [a for a in plan.actions() if self.bassin.id in a.statuses]
        self.shown = list(self.all_actions)
        self.index = 0
        self.saved = 0

        self.header = QLabel()
        self.header.setObjectName("reviewHeader")
        self.header.setWordWrap(True)
        self.axe = ElidedComboBox(tip="Axe passé en revue")
        self.axe.addItem("Tous les axes", ALL)
        for axe in plan.axes:
            self.axe.addItem(f"{axe.code} – {axe.title}", axe.code)
        self.axe.currentIndexChanged.connect(self._filter)
        self.position = QLabel()
        self.position.setObjectName("reviewPosition")
        self.title = QLabel()
        self.title.setObjectName("reviewTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.text = QTextBrowser()
        self.text.setObjectName("reviewText")

        self.status_group = QButtonGroup(self)
        self.status_group.setExclusive(True)
        self.status_group.idClicked.connect(self._status_picked)
        self.status_row = status_row = QGridLayout()
        self.status_buttons: list[QPushButton] = []
        for i, st in enumerate(status_rules.ORDERED):
            b = QPushButton(f"{i + 1}  {status_rules.label(st)}")
            b.setCheckable(True)
            b.setAutoDefault(False)  # Entrée ne doit jamais « cliquer » un statut
            b.setIcon(status_icon(st.value, 24))
            b.setProperty("status", st.value)
            b.setObjectName(f"status_{st.value}")
            b.setToolTip(f"Touche {i + 1}")
            self.status_group.addButton(b, i)
            self.status_buttons.append(b)
            # deux lignes de trois : de grandes cibles, et le libellé en gras tient à toute taille
            status_row.addWidget(b, i // 3, i % 3)
        self.progress = QSpinBox()
        self.progress.setRange(NO_PROGRESS, 100)
        self.progress.setSingleStep(10)
        self.progress.setSpecialValueText("—")
        self.progress.setSuffix(" %")
        self.progress.setToolTip("+ / − : 10 points")
        self.note = QLineEdit()
        self.note.setPlaceholderText("Aucune note — N pour écrire")
        edit_row = QHBoxLayout()
        edit_row.addWidget(QLabel("Avancement"))
        edit_row.addWidget(self.progress)
        edit_row.addWidget(QLabel("Note"))
        edit_row.addWidget(self.note, 1)

        self.prev_button = QPushButton("← Précédente")
        self.next_button = QPushButton("Suivante →")
        self.save_button = QPushButton("Enregistrer")
        self.save_button.setObjectName("primary")
        for b in (self.prev_button, self.next_button):
            b.setAutoDefault(False)
        self.save_button.setDefault(True)  # Entrée enregistre
        self.prev_button.clicked.connect(lambda: self.go_by(-1))
        self.next_button.clicked.connect(lambda: self.go_by(1))
        self.save_button.clicked.connect(self.save_current)
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addStretch(1)
        nav.addWidget(self.save_button)
        nav.addWidget(self.next_button)

        self.changes = QListWidget()
        self.changes.setObjectName("reviewChanges")
        self.changes.setWordWrap(True)
        self.screen_choice = QComboBox()
        self.screen_choice.setToolTip(
            "Écran de la revue (le vidéoprojecteur est souvent le second)"
        )
        self.screen_choice.activated.connect(self._screen_chosen)
        self.screen_label = QLabel("Écran")
        self.screen_label.setBuddy(self.screen_choice)
        self._fill_screens()
        # Le détail de l'action et les changements de l'atelier : côte à côte sur un grand écran,
        # en onglets sur un petit (1 024 × 768) ; ``_arrange`` choisit selon la largeur.
        self.side = QWidget()
        sl = QVBoxLayout(self.side)
        sl.setContentsMargins(0, 0, 0, 0)
        self.side_title = QLabel("<b>Changé pendant cet atelier</b>")
        sl.addWidget(self.side_title)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reviewTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.text, "Action")

        main = QWidget()
        ml = QVBoxLayout(main)
        ml.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        axe_label = QLabel("Axe")
        axe_label.setBuddy(self.axe)
        top.addWidget(axe_label)
        top.addWidget(self.axe, 1)
        top.addWidget(self.screen_label)
        top.addWidget(self.screen_choice)
        top.addWidget(self.position)
        ml.addLayout(top)
        ml.addWidget(self.title)
        ml.addWidget(self.facts)
        ml.addLayout(status_row)
        ml.addLayout(edit_row)
        ml.addWidget(self.tabs, 1)
        ml.addLayout(nav)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(main)
        self.split.addWidget(self.side)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 1)
        outer = QVBoxLayout(self)
        # la taille vient de l'écran ; la mise en page s'y adapte (``_arrange``) au lieu
        # d'imposer le minimum de la disposition large
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        outer.addWidget(self.split)
        self._wide: bool | None = None
        self._scale = 0.0

        keys: dict[Qt.Key, Callable[[], None]] = {
            Qt.Key.Key_Right: lambda: self.go_by(1), Qt.Key.Key_PageDown: lambda: self.go_by(1),
            Qt.Key.Key_Left: lambda: self.go_by(-1), Qt.Key.Key_PageUp: lambda: self.go_by(-1),
            Qt.Key.Key_Plus: lambda: self.step_progress(10), Qt.Key.Key_Minus: lambda: self.step_progress(-10),
            Qt.Key.Key_N: self._focus_note,
        }  # fmt: skip
        for i in range(len(status_rules.ORDERED)):
            keys[getattr(Qt.Key, f"Key_{i + 1}")] = partial(self.set_status, i)
        self._shortcuts = [QShortcut(QKeySequence(k), self, f) for k, f in keys.items()]
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_current)
        self.note.returnPressed.connect(self._note_done)
        self.header.setText(
            f"<b>{escape(atelier.title)}</b> — {escape(self.bassin.name)} — {atelier.date:%d/%m/%Y}"
            + (f" — {escape(atelier.place)}" if atelier.place else "")
        )
        QShortcut(QKeySequence(Qt.Key.Key_F11), self, self.toggle_full_screen)
        self.resize(1280, 720)
        self._arrange()
        self.show_current()
        self._refresh_changes()

    # -- écran, mise en page et taille du texte ------------------------------------------
    def present(self, screen: QScreen | None = None) -> None:
        """Ouvre la revue en plein écran sur ``screen`` (par défaut : l'écran de la fenêtre
        principale ; l'utilisateur peut en choisir un autre dans la revue)."""
        parent = self.parentWidget()
        self.place_on(screen or (parent.screen() if parent is not None else self.screen()))
        self.setWindowState(self.windowState() | Qt.WindowState.WindowFullScreen)
        self.open()

    def place_on(self, screen: QScreen) -> None:
        self.setGeometry(screen.geometry())
        handle = self.windowHandle()
        if handle is not None:
            handle.setScreen(screen)
        i = QGuiApplication.screens().index(screen) if screen in QGuiApplication.screens() else -1
        if i >= 0:
            self.screen_choice.setCurrentIndex(i)

    def _fill_screens(self) -> None:
        screens = QGuiApplication.screens()
        self.screen_choice.clear()
        for i, sc in enumerate(screens):
            size = sc.size()
            self.screen_choice.addItem(f"{i + 1} — {size.width()}×{size.height()}", i)
            self.screen_choice.setItemData(i, sc.name(), Qt.ItemDataRole.ToolTipRole)
        several = len(screens) > 1  # un seul écran : rien à choisir
        self.screen_choice.setVisible(several)
        self.screen_label.setVisible(several)

    def _screen_chosen(self, index: int) -> None:
        screens = QGuiApplication.screens()
        if 0 <= index < len(screens):
            full = bool(self.windowState() & Qt.WindowState.WindowFullScreen)
            self.showNormal()
            self.place_on(screens[index])
            if full:
                self.showFullScreen()

    def toggle_full_screen(self) -> None:
        if self.windowState() & Qt.WindowState.WindowFullScreen:
            self.showNormal()
        else:
            self.showFullScreen()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        """Taille du texte proportionnelle à la fenêtre (1 280 × 720 : 15 pt) ; changements de
        l'atelier à côté de l'action sur un grand écran, en onglet sur un petit."""
        w, h = self.width(), self.height()
        scale = max(0.75, min(w / 1280, h / 720, 1.6))
        wide = w >= 1400
        if abs(scale - self._scale) > 0.02:
            self._scale = scale
            self.setStyleSheet(review_style(scale))
            for b in self.status_buttons:
                b.setIconSize(QSize(round(20 * scale), round(20 * scale)))
        if wide == self._wide:
            return
        self._wide = wide
        if wide:
            self.tabs.removeTab(self.tabs.indexOf(self.changes))
            side = self.side.layout()
            assert side is not None
            side.addWidget(self.changes)
            self.changes.show()
            self.side.show()
            self.tabs.tabBar().hide()
            total = max(self.split.width(), w - 40)
            self.split.setSizes([total * 3 // 4, total // 4])
        else:
            self.side.hide()
            self.tabs.addTab(self.changes, "Changé pendant cet atelier")
            self.tabs.tabBar().show()

    # -- affichage -----------------------------------------------------------------
    @property
    def current(self) -> ActionRow | None:
        return self.shown[self.index] if self.shown else None

    def _filter(self) -> None:
        self.save_current()
        axe = self.axe.currentData()
        self.shown = [a for a in self.all_actions if axe in (None, ALL) or a.axe_code == axe]
        self.index = 0
        self.show_current()

    def show_current(self) -> None:
        a = self.current
        enabled = a is not None
        for w in (self.progress, self.note, self.save_button, self.prev_button, self.next_button):
            w.setEnabled(enabled)
        if a is None:
            self.title.setText("Aucune action pour ce filtre.")
            return
        cell = a.statuses[self.bassin.id]
        self.position.setText(f"{self.index + 1} / {len(self.shown)}")
        # l'intitulé d'abord, le code attribué par l'application en gris après
        self.title.setText(
            f"<b>{escape(a.intitule)}</b> <span style='color:{MUTED}'>{escape(a.code)}</span>"
        )
        late = (
            f" <span style='color:{DANGER};font-weight:700'>— EN RETARD</span>"
            if cell.overdue
            else ""
        )
        self.facts.setText(
            f"<span style='color:#667085'>{escape(a.cible_code)} · {escape(a.cible_title)}</span><br>"
            f"<b>Échéance :</b> {escape(a.echeance.label or 'non renseignée')}{late} &nbsp; "
            f"<b>Pilotes :</b> {escape(a.pilotes_label or '—')}"
        )
        self.text.setHtml(
            "".join(
                f"<h3>{t}</h3><p>{escape(v).replace(chr(10), '<br>')}</p>"
                for t, v in (
                    ("Plan d'actions", a.plan_actions),
                    ("Actions pré-existantes", a.actions_preexistantes),
                    ("Commentaires", a.commentaires),
                )
                if v
            )
            + self._indicators_html(a)
        )
        self.status_group.button(
            status_rules.ORDERED.index(status_rules.info(cell.status).status)
        ).setChecked(True)
        self.progress.setValue(NO_PROGRESS if cell.progress is None else cell.progress)
        self.note.setText(cell.note)
        self.note.setCursorPosition(0)  # le début de la note, pas sa fin
        self.prev_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(self.shown) - 1)

    def _indicators_html(self, a: ActionRow) -> str:
        """« Indicateurs de suivi » de l'action pour le bassin de l'atelier : dernière valeur, cible
        en vigueur, statut en couleur et en texte (l'action marche-t-elle ?) ; rien sans lien."""
        from roadmap_app.indicators.model import (
            LINK_KINDS,
            action_indicators,
            format_value,
            target_phrase,
            value_phrase,
        )
        from ui.widgets.indicator_box import STATUS_COLORS, STATUS_MARKS

        linked = action_indicators(self.ctx, a.id, [(self.bassin.id, self.bassin.name)])
        lines = []
        for item in linked:
            d = item.indicator
            for st in item.states:
                value = f"{format_value(d, st.last.value)} {value_phrase(d, st.last.day)}" if st.last else "pas de valeur"
                target = target_phrase(st)
                where = "" if st.bassin_id is not None else f" ({escape(st.where)})"
                color = STATUS_COLORS.get(st.status, MUTED)
                lines.append(
                    f"<p><b>{escape(d.label)}</b> <span style='color:{MUTED}'>{escape(d.code)} · "
                    f"{escape(LINK_KINDS.get(item.kind, item.kind))}</span>{where}<br>"
                    f"{escape(value)} — {escape(target)} — <span style='color:{color};font-weight:700'>"
                    f"{STATUS_MARKS.get(st.status, '')} {escape(st.status)}</span></p>"
                )  # fmt: skip
        return "<h3>Indicateurs de suivi</h3>" + "".join(lines) if lines else ""

    def _refresh_changes(self) -> None:
        self.changes.clear()
        seen: list[str] = []
        for line in changes_during(self.ctx, self.atelier.id):
            text = f"{line.ts.astimezone():%H:%M} — {line.operation_label}"
            if text not in seen:
                seen.append(text)
        self.changes.addItems(seen)
        i = self.tabs.indexOf(self.changes)
        if i >= 0:
            self.tabs.setTabText(i, f"Changé pendant cet atelier ({len(seen)})")

    # -- édition -------------------------------------------------------------------
    def set_status(self, index: int) -> None:
        if 0 <= index < len(status_rules.ORDERED):
            self.status_group.button(index).setChecked(True)
            self._status_picked(index)

    def _status_picked(self, index: int) -> None:
        """« Réalisé » propose 100 % (modifiable ensuite avec + et −)."""
        if status_rules.ORDERED[index].value == "realise" and self.progress.value() != 100:
            self.progress.setValue(100)

    def selected_status(self) -> str:
        button = self.status_group.checkedButton()
        assert button is not None  # un statut est toujours coché
        return str(button.property("status"))

    def step_progress(self, delta: int) -> None:
        value = self.progress.value()
        if value == NO_PROGRESS:
            value = 0 if delta > 0 else NO_PROGRESS
            if delta > 0:
                self.progress.setValue(min(delta, 100))
            return
        self.progress.setValue(max(0, min(100, value + delta)))

    def _focus_note(self) -> None:
        self.note.setFocus()
        self.note.selectAll()

    def _note_done(self) -> None:
        self.save_current()
        self.setFocus()

    def dirty(self) -> bool:
        a = self.current
        if a is None:
            return False
        cell = a.statuses[self.bassin.id]
        progress = None if self.progress.value() == NO_PROGRESS else self.progress.value()
        return (self.selected_status(), progress, self.note.text().strip()) != (
            cell.status,
            cell.progress,
            cell.note,
        )

    def save_current(self) -> bool:
        a = self.current
        if a is None or not self.dirty():
            return True
        cell = a.statuses[self.bassin.id]
        progress = None if self.progress.value() == NO_PROGRESS else self.progress.value()
        try:
            update_status(
                self.ctx, a.code, self.bassin.id, status=self.selected_status(), progress=progress,
                note=self.note.text(), expected_version=cell.version, atelier_id=self.atelier.id,
                base={"status": cell.status, "progress": cell.progress, "note": cell.note},
            )  # fmt: skip
        except StaleDataError as err:
            QMessageBox.warning(self, "Modifiée entre-temps", str(err))
            self._reload(a)
            return False
        except (UserError, StoreError) as err:
            QMessageBox.warning(self, "Enregistrement impossible", str(err))
            return False
        self.saved += 1
        self._reload(a)
        self._refresh_changes()
        return True

    def _reload(self, a: ActionRow) -> None:
        fresh = load_action(self.ctx, a.id)
        for lst in (self.shown, self.all_actions):
            for i, x in enumerate(lst):
                if x.id == a.id:
                    lst[i] = fresh
        self.show_current()

    def go_by(self, step: int) -> None:
        if not self.save_current():
            return
        target = self.index + step
        if 0 <= target < len(self.shown):
            self.index = target
            self.show_current()

    def done(self, result: int) -> None:  # fermeture (Échap compris) : rien n'est perdu
        self.save_current()
        super().done(result)
