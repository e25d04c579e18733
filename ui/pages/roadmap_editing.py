"""Édition du plan depuis la page « Feuille de route » : barre d'outils, menu contextuel,
raccourcis, boîtes de dialogue et glisser-déposer. Tout passe par les services d'édition ;
chaque modification est une opération du journal, annulable par Ctrl+Z."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QToolBar, QWidget

from roadmap_app.core.errors import StaleDataError, StoreError, UserError
from ui.style import icon

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTreeView

    from roadmap_app.core.context import AppContext
    from roadmap_app.plan.editing import EditResult
    from roadmap_app.plan.read import ActionRow, AxeNode, CibleNode, PlanView
    from ui.dialogs.base import FormDialog
    from ui.models.plan_tree import PlanTreeModel

# Les services d'édition et les boîtes de dialogue sont importés à la première utilisation :
# ils ne ralentissent pas l'ouverture de l'application.

TOOL_COLOR = "#344054"
_NOUNS = {"action": "l'action", "cible": "la cible", "axe": "l'axe"}


class EditorHost(Protocol):
    """Tout ce que l'éditeur demande à la page qui l'héberge (la page Feuille de route) : il ne
    connaît pas la page elle-même, et la page n'expose rien d'autre à l'éditeur."""

    @property
    def ctx(self) -> AppContext: ...

    @property
    def plan(self) -> PlanView | None: ...

    @property
    def tree(self) -> QTreeView: ...

    @property
    def model(self) -> PlanTreeModel: ...

    def set_show_archived(self, on: bool) -> None: ...

    def current_node(self) -> Any: ...

    def select_node(self, kind: str, node_id: int) -> bool: ...

    def notify(self, text: str) -> None: ...

    def refresh(self) -> None: ...


