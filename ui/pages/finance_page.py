"""Page « Financement » : plan de financement, dépenses (annexe 3), consommation, versements, bilan.

Un volet à la fois (1, 2 ou 3). Toutes les données viennent des services ; chaque saisie passe
par un service journalisé (Ctrl+Z l'annule). L'export du bilan tourne hors du fil de l'interface.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from roadmap_app.core.context import AppContext
from roadmap_app.core.deadlines import Deadline, bilan_deadlines
from roadmap_app.core.domains import FINANCE
from roadmap_app.core.errors import StoreError, UserError
from roadmap_app.core.formatting import format_euros
from roadmap_app.finance import edit
from roadmap_app.finance.read import VoletFinance, list_volets, load_volet_finance
from ui.dialogs.expense_dialog import ExpenseDialog
from ui.dialogs.finance_dialogs import PaymentDialog, PlanLineDialog
from ui.models.finance_tables import (
    ROW_ROLE,
    ConsumptionTableModel,
    ExpenseTableModel,
    PaymentTableModel,
    PlanTableModel,
    plan_rows,
)
from ui.pages.base import Page
from ui.tasks import Task, TaskRunner
from ui.widgets.chart_view import ChartView
from ui.widgets.finance_header import FinanceHeader
from ui.widgets.tables import ask_bilan_destination, make_table

TAB_PLAN, TAB_EXPENSES, TAB_CONSUMPTION, TAB_PAYMENTS = range(4)


class FinancePage(Page):
    domains = frozenset({FINANCE})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.vf: VoletFinance | None = None
        self.deadlines: list[Deadline] = []
        self.tasks = TaskRunner()
        self.last_export: Any = None
        self._chart_dirty = True
        self._build()
        self.refresh()

    # -- construction --------------------------------------------------------------------
    def _build(self) -> None:
        title = QLabel("Financement")
        title.setObjectName("pageTitle")
        self.volet = QComboBox()
        self.volet.setAccessibleName("Volet")
        for v in list_volets(self.ctx):
            self.volet.addItem(v.title, v.number)
            self.volet.setItemData(self.volet.count() - 1, v.label, Qt.ItemDataRole.ToolTipRole)
        # le volet 3 (l'expérimentation suivie par l'application) est celui qu'on ouvre d'abord
        self.volet.setCurrentIndex(max(self.volet.findData(3), 0))
        volet_label = QLabel("&Volet :")
        volet_label.setBuddy(self.volet)
        self.export_button = QToolButton()
        self.export_button.setText("E&xporter le bilan…")
        self.export_button.setObjectName("primary")
        self.export_button.setToolTip(
            "Bilan financier (annexe 3) et bilan de mise en œuvre, en classeur .xlsx ou en PDF (Ctrl+E)"
        )
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        menu = QMenu(self.export_button)
        self.export_all_action = QAction("Bilan des trois volets…", self)
        self.export_volet_action = QAction("Bilan du volet affiché…", self)
        menu.addAction(self.export_all_action)
        menu.addAction(self.export_volet_action)
        self.export_button.setMenu(menu)
        self.export_button.clicked.connect(lambda: self.export_bilan(all_volets=True))
        self.export_all_action.triggered.connect(lambda: self.export_bilan(all_volets=True))
        self.export_volet_action.triggered.connect(lambda: self.export_bilan(all_volets=False))
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(16)
        head.addWidget(volet_label)
        head.addWidget(self.volet)
        head.addStretch(1)
        head.addWidget(self.export_button)

        self.header = FinanceHeader()

        self.tabs = QTabWidget()
        self.tabs.addTab(self._plan_tab(), "&Plan de financement")
        self.tabs.addTab(self._expenses_tab(), "&Dépenses")
        self.tabs.addTab(self._consumption_tab(), "C&onsommation")
        self.tabs.addTab(self._payments_tab(), "Versements de l'É&tat")
        self.tabs.currentChanged.connect(self._tab_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)

        self.volet.currentIndexChanged.connect(lambda _i: self.refresh())
        QShortcut(
            QKeySequence("Ctrl+E"), self, lambda: self.export_bilan(all_volets=True)
        ).setWhatsThis("Exporter le bilan")
        QShortcut(QKeySequence("Ctrl+N"), self, self._add_in_current_tab).setWhatsThis(
            "Ajouter (dépense, ligne ou versement, selon l'onglet)"
        )

    def _buttons(self, *specs: tuple[str, Any, str]) -> tuple[QHBoxLayout, list[QPushButton]]:
        row = QHBoxLayout()
        buttons = []
        for text, slot, tip in specs:
            b = QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            row.addWidget(b)
            buttons.append(b)
        row.addStretch(1)
        return row, buttons

    def _plan_tab(self) -> QWidget:
        w = QWidget()
        self.plan_model = PlanTableModel(self)
        self.plan_view, _ = make_table(self.plan_model)
        self.plan_view.setWordWrap(True)
        self.plan_view.doubleClicked.connect(lambda _i: self.edit_line())
        row, (self.edit_line_button,) = self._buttons(
            ("&Modifier la ligne…", self.edit_line, "Modifier la ligne sélectionnée (double-clic)"),
        )
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 8, 0, 0)
        lay.addLayout(row)
        lay.addWidget(self.plan_view, 1)
        return w

    def _expenses_tab(self) -> QWidget:
        w = QWidget()
        self.expense_model = ExpenseTableModel(self)
        self.expense_view, self.expense_proxy = make_table(self.expense_model, sortable=True)
        self.expense_view.doubleClicked.connect(lambda _i: self.edit_expense())
        self.line_filter = QComboBox()
        self.line_filter.setAccessibleName("Filtrer par ligne du plan")
        self.line_filter.currentIndexChanged.connect(self._filter_expenses)
        row, buttons = self._buttons(
            ("A&jouter…", self.add_expense, "Déclarer une dépense sur le modèle de l'annexe 3 (Ctrl+N)"),
            ("&Modifier…", self.edit_expense, "Modifier la dépense sélectionnée (double-clic)"),
            ("&Retirer", self.remove_expense, "Retirer la dépense (Suppr) ; Ctrl+Z l'annule"),
        )  # fmt: skip
        self.add_expense_button, self.edit_expense_button, self.remove_expense_button = buttons
        filter_label = QLabel("&Ligne :")
        filter_label.setBuddy(self.line_filter)
        row.addWidget(filter_label)
        row.addWidget(self.line_filter, 2)
        self.expense_count = QLabel()
        self.expense_count.setObjectName("resultCount")
        row.addWidget(self.expense_count)
        QShortcut(
            QKeySequence.StandardKey.Delete, self.expense_view, self.remove_expense
        ).setWhatsThis("Retirer la dépense sélectionnée")
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 8, 0, 0)
        lay.addLayout(row)
        lay.addWidget(self.expense_view, 1)
        return w

    def _consumption_tab(self) -> QWidget:
        self.consumption_model = ConsumptionTableModel(self)
        self.consumption_view, _ = make_table(self.consumption_model)
        self.consumption_view.doubleClicked.connect(self._show_line_expenses)
        self.consumption_view.setToolTip("Double-clic : voir les dépenses de la ligne")
        self.chart = ChartView("Le graphique s'affiche ici.", scrollable=True)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.consumption_view)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2)
        split.setSizes([100, 200])  # un tiers pour le tableau (il défile), le reste au graphique
        self.consumption_split = split
        return split

    def _payments_tab(self) -> QWidget:
        w = QWidget()
        self.payment_model = PaymentTableModel(self)
        self.payment_view, _ = make_table(self.payment_model)
        self.payment_view.doubleClicked.connect(lambda _i: self.edit_payment())
        self.payment_summary = QLabel()
        self.payment_summary.setTextFormat(Qt.TextFormat.RichText)
        self.payment_summary.setWordWrap(True)
        row, buttons = self._buttons(
            ("A&jouter…", self.add_payment, "Enregistrer un versement reçu ou un remboursement (Ctrl+N)"),
            ("&Modifier…", self.edit_payment, "Modifier le versement sélectionné"),
            ("&Retirer", self.remove_payment, "Retirer le versement ; Ctrl+Z l'annule"),
        )  # fmt: skip
        self.add_payment_button = buttons[0]
        self.payment_buttons = buttons
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 8, 0, 0)
        lay.addWidget(self.payment_summary)
        lay.addLayout(row)
        lay.addWidget(self.payment_view, 1)
        return w

    # -- données --------------------------------------------------------------------------
    @property
    def volet_number(self) -> int:
        return int(self.volet.currentData() or 3)

    def select_volet(self, number: int) -> None:
        self.volet.setCurrentIndex(max(self.volet.findData(number), 0))

    def write_controls(self) -> list[Any]:
        return [self.edit_line_button, self.add_expense_button, self.edit_expense_button,
                self.remove_expense_button, *self.payment_buttons]  # fmt: skip

    def refresh(self) -> None:
        self.vf = load_volet_finance(self.ctx, self.volet_number)
        self.deadlines = bilan_deadlines(self.ctx)
        vf = self.vf
        self.header.show_finance(vf, self.deadlines)
        self._update_plan(vf)
        self._update_expenses(vf)
        self.consumption_model.set_rows(vf.lines)
        self.payment_model.rate_pct = vf.volet.advance_rate_pct
        self.payment_model.set_rows(vf.payments)
        self._update_payment_summary(vf)
        self._chart_dirty = True
        if self.tabs.currentIndex() == TAB_CONSUMPTION and self.isVisible():
            self.update_chart()
        # Plan et consommation : les montants gardent leur largeur, les textes se partagent le
        # reste (à la ligne s'il le faut) : « Montant delta » reste visible à 1280 px sans
        # défilement horizontal. Les dépenses (10 colonnes) gardent des largeurs fixes.
        for view, stretch, widths in (
            (self.plan_view, (1, 2), {0: 170, 3: 80, 4: 80, 5: 80, 6: 120, 7: 120}),
            (self.consumption_view, (0, 6), {1: 115, 2: 115, 3: 115, 4: 70, 5: 85}),
            (self.expense_view, (), dict(enumerate([200, 180, 200, 60, 80, 110, 150, 160, 120]))),
            (self.payment_view, (), dict(enumerate([220, 100, 130, 200]))),
        ):
            header = view.horizontalHeader()
            for col, width in widths.items():
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
                view.setColumnWidth(col, width)
            for col in stretch:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
            if stretch:
                header.setStretchLastSection(False)
                # hauteurs refaites quand la largeur change (textes à la ligne)
                view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def _update_plan(self, vf: VoletFinance) -> None:
        rows = plan_rows(vf)
        self.plan_model.set_rows(rows)
        self.plan_view.clearSpans()
        self.plan_view.resizeRowsToContents()
        for i, row in enumerate(rows):
            if row.line is None:  # intitulé de section ou de total sur toute la largeur du texte
                self.plan_view.setSpan(i, 0, 1, 6)
                self.plan_view.setRowHeight(i, 28)
            elif self.plan_view.rowHeight(i) > 64:  # textes longs : trois lignes, le reste en bulle
                self.plan_view.setRowHeight(i, 64)

    def _update_expenses(self, vf: VoletFinance) -> None:
        current = self.line_filter.currentData()
        self.line_filter.blockSignals(True)
        self.line_filter.clear()
        self.line_filter.addItem("Toutes les lignes", None)
        for lc in vf.lines:
            self.line_filter.addItem(f"{lc.line.label} ({lc.expense_count})", lc.line.id)
        self.line_filter.setCurrentIndex(max(self.line_filter.findData(current), 0))
        self.line_filter.blockSignals(False)
        self.expense_model.set_rows(vf.expenses)
        self._filter_expenses()
        self.tabs.setTabText(TAB_EXPENSES, f"&Dépenses ({len(vf.expenses)})")
        self.tabs.setTabText(TAB_PAYMENTS, f"Versements de l'É&tat ({len(vf.payments)})")

    def _filter_expenses(self, *_args: Any) -> None:
        self.expense_proxy.set_line(self.line_filter.currentData())
        n, total = self.expense_proxy.rowCount(), self.expense_model.rowCount()
        self.expense_count.setText(f"{n} dépense(s)" if n == total else f"{n} / {total} dépense(s)")

    def _update_payment_summary(self, vf: VoletFinance) -> None:
        s = vf.summary
        balance = (
            f"solde à recevoir au bilan : <b>{format_euros(s.balance_cents)}</b>"
            if s.balance_cents >= 0
            else f"<span style='color:#B54708'>ℹ versé au-delà des dépenses retenues à ce jour : "
            f"<b>{format_euros(-s.balance_cents)}</b> (trop-perçu à rembourser si inchangé au bilan)</span>"
        )
        pending = (
            f" — reste à recevoir sur l'avance : {format_euros(s.advance_pending_cents)}"
            if s.advance_pending_cents
            else " — avance reçue en totalité"
        )
        self.payment_summary.setText(
            f"Avance attendue ({s.advance_rate_pct} % du plafond) : <b>{format_euros(s.advance_expected_cents)}</b>{pending}.<br>"
            f"Dépenses retenues : {format_euros(s.retained_cents)} (dans la limite du plafond) ; "
            f"versements nets reçus : {format_euros(s.received_net_cents)} ; {balance}."
        )

    def _tab_changed(self, index: int) -> None:
        if index == TAB_CONSUMPTION and self._chart_dirty:
            self.update_chart()

    def update_chart(self) -> None:
        from roadmap_app.finance.charts import consumption_figure

        if self.vf is None:
            return
        self.chart.set_figure(consumption_figure(self.vf, width=10))
        self._chart_dirty = False

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.tabs.currentIndex() == TAB_CONSUMPTION and self._chart_dirty:
            self.update_chart()

    # -- sélection --------------------------------------------------------------------------
    def _selected(self, view: QTableView) -> Any:
        idx = view.currentIndex()
        return idx.data(ROW_ROLE) if idx.isValid() else None

    def _add_in_current_tab(self) -> None:
        if self.tabs.currentIndex() == TAB_PAYMENTS:
            self.add_payment()
        else:
            self.tabs.setCurrentIndex(TAB_EXPENSES)
            self.add_expense()

    def _show_line_expenses(self, index: Any) -> None:
        lc = index.data(ROW_ROLE)
        self.tabs.setCurrentIndex(TAB_EXPENSES)
        self.line_filter.setCurrentIndex(max(self.line_filter.findData(lc.line.id), 0))

    def _done(self, message: str) -> None:
        self.refresh()
        window = self.window()
        if hasattr(window, "show_message"):
            window.show_message(message)

    def _open(self, dialog: Any, message: str) -> Any:
        dialog.accepted.connect(lambda: self._done(message))
        dialog.open()
        return dialog

    # -- plan de financement -------------------------------------------------------------------
    def edit_line(self) -> Any:
        row = self._selected(self.plan_view)
        if row is None or row.line is None:
            QMessageBox.information(self, "Plan de financement", "Sélectionnez une ligne du plan.")
            return None
        line = row.line
        dialog = PlanLineDialog(
            line,
            lambda data: edit.update_plan_line(
                self.ctx, line.id, data, expected_version=line.version
            ),
            self,
        )
        return self._open(dialog, "Ligne du plan de financement enregistrée (Ctrl+Z pour annuler)")

    # -- dépenses -------------------------------------------------------------------------------
    def add_expense(self) -> Any:
        assert self.vf is not None
        number = self.vf.volet.number
        dialog = ExpenseDialog(
            self.vf,
            lambda data: edit.add_expense(self.ctx, number, data),
            line_id=self.line_filter.currentData(),
            parent=self,
        )
        return self._open(dialog, "Dépense enregistrée (Ctrl+Z pour annuler)")

    def edit_expense(self) -> Any:
        e = self._selected(self.expense_view)
        if e is None or self.vf is None:
            return None
        dialog = ExpenseDialog(
            self.vf,
            lambda data: edit.update_expense(self.ctx, e.id, data, expected_version=e.version),
            expense=e,
            parent=self,
        )
        return self._open(dialog, "Dépense modifiée (Ctrl+Z pour annuler)")

    def remove_expense(self) -> None:
        e = self._selected(self.expense_view)
        if e is None:
            return
        if self._run(lambda: edit.remove_expense(self.ctx, e.id, expected_version=e.version)):
            self._done(f"Dépense « {e.nature} » retirée (Ctrl+Z pour annuler)")

    def _run(self, fn: Any) -> bool:
        try:
            fn()
        except (UserError, StoreError) as err:
            QMessageBox.warning(self, "Opération impossible", str(err))
            self.refresh()
            return False
        return True

    # -- versements -------------------------------------------------------------------------------
    def add_payment(self) -> Any:
        assert self.vf is not None
        number = self.vf.volet.number
        dialog = PaymentDialog(
            self.vf.volet.title,
            self.vf.summary,
            self.ctx.today(),
            lambda data: edit.add_payment(self.ctx, number, data),
            parent=self,
        )
        return self._open(dialog, "Versement enregistré (Ctrl+Z pour annuler)")

    def edit_payment(self) -> Any:
        p = self._selected(self.payment_view)
        if p is None or self.vf is None:
            return None
        dialog = PaymentDialog(
            self.vf.volet.title,
            self.vf.summary,
            self.ctx.today(),
            lambda data: edit.update_payment(self.ctx, p.id, data, expected_version=p.version),
            payment=p,
            parent=self,
        )
        return self._open(dialog, "Versement modifié (Ctrl+Z pour annuler)")

    def remove_payment(self) -> None:
        p = self._selected(self.payment_view)
        if p is None:
            return
        if self._run(lambda: edit.remove_payment(self.ctx, p.id, expected_version=p.version)):
            self._done("Versement retiré (Ctrl+Z pour annuler)")

    # -- export du bilan -----------------------------------------------------------------------------
    def export_bilan(self, all_volets: bool = True) -> Task | None:
        from roadmap_app.finance.bilan_export import export_bilan

        volet = None if all_volets else self.volet_number
        path = ask_bilan_destination(self, volet, self.ctx.today())
        if path is None:
            return None
        self.export_button.setEnabled(False)
        ctx = self.ctx

        def work(progress: Any) -> Any:
            return export_bilan(ctx, path, volet=volet, progress=progress)

        task = self.tasks.run(self, "Export du bilan…", work, self._exported, self._export_failed)
        task.finished.connect(lambda: self.export_button.setEnabled(True))
        return task

    def _exported(self, result: Any) -> None:
        self.last_export = result
        window = self.window()
        if hasattr(window, "show_message"):
            window.show_message(result.message(), 8000)

    def _export_failed(self, err: Exception) -> None:
        self.last_export = err
        text = (
            str(err) if isinstance(err, UserError | StoreError) else f"Erreur inattendue : {err!r}"
        )
        QMessageBox.warning(self, "Export impossible", text)

    # -- état ----------------------------------------------------------------------------------------
    def save_state(self, settings: QSettings) -> None:
        settings.setValue("finance/volet", self.volet_number)
        settings.setValue("finance/tab", self.tabs.currentIndex())
        settings.setValue("finance/split", self.consumption_split.saveState())

    def restore_state(self, settings: QSettings) -> None:
        volet = settings.value("finance/volet")
        if volet is not None:
            self.select_volet(int(volet))
        tab = settings.value("finance/tab")
        if tab is not None:
            self.tabs.setCurrentIndex(int(tab))
        split = settings.value("finance/split")
        if split:
            self.consumption_split.restoreState(split)
