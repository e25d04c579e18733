"""Boîtes des indicateurs de suivi : « Lier un indicateur… » et « Saisir une valeur… » (panneau
de détail d'une action) ; « Nouvel indicateur… », « Modifier l'indicateur… », « Référence et
cibles… » (page Indicateurs, et « Nouvel indicateur… » depuis « Lier un indicateur… »)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import StoreError, UserError
from roadmap_app.core.formatting import plural
from ui.dialogs.base import FormDialog, fit_to_screen
from ui.style import DANGER


def _describe(d: Any) -> str:
    from roadmap_app.indicators.model import PROVENANCES

    where = "flux mensuel" if d.is_flow else PROVENANCES.get(d.provenance, d.provenance)
    return f"{d.label} ({d.code} ; {where}, {d.unit})"


class LinkIndicatorDialog(FormDialog):
    """Choisir un indicateur (national, flux ou défini) et la colonne : TDB national ou Autres."""

    def __init__(self, ctx: AppContext, action_code: str, roadmap_id: int, linked_ids: set[int],
                 parent: QWidget | None = None) -> None:  # fmt: skip
        from roadmap_app.indicators.model import load_definitions

        super().__init__(f"Lier un indicateur à {action_code}", "Lier", self._submit_link, parent)
        self.ctx, self.action_code, self.roadmap_id = ctx, action_code, roadmap_id
        self.all_defs = [d for d in load_definitions(ctx, roadmap_id) if d.id not in linked_ids]
        self.defs = list(self.all_defs)  # ceux que la recherche montre, dans l'ordre de la liste
        # recherche sur le code et le libellé (« M5 », « retour à l'emploi »), accents et casse
        # ignorés comme partout ; la liste ne garde que ce qui correspond
        self.search = QLineEdit()
        self.search.setAccessibleName("Rechercher un indicateur")
        self.search.setPlaceholderText("Code ou libellé : M5, retour à l'emploi…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)  # flèches haut et bas : l'indicateur choisi
        self.indicator = QComboBox()
        self.indicator.setAccessibleName("Indicateur")
        self._fill()
        self.kind = QComboBox()
        self.kind.setAccessibleName("Colonne de la feuille de route")
        self.kind.addItem("TDB national", "tdb")
        self.kind.addItem("Autres", "autre")
        self.indicator.currentIndexChanged.connect(self._suggest_kind)
        self.definition = QLabel()
        self.definition.setWordWrap(True)
        self.definition.setObjectName("muted")
        self.new_button = QPushButton("&Nouvel indicateur…")
        self.new_button.setToolTip("Définir un indicateur pour la feuille de route, puis le lier")
        self.new_button.clicked.connect(self.new_indicator)
        self.new_button.setAutoDefault(False)
        self.buttons.addButton(self.new_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.found = QLabel(self._available())  # la ligne sous la liste n'est jamais un trou
        self.found.setObjectName("muted")
        form = QFormLayout()
        form.addRow("&Rechercher", self.search)
        form.addRow("&Indicateur", self.indicator)
        form.addRow("", self.found)
        form.addRow("&Colonne", self.kind)
        self.body.addLayout(form)
        self.body.addWidget(self.definition)
        self._suggest_kind()
        self.created: IndicatorDialog | None = None
        fit_to_screen(self, 680, 260)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        """Dans la recherche, flèche haut ou bas change l'indicateur choisi : taper « M5 », puis
        Entrée, lie sans quitter le clavier."""
        from PySide6.QtCore import QEvent

        if watched is self.search and event.type() == QEvent.Type.KeyPress and event.key() in (
            Qt.Key.Key_Up, Qt.Key.Key_Down):  # fmt: skip
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            self.indicator.setCurrentIndex(max(0, min(self.indicator.currentIndex() + step, self.indicator.count() - 1)))
            return True
        return super().eventFilter(watched, event)

    def _available(self) -> str:
        n = len(self.all_defs)
        return "Tous les indicateurs sont déjà liés à cette action." if not n else (
            f"{plural(n, 'indicateur', 'indicateurs')} à lier ; tapez un code ou des mots pour chercher")

    def _fill(self) -> None:
        self.indicator.blockSignals(True)
        self.indicator.clear()
        for d in self.defs:
            self.indicator.addItem(_describe(d), d.id)
            self.indicator.setItemData(self.indicator.count() - 1, d.definition, 3)  # infobulle
        self.indicator.blockSignals(False)

    def _filter(self, query: str) -> None:
        """Ne garde que les indicateurs dont le code ou le libellé contient les mots cherchés ;
        l'indicateur choisi le reste s'il correspond."""
        from roadmap_app.indicators.model import matches

        chosen = self.current()
        self.defs = [d for d in self.all_defs if matches(d, query)]
        self._fill()
        index = next((i for i, d in enumerate(self.defs) if chosen is not None and d.id == chosen.id), 0)
        self.indicator.setCurrentIndex(index if self.defs else -1)
        self.found.setText(self._available() if not query.strip() else
                           f"{len(self.defs)} indicateur(s) sur {len(self.all_defs)}" if self.defs
                           else f"Aucun indicateur ne correspond à « {query.strip()} ».")  # fmt: skip
        self._suggest_kind()

    def new_indicator(self) -> IndicatorDialog:
        """Définit un indicateur puis le choisit dans la liste : créer et lier d'un même geste."""
        dialog = IndicatorDialog(self.ctx, self.roadmap_id, None, self)
        dialog.accepted.connect(lambda: self._created(dialog.result_value))
        self.created = dialog
        dialog.open()
        return dialog

    def _created(self, d: Any) -> None:
        if d is None:
            return
        self.all_defs.append(d)
        self.search.blockSignals(True)
        self.search.clear()  # l'indicateur créé est montré et choisi, quelle que soit la recherche
        self.search.blockSignals(False)
        self.found.clear()
        self.defs = list(self.all_defs)
        self._fill()
        self.indicator.setCurrentIndex(self.indicator.count() - 1)
        self._suggest_kind()
        self.ok_button.setFocus()

    def _suggest_kind(self) -> None:
        d = self.current()
        if d is None:
            self.definition.clear()
            return
        self.kind.setCurrentIndex(0 if d.link_kind == "tdb" else 1)
        self.definition.setText(d.definition)

    def current(self) -> Any:
        i = self.indicator.currentIndex()
        return self.defs[i] if 0 <= i < len(self.defs) else None

    def validate(self) -> str | None:
        if self.current() is not None:
            return None
        if self.all_defs:
            return "Aucun indicateur ne correspond à la recherche : changez-la ou effacez-la."
        return "Tous les indicateurs sont déjà liés à cette action."

    @staticmethod
    def _submit_link(dialog: FormDialog) -> str | None:
        assert isinstance(dialog, LinkIndicatorDialog)
        from roadmap_app.indicators.service import link

        try:
            link(dialog.ctx, dialog.action_code, dialog.current().id, kind=str(dialog.kind.currentData()),
                 roadmap=dialog.roadmap_id)  # fmt: skip
        except (UserError, StoreError) as err:
            return str(err)
        return None