class PlanEditor(QObject):
    """Contrôleur d'édition attaché à la page (qui garde l'arbre, les filtres et le détail)."""

    def __init__(self, page: EditorHost) -> None:
        assert isinstance(page, QWidget)  # l'hôte est aussi le parent des dialogues
        super().__init__(page)
        self.page = page
        self.ctx = page.ctx
        self.dialog: FormDialog | None = None
        tree = page.tree
        self.new_action = self._make(
            "Nouvelle &action…", "add", "Ctrl+N", "Ajouter une action dans la cible choisie",
            self.add_action, page,
        )  # fmt: skip
        self.new_cible = self._make(
            "Nouvelle &cible…", "add", "Ctrl+Shift+N", "Ajouter une cible opérationnelle à l'axe",
            self.add_cible, page,
        )  # fmt: skip
        self.new_axe = self._make(
            "Nouvel a&xe…", "add", "Ctrl+Alt+N", "Ajouter un axe à la feuille de route",
            self.add_axe, page,
        )  # fmt: skip
        self.edit = self._make(
            "&Modifier…", "edit", "F2", "Modifier tous les champs de l'élément choisi",
            self.edit_current, tree,
        )  # fmt: skip
        self.move = self._make(
            "&Déplacer vers…", "move", "Ctrl+Shift+M",
            "Déplacer l'élément choisi (autre cible ou autre rang) ; le code ne change pas",
            self.move_current, tree,
        )  # fmt: skip
        self.archive = self._make(
            "A&rchiver…", "archive", QKeySequence.StandardKey.Delete,
            "Archiver : l'élément quitte les vues de travail, rien n'est effacé",
            self.archive_current, tree,
        )  # fmt: skip
        self.restore = self._make(
            "Res&taurer", "restore", "Ctrl+Shift+R", "Remettre l'élément archivé dans le plan",
            self.restore_current, tree,
        )  # fmt: skip
        self.show_archived = self._make(
            "Afficher les arc&hives", "eye", "Ctrl+Shift+H",
            "Montrer aussi les axes, cibles et actions archivés (en gris)",
            None, page,
        )  # fmt: skip
        self.show_archived.setCheckable(True)
        self.show_archived.toggled.connect(page.set_show_archived)

        self.toolbar = QToolBar("Édition du plan", page)
        self.toolbar.setObjectName("planToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for act in (self.new_action, self.new_cible, self.new_axe):
            self.toolbar.addAction(act)
        self.toolbar.addSeparator()
        for act in (self.edit, self.move, self.archive, self.restore):
            self.toolbar.addAction(act)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.show_archived)

        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._context_menu)
        tree.doubleClicked.connect(self._double_clicked)
        page.model.move_requested.connect(self.move_to, Qt.ConnectionType.QueuedConnection)
        tree.selectionModel().currentRowChanged.connect(lambda *_: self.update_actions())
        self.update_actions()

    def _make(
        self,
        text: str,
        icon_name: str,
        shortcut: str | QKeySequence.StandardKey,
        tip: str,
        slot: Callable[[], Any] | None,
        owner: QWidget,
    ) -> QAction:
        act = QAction(icon(icon_name, TOOL_COLOR, 16), text, owner)
        act.setShortcut(QKeySequence(shortcut))
        act.setShortcutContext(
            Qt.ShortcutContext.WidgetShortcut
            if owner is self.page.tree
            else Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        keys = act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        act.setToolTip(f"{tip} ({keys})" if keys else tip)
        act.setStatusTip(tip)
        if slot is not None:
            act.triggered.connect(lambda _checked=False: slot())
        owner.addAction(act)
        return act

    # -- sélection ------------------------------------------------------------------------
    def current(self) -> tuple[str, Any] | None:
        node = self.page.current_node()
        return None if node is None else (node.kind, node.payload)

    def update_actions(self) -> None:
        cur = self.current()
        has = cur is not None
        hidden = has and cur[1].hidden  # type: ignore[index]
        own_archived = has and cur[1].archived  # type: ignore[index]
        if self.page.ctx.store.read_only:  # base en lecture seule : rien ne se modifie
            has, own_archived = False, False
        self.edit.setEnabled(has and not hidden)
        self.move.setEnabled(has and not hidden)
        self.archive.setEnabled(has and not hidden)
        self.restore.setEnabled(bool(own_archived))
        self.restore.setVisible(self.show_archived.isChecked())

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self.page.tree)
        for act in (self.new_action, self.new_cible, self.new_axe, None, self.edit, self.move,
                    self.archive, self.restore, None, self.show_archived):  # fmt: skip
            menu.addSeparator() if act is None else menu.addAction(act)
        menu.popup(self.page.tree.viewport().mapToGlobal(pos))

    def _double_clicked(self, _index: Any) -> None:
        cur = self.current()
        if cur is not None and cur[0] == "action" and not cur[1].hidden:
            self.edit_current()

    # -- exécution --------------------------------------------------------------------------
    def _attempt(
        self, call: Callable[[], EditResult], select: tuple[str, int] | None
    ) -> str | None:
        """Appelle le service ; ``None`` si c'est fait, sinon le message d'erreur (français)."""
        try:
            result = call()
        except StaleDataError as err:
            self.page.refresh()
            return str(err)
        except (UserError, StoreError, ValueError) as err:
            return str(err)
        self.page.refresh()
        target = select
        if target is not None and target[1] == -1 and result.entity_id is not None:
            target = (target[0], result.entity_id)
        if target is not None:
            self.page.select_node(*target)
        message = result.label if result.operation_id else "Aucune modification."
        if result.warnings:
            message += " — " + " ".join(result.warnings)
        self.page.notify(message)
        return None

    def _direct(self, call: Callable[[], EditResult], select: tuple[str, int] | None) -> None:
        problem = self._attempt(call, select)
        if problem:
            QMessageBox.warning(self.page, "Modification impossible", problem)

    def _open(self, dialog: FormDialog) -> FormDialog:
        self.dialog = dialog
        dialog.finished.connect(self._dialog_finished)
        dialog.open()
        return dialog

    def _dialog_finished(self, _result: int) -> None:
        self.dialog = None

    def _roadmap(self) -> int:
        assert self.page.plan is not None
        return self.page.plan.roadmap.id

    # -- création ---------------------------------------------------------------------------
    def _cible_for_new_action(self) -> int | None:
        cur = self.current()
        plan = self.page.plan
        if cur is not None and not cur[1].hidden:
            kind, item = cur
            if kind == "action":
                return int(item.cible_id)
            if kind == "cible":
                return int(item.id)
            live = [c for c in item.cibles if not c.hidden]
            if live:
                return live[0].id
        if plan is not None:
            for axe in plan.axes:
                for c in axe.cibles:
                    if not c.hidden:
                        return c.id
        return None

    def add_action(self) -> FormDialog | None:
        from roadmap_app.plan import edit_actions as ea
        from ui.dialogs.action_dialog import ActionDialog

        if self.page.plan is None:
            return None

        def submit(d: Any) -> str | None:
            return self._attempt(
                lambda: ea.create_action(
                    self.ctx, d.cible_id(), d.fields(), roadmap=self._roadmap()
                ),
                ("action", -1),
            )

        return self._open(
            ActionDialog(self.page.plan, None, self._cible_for_new_action(), submit, self.page)
        )

    def _axe_for_new_cible(self) -> int | None:
        cur = self.current()
        if cur is None or cur[1].hidden:
            return None
        kind, item = cur
        return int(item.id) if kind == "axe" else int(item.axe_id)

    def add_cible(self) -> FormDialog | None:
        from roadmap_app.plan import edit_structure as es
        from ui.dialogs.structure_dialog import StructureDialog

        if self.page.plan is None:
            return None

        def submit(d: Any) -> str | None:
            return self._attempt(
                lambda: es.create_cible(
                    self.ctx, d.axe_id(), d.title_text(), code=d.code_text(),
                    roadmap=self._roadmap(),
                ),
                ("cible", -1),
            )  # fmt: skip

        return self._open(
            StructureDialog("cible", self.page.plan, None, self._axe_for_new_cible(), submit,
                            self.page)
        )  # fmt: skip

    def add_axe(self) -> FormDialog | None:
        from roadmap_app.plan import edit_structure as es
        from ui.dialogs.structure_dialog import StructureDialog

        if self.page.plan is None:
            return None

        def submit(d: Any) -> str | None:
            return self._attempt(
                lambda: es.create_axe(
                    self.ctx, d.title_text(), code=d.code_text(), roadmap=self._roadmap()
                ),
                ("axe", -1),
            )

        return self._open(StructureDialog("axe", self.page.plan, None, None, submit, self.page))

    # -- modification -----------------------------------------------------------------------
    def edit_current(self) -> FormDialog | None:
        from roadmap_app.plan import edit_actions as ea
        from roadmap_app.plan import edit_structure as es
        from ui.dialogs.action_dialog import ActionDialog
        from ui.dialogs.structure_dialog import StructureDialog

        cur = self.current()
        if cur is None or cur[1].hidden or self.page.plan is None:
            return None
        kind, item = cur
        plan = self.page.plan
        if kind == "action":
            action: ActionRow = item

            def submit_action(d: Any) -> str | None:
                cible = d.cible_id() if d.cible_id() != action.cible_id else None
                return self._attempt(
                    lambda: ea.edit_action(
                        self.ctx, action.id, d.fields(), cible=cible,
                        expected_version=action.version, roadmap=self._roadmap(), base=d.initial,
                    ),
                    ("action", action.id),
                )  # fmt: skip

            return self._open(ActionDialog(plan, action, None, submit_action, self.page))
        if kind == "cible":
            cible: CibleNode = item

            def submit_cible(d: Any) -> str | None:
                return self._attempt(
                    lambda: es.edit_cible(
                        self.ctx, cible.id, title=d.title_text(), code=d.code_text() or cible.code,
                        axe=d.axe_id(), expected_version=cible.version, roadmap=self._roadmap(),
                    ),
                    ("cible", cible.id),
                )  # fmt: skip

            return self._open(StructureDialog("cible", plan, cible, None, submit_cible, self.page))
        axe: AxeNode = item

        def submit_axe(d: Any) -> str | None:
            return self._attempt(
                lambda: es.edit_axe(
                    self.ctx, axe.id, title=d.title_text(), code=d.code_text() or axe.code,
                    expected_version=axe.version, roadmap=self._roadmap(),
                ),
                ("axe", axe.id),
            )  # fmt: skip

        return self._open(StructureDialog("axe", plan, axe, None, submit_axe, self.page))

    # -- déplacement ------------------------------------------------------------------------
    def _mover(self, kind: str, node_id: int, parent_id: int, before: int | None,
               version: int | None) -> Callable[[], EditResult]:  # fmt: skip
        from roadmap_app.plan import edit_actions as ea
        from roadmap_app.plan import edit_structure as es

        rm = self._roadmap()
        if kind == "action":
            return lambda: ea.move_action(
                self.ctx, node_id, parent_id, before=before, expected_version=version, roadmap=rm
            )
        if kind == "cible":
            return lambda: es.move_cible(
                self.ctx, node_id, parent_id, before=before, expected_version=version, roadmap=rm
            )
        return lambda: es.move_axe(
            self.ctx, node_id, before=before, expected_version=version, roadmap=rm
        )

    def move_current(self) -> FormDialog | None:
        from ui.dialogs.structure_dialog import MoveDialog

        cur = self.current()
        if cur is None or cur[1].hidden or self.page.plan is None:
            return None
        kind, item = cur

        def submit(d: Any) -> str | None:
            parent_id, before = d.target()
            return self._attempt(
                self._mover(kind, item.id, parent_id, before, item.version), (kind, item.id)
            )

        return self._open(MoveDialog(kind, self.page.plan, item, submit, self.page))

    def move_to(self, kind: str, node_id: int, parent_id: int, before: object) -> None:
        """Glisser-déposer : même service que « Déplacer vers… »."""
        target = None if before is None else int(before)  # type: ignore[call-overload]
        self._direct(self._mover(kind, node_id, parent_id, target, None), (kind, node_id))

    # -- archivage --------------------------------------------------------------------------
    def archive_current(self) -> None:
        cur = self.current()
        if cur is None or cur[1].hidden:
            return
        kind, item = cur
        extra = ""
        if kind == "cible":
            extra = f" et ses {len(item.actions)} action(s)"
        elif kind == "axe":
            extra = f", ses {len(item.cibles)} cible(s) et leurs actions"
        answer = QMessageBox.question(
            self.page,
            "Archiver",
            f"Archiver {_NOUNS[kind]} {item.code}{extra} ?\n\nL'élément quitte les vues de travail "
            "mais n'est pas effacé : il reste dans le journal et l'historique. « Afficher les "
            "archives » puis « Restaurer » le remet ; Ctrl+Z annule.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._set_archived(kind, item, True)

    def restore_current(self) -> None:
        cur = self.current()
        if cur is not None and cur[1].archived:
            self._set_archived(cur[0], cur[1], False)

    def _set_archived(self, kind: str, item: Any, archived: bool) -> None:
        from roadmap_app.plan import edit_actions as ea
        from roadmap_app.plan import edit_structure as es

        fn = {"action": ea.archive_action, "cible": es.archive_cible, "axe": es.archive_axe}[kind]
        rm = self._roadmap()
        self._direct(
            lambda: fn(
                self.ctx, item.id, archived=archived, expected_version=item.version, roadmap=rm
            ),
            (kind, item.id) if not archived or self.show_archived.isChecked() else None,
        )
