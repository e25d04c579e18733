"""Lecture du plan : modèle de lecture détaché (axes → cibles → actions, statut par bassin).

Les requêtes lisent des tuples (pas d'objets ORM) : le chargement reste linéaire en la taille du plan.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlalchemy import select as sa_select
from sqlmodel import Session

from db.models.enums import EcheancePrecision
from db.read_tables import (
    ACTION,
    ACTION_BASSIN,
    ACTION_PILOTE,
    AXE,
    BASSIN,
    CIBLE,
    ORGANISATION,
    ROADMAP,
)
from db.rows import as_date, as_utc, raw_rows
from roadmap_app.core.bulk import paused_gc
from roadmap_app.core.context import AppContext
from roadmap_app.core.echeance import Echeance
from roadmap_app.core.errors import NotFoundError
from roadmap_app.core.text import first_line, fold
from roadmap_app.plan import statuses as status_rules

if TYPE_CHECKING:
    from db.models import Roadmap


@dataclass(frozen=True)
class RoadmapRef:
    id: int
    code: str
    name: str
    year: int


@dataclass(frozen=True)
class BassinRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class OrganisationRef:
    id: int
    code: str
    name: str


@dataclass(slots=True)
class StatusCell:
    """Statut d'une action dans un bassin (lecture seule par convention : on relit après modification)."""

    id: int
    bassin_id: int
    status: str
    progress: int | None
    note: str
    note_date: date | None
    updated_at: datetime | None
    updated_by: str
    version: int
    overdue: bool

    @property
    def effective_progress(self) -> int | None:
        return status_rules.effective_progress(self.status, self.progress)

    @property
    def closed(self) -> bool:
        return status_rules.info(self.status).closed


@dataclass(slots=True)  # 3 500 actions à 100× : pas de __dict__ par action (≈ 3 Mo par lecture)
class ActionRow:
    id: int
    code: str
    position: int
    axe_id: int
    axe_code: str
    axe_title: str
    cible_id: int
    cible_code: str
    cible_title: str
    intitule: str
    custom_intitule: str | None
    actions_preexistantes: str
    plan_actions: str
    indicateurs_tdb: str
    indicateurs_autres: str
    echeance: Echeance
    pilotes_label: str
    pilotes: tuple[str, ...]
    commentaires: str
    source: str
    transcription_note: str
    version: int
    statuses: dict[int, StatusCell] = field(default_factory=dict)
    _search: str | None = field(default=None, repr=False, compare=False)
    archived: bool = False  # l'action elle-même est archivée (vue « archives »)
    hidden: bool = False  # archivée, ou sa cible ou son axe l'est : hors des vues de travail
    carried_from_id: int | None = None

    @property
    def search_text(self) -> str:
        """Tous les textes de l'action, sans accents ni majuscules (recherche) ; calculé à la
        première recherche seulement : le tableau de bord et les exports n'en ont pas besoin."""
        if self._search is None:
            self._search = fold(" ".join((
                self.code, self.intitule, self.actions_preexistantes, self.plan_actions,
                self.indicateurs_tdb, self.indicateurs_autres, self.echeance.label, self.pilotes_label,
                self.commentaires, self.cible_code, self.cible_title, self.axe_title,
                *(c.note for c in self.statuses.values() if c.note),
            )))  # fmt: skip
        return self._search

    def cells(self, bassin_ids: frozenset[int] | None = None) -> list[StatusCell]:
        if bassin_ids is None:
            return list(self.statuses.values())
        return [c for b, c in self.statuses.items() if b in bassin_ids]

    def progress(self, bassin_ids: frozenset[int] | None = None) -> float | None:
        """Moyenne de l'avancement connu sur les bassins (``None`` si aucun n'est connu)."""
        values = [p for c in self.cells(bassin_ids) if (p := c.effective_progress) is not None]
        return sum(values) / len(values) if values else None

    def overdue(self, bassin_ids: frozenset[int] | None = None) -> bool:
        return any(c.overdue for c in self.cells(bassin_ids))