class IndicatorValueDialog(FormDialog):
    """Une valeur mesurée : indicateur lié, bassin, date, valeur (corriger : valeur déjà saisie)."""

    def __init__(self, ctx: AppContext, linked: list[Any], bassins: list[Any], parent: QWidget | None = None) -> None:
        super().__init__("Saisir une valeur", "Enregistrer", self._submit_value, parent)
        self.ctx, self.linked, self.bassins = ctx, linked, bassins
        self.indicator = QComboBox()
        self.indicator.setAccessibleName("Indicateur")
        for one in linked:
            self.indicator.addItem(_describe(one.indicator), one.indicator.id)
        self.indicator.setEnabled(len(linked) > 1)  # depuis la page Indicateurs : celui qu'on a choisi
        self.bassin = QComboBox()
        self.bassin.setAccessibleName("Bassin")
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        today = ctx.today()
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.value = QLineEdit()
        self.value.setAccessibleName("Valeur")
        self.value.setPlaceholderText("par exemple 52 ou 12,5")
        self.replace = QCheckBox("Corriger la valeur déjà saisie pour cette date")
        self.hint = QLabel()
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Indicateur", self.indicator)
        form.addRow("&Bassin", self.bassin)
        form.addRow("&Date", self.day)
        form.addRow("&Valeur", self.value)
        self.body.addLayout(form)
        self.body.addWidget(self.replace)
        self.body.addWidget(self.hint)
        self.indicator.currentIndexChanged.connect(self._indicator_changed)
        self._indicator_changed()
        self.resize(560, 260)
        # la saisie commence par la valeur (indicateur et bassin sont le plus souvent déjà les bons ;
        # Alt+I, Alt+B, Alt+D pour les changer) : « 52 » puis Entrée suffit
        self.value.setFocus()

    def current(self) -> Any:
        i = self.indicator.currentIndex()
        return self.linked[i].indicator if 0 <= i < len(self.linked) else None

    def _indicator_changed(self) -> None:
        from roadmap_app.indicators.model import FREQUENCIES

        d = self.current()
        self.bassin.clear()
        if d is None:
            return
        if d.per_bassin:
            for b in self.bassins:
                self.bassin.addItem(b.name, b.id)
        else:
            self.bassin.addItem("Tout le plan", None)
        self.bassin.setEnabled(d.per_bassin)
        period = "mois" if d.is_flow else FREQUENCIES.get(d.frequency, "")
        self.hint.setText(f"Unité : {d.unit} ; valeur {period} (datée du début de la période)."
                          if d.frequency != "free" or d.is_flow else f"Unité : {d.unit}.")  # fmt: skip

    def validate(self) -> str | None:
        from roadmap_app.flows.io import parse_number

        try:
            v = parse_number(self.value.text())
        except ValueError:
            v = None
        if v is None:
            return f"Valeur « {self.value.text()} » : saisissez un nombre."
        return None

    def entered(self) -> tuple[Any, int | None, date, float]:
        from roadmap_app.flows.io import parse_number

        q = self.day.date()
        value = parse_number(self.value.text())
        assert value is not None
        return self.current(), self.bassin.currentData(), date(q.year(), q.month(), q.day()), value

    @staticmethod
    def _submit_value(dialog: FormDialog) -> str | None:
        assert isinstance(dialog, IndicatorValueDialog)
        from roadmap_app.indicators.service import set_value

        d, bassin_id, day, value = dialog.entered()
        try:
            set_value(dialog.ctx, d.id, value, day, bassin=bassin_id, replace=dialog.replace.isChecked())
        except (UserError, StoreError) as err:
            return str(err)
        return None