@dataclass
class CibleNode:
    id: int
    code: str
    title: str
    axe_id: int
    actions: list[ActionRow] = field(default_factory=list)
    archived: bool = False  # la cible elle-même
    hidden: bool = False  # archivée, ou son axe l'est
    version: int = 1

    def progress(self, bassin_ids: frozenset[int] | None = None) -> float | None:
        return _mean_progress(self.actions, bassin_ids)


@dataclass
class AxeNode:
    id: int
    code: str
    title: str
    cibles: list[CibleNode] = field(default_factory=list)
    archived: bool = False
    version: int = 1

    @property
    def hidden(self) -> bool:
        return self.archived

    def actions(self) -> Iterator[ActionRow]:
        for c in self.cibles:
            yield from c.actions

    def progress(self, bassin_ids: frozenset[int] | None = None) -> float | None:
        return _mean_progress(list(self.actions()), bassin_ids)


def _mean_progress(actions: list[ActionRow], bassin_ids: frozenset[int] | None) -> float | None:
    """Cumul : moyenne des avancements connus de toutes les cellules (action × bassin) sous le nœud."""
    values = [
        p for a in actions for c in a.cells(bassin_ids) if (p := c.effective_progress) is not None
    ]
    return sum(values) / len(values) if values else None


@dataclass
class PlanView:
    roadmap: RoadmapRef
    bassins: list[BassinRef]
    organisations: list[OrganisationRef]
    axes: list[AxeNode]
    today: date

    def actions(self) -> Iterator[ActionRow]:
        for axe in self.axes:
            yield from axe.actions()

    def active_actions(self) -> Iterator[ActionRow]:
        """Les actions de travail (hors archives, même quand la vue les montre)."""
        return (a for a in self.actions() if not a.hidden)

    def action(self, code: str) -> ActionRow:
        for a in self.actions():
            if a.code == code:
                return a
        raise NotFoundError(f"Action « {code} » inconnue dans « {self.roadmap.name} ».")

    def bassin(self, key: str | int) -> BassinRef:
        return find_bassin(self.bassins, key)


class NamedBassin(Protocol):
    """Ce que la recherche d'un bassin lit : une référence (``BassinRef``) ou une ligne de la base."""

    @property
    def id(self) -> int | None: ...

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...


B = TypeVar("B", bound=NamedBassin)


def find_bassin(bassins: Sequence[B], key: str | int) -> B:
    """La seule recherche d'un bassin : par id, par code ou nom (sans accents ni casse), ou par
    un début de nom sans ambiguïté ; sinon ``NotFoundError`` qui liste les bassins."""
    if isinstance(key, int):
        for b in bassins:
            if b.id == key:
                return b
    else:
        k = fold(key.strip())
        for b in bassins:
            if k in (fold(b.code), fold(b.name)):
                return b
        prefixed = [b for b in bassins if fold(b.name).startswith(k)]
        if k and len(prefixed) == 1:
            return prefixed[0]
    names = ", ".join(b.name for b in bassins)
    raise NotFoundError(f"Bassin « {key} » inconnu. Bassins : {names}.")


def roadmap_ref(session: Session, roadmap: str | int | None = None) -> RoadmapRef:
    """La feuille de route demandée (code, nom, année ou id), par défaut la plus récente non archivée.

    Lecture sur les tables légères (``db.read_tables``) : le démarrage se passe des classes ORM."""
    t = ROADMAP.c
    every = session.execute(
        sa_select(t.id, t.code, t.name, t.year, t.archived).order_by(t.id)
    ).all()
    found: Any = None
    if roadmap is None:
        live = [r for r in every if not r.archived]
        if not live:
            raise NotFoundError("Aucune feuille de route dans cette base.")
        found = max(live, key=lambda r: (r.year, r.id))
    elif isinstance(roadmap, int):
        found = next((r for r in every if r.id == roadmap), None)
    else:
        key = fold(roadmap.strip())
        found = next((r for r in every if key in (fold(r.code), fold(r.name))), None)
        if found is None:
            same_year = [r for r in every if str(r.year) == key and not r.archived]
            found = same_year[0] if len(same_year) == 1 else None
    if found is None:
        raise NotFoundError(f"Feuille de route « {roadmap} » inconnue.")
    return RoadmapRef(found.id, found.code, found.name, found.year)