# -- définir, modifier --------------------------------------------------------------------------------
_STOP_WORDS = {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "par", "pour", "sur",
               "un", "une"}  # fmt: skip


def suggest_code(label: str, taken: set[str]) -> str:
    """Code proposé d'après le libellé : initiales des mots (les nombres entiers), en majuscules ;
    « Part des ARSA reçus en 15 jours » → « PAR15J » (« PAR15J-2 » s'il est pris)."""
    import re

    from roadmap_app.core.text import fold

    words = [w for w in re.findall(r"[a-z0-9]+", fold(label)) if w not in _STOP_WORDS]
    base = "".join(w if w.isdigit() else w[0] for w in words).upper()[:12]
    if not base:
        return ""
    code, n = base, 2
    while fold(code) in taken:
        code, n = f"{base}-{n}", n + 1
    return code


def _combo(name: str, items: dict[str, str] | tuple[str, ...]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for key in items:
        combo.addItem(items[key] if isinstance(items, dict) else key, key)
    return combo


class IndicatorDialog(FormDialog):
    """« Nouvel indicateur… » (``indicator`` nul) ou « Modifier l'indicateur… » : libellé, code
    (proposé d'après le libellé ; fixé une fois créé), définition, unité, sens, fréquence, portée,
    source. Un indicateur national ou un flux s'affiche en lecture seule : sa définition est fixée."""

    def __init__(self, ctx: AppContext, roadmap_id: int | None, indicator: Any = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        from roadmap_app.indicators.model import (
            DIRECTIONS,
            FREQUENCIES,
            PROVENANCES,
            SCOPES,
            UNITS,
            load_definitions,
        )

        d = indicator
        locked = bool(d is not None and d.builtin)
        title = "Nouvel indicateur" if d is None else f"Indicateur « {d.label} » ({d.code})"
        super().__init__(title, "Créer" if d is None else "Enregistrer", self._submit_indicator, parent)
        self.ctx, self.roadmap_id, self.indicator, self.locked = ctx, roadmap_id, d, locked
        self._code_edited = d is not None
        from roadmap_app.core.text import fold

        self.taken = {fold(x.code) for x in load_definitions(ctx, archived=False)}
        self.label = QLineEdit()
        self.label.setAccessibleName("Libellé")
        self.label.setPlaceholderText("par exemple : Part des ARSA reçus en 15 jours")
        self.label.setMaxLength(300)
        self.code = QLineEdit()
        self.code.setAccessibleName("Code")
        self.code.setMaxLength(40)
        self.code.setPlaceholderText("proposé d'après le libellé")
        self.code.setToolTip("1 à 40 lettres, chiffres, tirets, points ou soulignés ; il ne change plus ensuite "
                             "(imports, instantanés, paquets d'atelier le citent)")  # fmt: skip
        self.definition = QPlainTextEdit()
        self.definition.setAccessibleName("Définition")
        self.definition.setPlaceholderText("Mode de calcul, source des données, périmètre…")
        self.definition.setTabChangesFocus(True)
        self.definition.setFixedHeight(72)
        self.unit = _combo("Unité", UNITS)
        self.direction = _combo("Sens", DIRECTIONS)
        self.frequency = _combo("Fréquence", FREQUENCIES)
        self.scope = _combo("Portée", SCOPES)
        self.provenance = _combo("Source", PROVENANCES)
        self.note = QLabel()
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Libellé", self.label)
        form.addRow("&Code", self.code)
        form.addRow("&Définition", self.definition)
        form.addRow("&Unité", self.unit)
        form.addRow("&Sens", self.direction)
        form.addRow("&Fréquence", self.frequency)
        form.addRow("&Portée", self.scope)
        form.addRow("S&ource", self.provenance)
        self.body.addLayout(form)
        self.body.addWidget(self.note)
        if d is None:
            self.frequency.setCurrentIndex(self.frequency.findData("free"))
            self.provenance.setCurrentIndex(self.provenance.findData("autre"))
            self.label.textChanged.connect(self._suggest)
            self.code.textEdited.connect(self._code_typed)
            self.note.setText("Valeurs datées du début de leur période (mois, trimestre, année) ; la portée "
                              "« par bassin » demande une valeur par bassin.")  # fmt: skip
        else:
            self.label.setText(d.label)
            self.code.setText(d.code)
            self.code.setReadOnly(True)
            self.definition.setPlainText(d.definition)
            for combo, value in ((self.unit, d.unit), (self.direction, d.direction), (self.frequency, d.frequency),
                                 (self.scope, d.scope), (self.provenance, d.provenance)):  # fmt: skip
                combo.setCurrentIndex(max(combo.findData(value), 0))
            if locked:
                self.label.setReadOnly(True)
                self.definition.setReadOnly(True)
                for combo in (self.unit, self.direction, self.frequency, self.scope, self.provenance):
                    combo.setEnabled(False)
                self.ok_button.hide()
                self.cancel_button.setText("Fermer")
                self.note.setText(f"{d.code} est {d.builtin} : sa définition est fixée et ne se modifie pas. "
                                  "Sa référence, ses cibles et ses valeurs se saisissent (« Référence et "
                                  "cibles… », « Saisir une valeur… »).")  # fmt: skip
            else:
                self.note.setText("Le code ne change pas. Une unité, une portée ou une fréquence que les "
                                  "valeurs déjà saisies ne respectent pas est refusée.")  # fmt: skip
        fit_to_screen(self, 600, 500)

    def _code_typed(self, _text: str) -> None:
        self._code_edited = bool(self.code.text().strip())

    def _suggest(self, text: str) -> None:
        if not self._code_edited:
            self.code.setText(suggest_code(text, self.taken))

    def validate(self) -> str | None:
        if not " ".join(self.label.text().split()):
            return "Le libellé est obligatoire."
        if not self.code.text().strip():
            return "Le code est obligatoire (1 à 40 lettres, chiffres, tirets, points ou soulignés)."
        return None

    def values(self) -> dict[str, Any]:
        return dict(label=self.label.text(), definition=self.definition.toPlainText(),
                    unit=str(self.unit.currentData()), direction=str(self.direction.currentData()),
                    frequency=str(self.frequency.currentData()), scope=str(self.scope.currentData()),
                    provenance=str(self.provenance.currentData()))  # fmt: skip

    @staticmethod
    def _submit_indicator(dialog: FormDialog) -> str | None:
        assert isinstance(dialog, IndicatorDialog)
        from roadmap_app.indicators import service as svc

        d = dialog.indicator
        if d is None:
            return dialog.service_submit(lambda: svc.add_indicator(dialog.ctx, dialog.code.text(),
                                                                   roadmap=dialog.roadmap_id, **dialog.values()))  # fmt: skip
        return dialog.service_submit(lambda: svc.update_indicator(dialog.ctx, d.id, expected_version=d.version,
                                                                  **dialog.values()))  # fmt: skip


# -- référence et cibles --------------------------------------------------------------------------------
class StepsDialog(FormDialog):
    """« Référence et cibles… » : les étapes déjà fixées (situation de référence, cibles par année
    ou à partir d'une date, par bassin ou communes) et la saisie d'une nouvelle. La boîte reste
    ouverte après chaque ajout (cible 2024, puis 2025…) ; ``changed`` le signale à la page."""

    changed = Signal(str)

    def __init__(self, ctx: AppContext, indicator: Any, parent: QWidget | None = None) -> None:
        super().__init__(f"Référence et cibles – {indicator.label} ({indicator.code})", "&Ajouter",
                         self._submit_step, parent)  # fmt: skip
        from roadmap_app.indicators.model import bassin_list
        from roadmap_app.indicators.service import suggested_target_year
        from roadmap_app.plan.timeline import volet3_period

        self.ctx, self.indicator = ctx, indicator
        self.bassins = bassin_list(ctx)
        self.volet = volet3_period(ctx)
        self.cancel_button.setText("Fermer")
        self.ok_button.setDefault(False)
        self.ok_button.setAutoDefault(False)
        d = indicator
        where = "par bassin" if d.per_bassin else "tout le plan"
        self.summary = QLabel(f"Unité : {d.unit} ; {where} ; {'plus haut, mieux' if d.direction == 'up' else 'plus bas, mieux'}.")
        self.summary.setObjectName("muted")
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("stepsTable")
        self.table.setHorizontalHeaderLabels(["Étape", "Bassin", "À partir du", "Valeur"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # une étape choisie se retire (fixée par erreur) ; pour la corriger, la même date et le même
        # bassin avec une autre valeur : « Ajouter » demande de confirmer le remplacement
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(120)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.remove_button = QPushButton("&Retirer l'étape choisie")
        self.remove_button.setAutoDefault(False)
        self.remove_button.setEnabled(False)
        self.remove_button.setToolTip("Retirer la référence ou la cible choisie dans la liste (Ctrl+Z la rétablit)")
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.baseline = QRadioButton("Situation de &référence")
        self.target = QRadioButton("&Cible")
        self.target.setChecked(True)
        # deux groupes exclusifs (les quatre boutons ont le même parent)
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.baseline)
        self.kind_group.addButton(self.target)
        kinds = QHBoxLayout()
        kinds.addWidget(self.baseline)
        kinds.addWidget(self.target)
        kinds.addStretch(1)
        self.by_year = QRadioButton("&Année")
        self.by_date = QRadioButton("À partir du")
        self.year = QSpinBox()
        self.year.setAccessibleName("Année")
        self.year.setRange(2010, 2040)
        # l'année qui suit la dernière cible, sinon l'année en cours, dans les années du volet 3
        self.year.setValue(suggested_target_year(ctx, indicator))
        self.day = QDateEdit()
        self.day.setAccessibleName("Date")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        # la date suit la sorte d'étape (1er janvier de l'année proposée pour une cible, 31/12 de
        # l'année avant le volet pour une référence) tant qu'on ne l'a pas changée à la main
        self.day_chosen = False
        self._default_day(baseline=False)
        self.day.dateChanged.connect(self._day_edited)
        self.by_year.setChecked(True)
        self.when_group = QButtonGroup(self)
        self.when_group.addButton(self.by_year)
        self.when_group.addButton(self.by_date)
        when = QHBoxLayout()
        when.addWidget(self.by_year)
        when.addWidget(self.year)
        when.addSpacing(12)
        when.addWidget(self.by_date)
        when.addWidget(self.day)
        when.addStretch(1)
        self.bassin = QComboBox()
        self.bassin.setAccessibleName("Bassin")
        if d.per_bassin:
            self.bassin.addItem("Tous les bassins", None)
            for bid, name in self.bassins:
                self.bassin.addItem(name, bid)
        else:
            self.bassin.addItem("Tout le plan", None)
            self.bassin.setEnabled(False)
        self.value = QLineEdit()
        self.value.setAccessibleName("Valeur")
        self.value.setPlaceholderText(f"en {d.unit}, par exemple 60")
        self.hint = QLabel("Une cible par année vaut à partir du 1er janvier ; une référence par année, au "
                           "31 décembre. Une nouvelle cible vaut à partir de sa date ; les valeurs d'avant "
                           "gardent l'ancienne.")  # fmt: skip
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        self.done_label = QLabel()
        self.done_label.setObjectName("muted")
        # une cible après la fin du volet 3 : dit avant l'ajout, confirmé à l'ajout
        self.late_label = QLabel()
        self.late_label.setObjectName("lateTarget")
        self.late_label.setWordWrap(True)
        self.late_label.setStyleSheet(f"color: {DANGER};")
        self.late_label.hide()
        form = QFormLayout()
        form.addRow("Étape", kinds)
        form.addRow("Quand", when)
        form.addRow("", self.late_label)
        form.addRow("&Bassin", self.bassin)
        form.addRow("&Valeur", self.value)
        self.body.addWidget(self.summary)
        self.body.addWidget(self.table, 1)
        remove_row = QHBoxLayout()
        remove_row.addStretch(1)
        remove_row.addWidget(self.remove_button)
        self.body.addLayout(remove_row)
        self.body.addLayout(form)
        self.body.addWidget(self.hint)
        self.body.addWidget(self.done_label)
        self.by_year.toggled.connect(self._when_changed)
        self.baseline.toggled.connect(self._kind_changed)
        self.year.valueChanged.connect(self._update_late)
        self.day.dateChanged.connect(self._update_late)
        self._when_changed()
        self.load_steps()
        fit_to_screen(self, 620, 560)

    def _kind_changed(self, baseline: bool) -> None:
        # une référence se donne le plus souvent à une date (situation au 31/12/2023)
        (self.by_date if baseline else self.by_year).setChecked(True)
        if not self.day_chosen:
            self._default_day(baseline)
        self._update_late()

    def _default_day(self, baseline: bool) -> None:
        day = date(self.volet[0].year - 1, 12, 31) if baseline else date(self.year.value(), 1, 1)
        self.day.blockSignals(True)
        self.day.setDate(QDate(day.year, day.month, day.day))
        self.day.blockSignals(False)

    def _day_edited(self, *_args: Any) -> None:
        self.day_chosen = True

    def _when_changed(self, *_args: Any) -> None:
        self.year.setEnabled(self.by_year.isChecked())
        self.day.setEnabled(self.by_date.isChecked())
        self._update_late()

    def chosen_when(self) -> tuple[date, int | None]:
        """Le début de l'étape saisie et son année (``None`` pour une date)."""
        if self.by_year.isChecked():
            year = self.year.value()
            return (date(year, 12, 31) if self.baseline.isChecked() else date(year, 1, 1)), year
        q = self.day.date()
        return date(q.year(), q.month(), q.day()), None

    def late_warning(self) -> str | None:
        """L'avertissement d'une cible qui commence après la fin du volet 3, sinon ``None``."""
        from roadmap_app.indicators.service import target_after_volet

        if self.baseline.isChecked():
            return None
        return target_after_volet(self.ctx, self.indicator, *self.chosen_when())

    def _update_late(self, *_args: Any) -> None:
        text = self.late_warning()
        self.late_label.setText(f"⚠ {text}" if text else "")
        self.late_label.setVisible(bool(text))

    def load_steps(self) -> None:
        from roadmap_app.indicators.model import format_value, load_series

        d = self.indicator
        _points, steps = load_series(self.ctx, [d])
        names = dict(self.bassins)
        rows = sorted((st for (ind, _b), lst in steps.items() if ind == d.id for st in lst),
                      key=lambda st: (st.kind != "baseline", st.effective_from, st.bassin_id or 0))  # fmt: skip
        self.steps = rows
        self.table.setRowCount(len(rows))
        everyone = "Tous les bassins" if d.per_bassin else "Tout le plan"
        for r, st in enumerate(rows):
            kind = "Référence" if st.kind == "baseline" else (f"Cible {st.year}" if st.year else "Cible")
            cells = (kind, names.get(st.bassin_id, everyone) if st.bassin_id is not None else everyone,
                     f"{st.effective_from:%d/%m/%Y}", format_value(d, st.value))  # fmt: skip
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        if not rows:
            self.table.setRowCount(1)
            empty = QTableWidgetItem("Ni référence ni cible pour l'instant.")
            self.table.setItem(0, 0, empty)
            self.table.setSpan(0, 0, 1, 4)
        else:
            self.table.clearSpans()
        self.table.clearSelection()
        self._selection_changed()

    def selected_step(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not self.steps or rows[0].row() >= len(self.steps):
            return None
        return self.steps[rows[0].row()]

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(self.selected_step() is not None and not self.indicator.is_flow
                                      and not self.ctx.store.read_only)  # fmt: skip

    def remove_selected(self) -> None:
        """Retire l'étape choisie (journalisé ; Ctrl+Z, boîte fermée, la rétablit)."""
        from roadmap_app.indicators.service import remove_step

        st = self.selected_step()
        if st is None:
            return
        problem = self.service_submit(lambda: remove_step(self.ctx, self.indicator.id, st.kind, st.effective_from,
                                                          bassin=st.bassin_id))  # fmt: skip
        if problem:
            self.show_error(problem)
            return
        self.show_error("")
        what = "Référence" if st.kind == "baseline" else "Cible"
        message = f"{what} {st.when(self.indicator)} retirée : {self.indicator.code} (Ctrl+Z pour la rétablir)"
        self.done_label.setText(message)
        self.load_steps()
        self.changed.emit(message)

    def validate(self) -> str | None:
        from roadmap_app.flows.io import parse_number

        try:
            v = parse_number(self.value.text())
        except ValueError:
            v = None
        return f"Valeur « {self.value.text()} » : saisissez un nombre." if v is None else None

    @staticmethod
    def _submit_step(dialog: FormDialog) -> str | None:
        """Ajoute l'étape ; si une étape est déjà fixée à cette date pour ce bassin, demande s'il
        faut la remplacer (une correction, annulable)."""
        assert isinstance(dialog, StepsDialog)
        from PySide6.QtWidgets import QMessageBox

        from roadmap_app.flows.io import parse_number
        from roadmap_app.indicators.model import format_value
        from roadmap_app.indicators.service import StepExistsError, set_step

        value = parse_number(dialog.value.text())
        assert value is not None
        kind = "baseline" if dialog.baseline.isChecked() else "target"
        day, year = dialog.chosen_when()
        when: dict[str, Any] = {"year": year} if year is not None else {"day": day}
        late = dialog.late_warning()
        if late:  # permise (prolongation de la convention), mais jamais en silence
            answer = QMessageBox.question(
                dialog, "Cible après la fin du volet 3", f"{late}\n\nEnregistrer cette cible quand même ?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
            )  # fmt: skip
            if answer != QMessageBox.StandardButton.Yes:
                first, last = dialog.volet
                return (f"Cible non enregistrée : choisissez une année du volet 3 ({first.year} à {last.year}) "
                        "ou confirmez la cible au-delà.")  # fmt: skip

        def write(replace: bool) -> Any:
            return set_step(dialog.ctx, dialog.indicator.id, kind, value, bassin=dialog.bassin.currentData(),
                            replace=replace, **when)  # fmt: skip

        try:
            dialog.result_value = write(False)
        except StepExistsError as err:
            d = dialog.indicator
            what = "la situation de référence" if kind == "baseline" else "la cible"
            answer = QMessageBox.question(
                dialog, "Corriger une étape",
                f"{what.capitalize()} ({dialog.bassin.currentText()}) vaut déjà {format_value(d, err.old)} à "
                f"cette date.\n\nLa remplacer par {format_value(d, value)} ? (Ctrl+Z l'annule.)",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
            )  # fmt: skip
            if answer != QMessageBox.StandardButton.Yes:
                return str(err).split(" ; ")[0] + " : rien n'a été changé."
            return dialog.service_submit(lambda: write(True))
        except (UserError, StoreError) as err:
            return str(err)
        return None

    def accept(self) -> None:
        """Ajoute l'étape et reste ouverte (la liste la montre) ; « Fermer » ferme."""
        problem = self.validate() or self._submit_step(self)
        if problem:
            self.show_error(problem)
            return
        self.show_error("")
        what = "Référence" if self.baseline.isChecked() else "Cible"
        message = f"{what} enregistrée : {self.indicator.code}, {self.bassin.currentText()} (Ctrl+Z pour annuler)"
        self.done_label.setText(message)
        self.value.clear()
        self.load_steps()
        self.changed.emit(message)


# -- lier à une action (depuis la page Indicateurs) ---------------------------------------------------
class LinkActionDialog(FormDialog):
    """« Lier à une action… » : l'indicateur choisi sur la page mesure une action de plus
    (intitulé d'abord, code ensuite) ; colonne TDB national ou Autres."""

    def __init__(self, ctx: AppContext, indicator: Any, linked_codes: set[str], parent: QWidget | None = None) -> None:
        from roadmap_app.plan.read import load_plan

        super().__init__(f"Lier « {indicator.label} » ({indicator.code}) à une action", "Lier",
                         self._submit_link, parent)  # fmt: skip
        self.ctx, self.indicator = ctx, indicator
        plan = load_plan(ctx)
        self.roadmap_id = plan.roadmap.id
        self.choices = [a for a in plan.active_actions() if a.code not in linked_codes]
        from ui.widgets.elided_combo import ElidedComboBox

        self.action = ElidedComboBox()
        self.action.setAccessibleName("Action")
        self.action.setMinimumContentsLength(30)
        for a in self.choices:
            self.action.addItem(f"{a.intitule} ({a.code})", a.code)
        # l'intitulé entier (abrégé dans la liste fermée), sa cible et son code
        self.chosen = QLabel()
        self.chosen.setWordWrap(True)
        self.action.currentIndexChanged.connect(self._show_action)
        self._show_action()
        self.kind = QComboBox()
        self.kind.setAccessibleName("Colonne de la feuille de route")
        self.kind.addItem("TDB national", "tdb")
        self.kind.addItem("Autres", "autre")
        self.kind.setCurrentIndex(0 if indicator.link_kind == "tdb" else 1)
        already = QLabel(f"Mesure déjà : {', '.join(sorted(linked_codes))}." if linked_codes
                         else "Cet indicateur ne mesure encore aucune action.")  # fmt: skip
        already.setObjectName("muted")
        already.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Action", self.action)
        form.addRow("", self.chosen)
        form.addRow("&Colonne", self.kind)
        self.body.addLayout(form)
        self.body.addWidget(already)
        fit_to_screen(self, 720, 240)

    def _show_action(self, *_args: Any) -> None:
        i = self.action.currentIndex()
        a = self.choices[i] if 0 <= i < len(self.choices) else None
        self.chosen.setText("" if a is None else f"{a.intitule} — {a.code}, cible {a.cible_code} ({a.axe_title})")

    def validate(self) -> str | None:
        return None if self.action.currentIndex() >= 0 else "Toutes les actions sont déjà mesurées par cet indicateur."

    @staticmethod
    def _submit_link(dialog: FormDialog) -> str | None:
        assert isinstance(dialog, LinkActionDialog)
        from roadmap_app.indicators.service import link

        return dialog.service_submit(lambda: link(dialog.ctx, str(dialog.action.currentData()), dialog.indicator.id,
                                                  kind=str(dialog.kind.currentData()), roadmap=dialog.roadmap_id))  # fmt: skip