def resolve_roadmap(session: Session, roadmap: str | int | None = None) -> Roadmap:
    """Comme ``roadmap_ref``, mais la ligne ORM (pour la modifier ou la rattacher)."""
    from db.models import Roadmap  # les écritures seulement : hors du chemin du démarrage

    found = session.get(Roadmap, roadmap_ref(session, roadmap).id)
    assert found is not None
    return found


def echeance_of(
    label: str, start: date | None, end: date | None, precision: str | None, flag: str | None
) -> Echeance:
    return Echeance(
        label=label or "",
        start=start,
        end=end,
        precision=None if precision is None else EcheancePrecision(precision),
        flag=flag,
    )


_CLOSED = frozenset(st.value for st, inf in status_rules.STATUSES.items() if inf.closed)


def action_title(intitule: str | None, plan_actions: str, preexistantes: str, cible_title: str | None) -> str:
    """Le titre d'une action partout où on la nomme (Feuille de route, instantanés, aperçu de
    fusion) : son intitulé, sinon la première ligne de son plan d'actions, de ses actions
    préexistantes, sinon le titre de sa cible (l'annexe n'a pas de colonne « intitulé »)."""
    return intitule or first_line(plan_actions) or first_line(preexistantes) or cible_title or ""


def is_overdue(status: str, end: date | None, today: date) -> bool:
    return end is not None and end < today and status not in _CLOSED


def load_plan(
    ctx: AppContext,
    roadmap: str | int | None = None,
    *,
    only_actions: set[int] | None = None,
    include_archived: bool = False,
) -> PlanView:
    """Le plan de la feuille de route demandée, sinon celle choisie dans le contexte
    (``ctx.roadmap_id``), sinon la plus récente.

    ``only_actions`` restreint aux actions données ; ``include_archived`` ajoute les axes, cibles
    et actions archivés (marqués ``archived``), pour la vue « archives ».

    La lecture est partagée tant que la base n'a pas changé (``Store.revision``) : le plan rendu
    se lit sans le modifier (on relit après chaque modification).
    """
    token = ctx.store.revision()
    if token is None:  # pas de jeton fiable (serveur partagé) : toujours relire
        return _read_plan(
            ctx, roadmap, only_actions=only_actions, include_archived=include_archived
        )
    # Lectures périmées (la base a changé) : libérées avant de relire. Copie d'un bloc puis pop :
    # un export en arrière-plan peut lire le plan en même temps que l'interface.
    for k, v in list(ctx.reads.items()):
        if (v[0] if k[0] == "plan" else k[2]) != token:
            ctx.reads.pop(k, None)
    wanted = roadmap if roadmap is not None else ctx.roadmap_id
    rid = ctx.reads.get(("roadmap", wanted, token))
    if rid is None:
        with ctx.store.session() as s:
            rid = roadmap_ref(s, wanted).id
        ctx.reads[("roadmap", wanted, token)] = rid
    # la même feuille, qu'on la nomme par son code, son id ou « la plus récente »
    key = ("plan", rid, None if only_actions is None else frozenset(only_actions), include_archived,
           ctx.today())  # fmt: skip
    cached = ctx.reads.get(key)
    if cached is not None and cached[0] == token:
        plan: PlanView = cached[1]
        return plan
    plan = _read_plan(ctx, rid, only_actions=only_actions, include_archived=include_archived)
    ctx.reads[key] = (token, plan)
    return plan


def cached_plan(ctx: AppContext, roadmap_id: int) -> PlanView | None:
    """Le plan complet de cette feuille de route s'il est déjà lu et à jour (sans rien lire)."""
    token = ctx.store.revision()
    if token is None:
        return None
    cached = ctx.reads.get(("plan", roadmap_id, None, False, ctx.today()))
    if cached is None or cached[0] != token:
        return None
    plan: PlanView = cached[1]
    return plan


@paused_gc()
def _read_plan(
    ctx: AppContext,
    roadmap: str | int | None,
    *,
    only_actions: set[int] | None,
    include_archived: bool,
) -> PlanView:
    today = ctx.today()
    with ctx.store.session() as s:
        rm = roadmap_ref(s, roadmap if roadmap is not None else ctx.roadmap_id)
        # tables légères (db.read_tables) : ni classes ni compilation ORM
        b, o, ax, ci = BASSIN.c, ORGANISATION.c, AXE.c, CIBLE.c
        ac, ap, ab = ACTION.c, ACTION_PILOTE.c, ACTION_BASSIN.c
        bassins = [
            BassinRef(b_id, b_code, b_name)
            for b_id, b_code, b_name in s.execute(
                sa_select(b.id, b.code, b.name)
                .where(b.archived.is_(False))
                .order_by(b.position, b.id)
            ).all()
        ]
        bassin_ids = {b.id for b in bassins}
        orgs = [
            OrganisationRef(o_id, o_code, o_name)
            for o_id, o_code, o_name in s.execute(
                sa_select(o.id, o.code, o.name).order_by(o.id)
            ).all()
        ]
        org_code = {o.id: o.code for o in orgs}

        live_axe = [] if include_archived else [ax.archived.is_(False)]
        live_cible = [] if include_archived else [ci.archived.is_(False)]
        live_action = [] if include_archived else [ac.archived.is_(False)]
        axes: dict[int, AxeNode] = {}
        for a_id, a_code, a_title, a_archived, a_version in s.execute(
            sa_select(ax.id, ax.code, ax.title, ax.archived, ax.version)
            .where(ax.roadmap_id == rm.id, *live_axe)
            .order_by(ax.position, ax.id)
        ).all():
            axes[a_id] = AxeNode(a_id, a_code, a_title, archived=a_archived, version=a_version)
        cibles: dict[int, CibleNode] = {}
        for c_id, c_code, c_title, c_axe, c_archived, c_version in s.execute(
            sa_select(ci.id, ci.code, ci.title, ci.axe_id, ci.archived, ci.version)
            .where(ci.roadmap_id == rm.id, *live_cible)
            .order_by(ci.position, ci.id)
        ).all():
            if c_axe in axes:
                node = CibleNode(
                    c_id,
                    c_code,
                    c_title,
                    c_axe,
                    archived=c_archived,
                    hidden=c_archived or axes[c_axe].archived,
                    version=c_version,
                )
                cibles[c_id] = node
                axes[c_axe].cibles.append(node)

        only_clause = [] if only_actions is None else [ac.id.in_(sorted(only_actions))]
        pilotes: dict[int, list[str]] = {}
        for action_id, org_id in s.execute(
            sa_select(ap.action_id, ap.organisation_id)
            .join(ACTION, ac.id == ap.action_id)
            .where(ac.roadmap_id == rm.id, *only_clause)
            .order_by(ap.action_id, ap.organisation_id)
        ).all():
            pilotes.setdefault(action_id, []).append(org_code[org_id])

        actions: dict[int, ActionRow] = {}
        action_columns: list[Any] = [
            ac.id, ac.code, ac.position, ac.cible_id, ac.intitule, ac.actions_preexistantes,
            ac.plan_actions, ac.indicateurs_tdb, ac.indicateurs_autres, ac.echeance_label,
            ac.echeance_date, ac.echeance_fin, ac.echeance_precision, ac.echeance_flag,
            ac.pilotes_label, ac.commentaires, ac.source, ac.transcription_note, ac.version,
            ac.archived, ac.carried_from_id,
        ]  # fmt: skip
        # 3 500 actions et 31 500 statuts à 100× : tuples bruts du pilote (db.rows), sans objets
        # ORM ni traitement de résultat par colonne ; dates normalisées ici.
        for (
            a_id, code, position, cible_id, intitule, preexistantes, plan_actions, tdb, autres,
            ech_label, ech_date, ech_fin, ech_precision, ech_flag, pilotes_label, commentaires,
            source, transcription_note, version, archived, carried_from_id,
        ) in raw_rows(
            s.connection(),
            sa_select(*action_columns)
            .where(ac.roadmap_id == rm.id, *live_action, *only_clause)
            .order_by(ac.position, ac.id),
        ):  # fmt: skip
            cible = cibles.get(cible_id)
            if cible is None:
                continue
            axe = axes[cible.axe_id]
            ech = echeance_of(
                ech_label, as_date(ech_date), as_date(ech_fin), ech_precision, ech_flag
            )
            title = action_title(intitule, plan_actions, preexistantes, cible.title)
            archived = bool(archived)
            row = ActionRow(
                id=a_id,
                code=code,
                position=position,
                axe_id=axe.id,
                axe_code=axe.code,
                axe_title=axe.title,
                cible_id=cible.id,
                cible_code=cible.code,
                cible_title=cible.title,
                intitule=title,
                custom_intitule=intitule,
                actions_preexistantes=preexistantes,
                plan_actions=plan_actions,
                indicateurs_tdb=tdb,
                indicateurs_autres=autres,
                echeance=ech,
                pilotes_label=pilotes_label,
                pilotes=tuple(pilotes.get(a_id, ())),
                commentaires=commentaires,
                source=source,
                transcription_note=transcription_note,
                version=version,
                archived=archived,
                hidden=archived or cible.hidden,
                carried_from_id=carried_from_id,
            )
            cible.actions.append(row)
            actions[a_id] = row

        status_columns: list[Any] = [
            ab.id, ab.action_id, ab.bassin_id, ab.status, ab.progress, ab.note, ab.note_date,
            ab.updated_at, ab.updated_by, ab.version,
        ]  # fmt: skip
        shared: dict[str, str] = {}
        for c_id, action_id, bassin_id, status, progress, note, note_date, at, by, version in raw_rows(
            s.connection(),
            sa_select(*status_columns)
            .join(ACTION, ac.id == ab.action_id)
            .where(
                ac.roadmap_id == rm.id,
                ab.archived.is_(False),
                *live_action,
                *only_clause,
            ),
        ):  # fmt: skip
            target = actions.get(action_id)
            if target is None or bassin_id not in bassin_ids:
                continue
            # une seule chaîne par statut et par auteur, partagée par les 31 500 cellules à 100×
            status, by = shared.setdefault(status, status), shared.setdefault(by, by)
            end = target.echeance.end
            target.statuses[bassin_id] = StatusCell(
                c_id, bassin_id, status, progress, note, as_date(note_date), as_utc(at), by,
                version, end is not None and end < today and status not in _CLOSED,
            )  # fmt: skip

        return PlanView(
            roadmap=RoadmapRef(rm.id, rm.code, rm.name, rm.year),
            bassins=bassins,
            organisations=orgs,
            axes=list(axes.values()),
            today=today,
        )


def load_action(ctx: AppContext, action_id: int, *, include_archived: bool = False) -> ActionRow:
    """Relit une action (après modification) sans recharger tout le plan."""
    with ctx.store.session() as s:
        roadmap_id = s.execute(
            sa_select(ACTION.c.roadmap_id).where(ACTION.c.id == action_id)
        ).scalar()
    if roadmap_id is None:
        raise NotFoundError("Action introuvable (supprimée ?).")
    view = load_plan(ctx, roadmap_id, only_actions={action_id}, include_archived=include_archived)
    for row in view.actions():
        if row.id == action_id:
            return row
    raise NotFoundError("Action introuvable (archivée ?).")
