"""Fusion à trois voies, champ par champ : état de départ du paquet, paquet (« leurs »), base (« mes »).

- changé d'un seul côté : la valeur changée l'emporte ;
- changé des deux côtés différemment : conflit, jamais tranché en silence ;
- conflit déjà tranché lors d'une fusion précédente du même paquet : la décision est réutilisée.
Chaque changement appliqué garde son auteur, son heure et l'atelier au journal. Tout ou rien.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from db.errors import StaleDataError
from db.models import Action, ActionBassin, Atelier, Bassin, WorkshopMerge, WorkshopResolution
from db.types import utcnow
from roadmap_app.core import journal, ops
from roadmap_app.core.bulk import paused_gc
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import UserError
from roadmap_app.core.text import clean_text, fold
from roadmap_app.plan import statuses as status_rules
from roadmap_app.workshops.package import PackageError, opened_package
from roadmap_app.workshops.state import (
    CELL_FIELDS,
    FLOW_PREFIX,
    INDICATOR_PREFIXES,
    SERIES,
    Provenance,
    expand_series,
    exported_before_fusion,
    flow_base_from_journal,
    fused_keys,
    is_indicator_key,
    mergeable_state,
    provenance_after,
    split_series,
    store_uuid,
)

FIELD_LABELS = {"status": "statut", "progress": "avancement", "note": "note", "title": "titre",
                "place": "lieu", "participants": "participants", "notes": "notes"}  # fmt: skip
MINE, THEIRS, EDIT = "mine", "theirs", "edit"


@dataclass(frozen=True)
class FieldChange3:
    key: str
    label: str
    field: str
    base: Any
    mine: Any
    theirs: Any
    theirs_by: Provenance
    mine_by: Provenance | None

    def show(self, value: Any) -> str:
        if self.field == "active":
            return "lié" if value else "non lié"
        if value is None or value == "":
            return "—"
        if self.field == "status":
            return status_rules.label(value)
        if self.field == "progress":
            return f"{value} %"
        if self.field == "kind":
            from roadmap_app.indicators.model import LINK_KINDS

            return LINK_KINDS.get(str(value), str(value))
        if isinstance(value, float):
            return f"{value:g}".replace(".", ",")
        return str(value)


@dataclass(frozen=True)
class Resolution:
    decision: str  # MINE, THEIRS ou EDIT
    value: Any = None


@dataclass
class MergePlan:
    package_uuid: str
    kind: str
    atelier_id: int | None
    source_name: str
    to_apply: list[FieldChange3] = field(default_factory=list)
    conflicts: list[FieldChange3] = field(default_factory=list)
    already_decided: dict[str, Resolution] = field(default_factory=dict)
    unchanged_since_base: int = 0
    versions: dict[str, tuple[str, int, int]] = field(
        default_factory=dict
    )  # clé → (entité, id, version)
    #: Colonnes d'un classeur partenaire ignorées (ajoutées par le partenaire).
    ignored: list[str] = field(default_factory=list)
    #: Indicateurs définis en atelier (absents de la base) dont le paquet apporte des valeurs ou
    #: des liens : créés à la fusion, avant eux (colonnes de ``indicator_definition``).
    definitions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pending_conflicts(self) -> list[FieldChange3]:
        return [c for c in self.conflicts if c.key not in self.already_decided]

    def is_noop(self) -> bool:
        return not self.to_apply and not self.pending_conflicts


@dataclass(frozen=True)
class MergeResult:
    applied: int
    conflicts_resolved: int
    operation_id: str | None
    #: ce qui a changé (statuts et ateliers), pour les vues ; ``None`` : rien d'écrit
    changes: ops.OpChanges[None] | None = None


def describe_key(key: str, bassin_names: dict[str, str] | None = None,
                 frequencies: dict[str, str] | None = None) -> str:  # fmt: skip
    """« EP-1.1 / Lensois – statut » pour la clé « EP-1.1@1|LEN|status » ; « R1 / Lensois – valeur
    2024 » (la période selon ``frequencies``, fréquence par code d'indicateur ; inconnue : « valeur
    du 01/09/2024 ») ; « EP-1.1 – lien à l'indicateur R1 »."""
    parts = key.split("|")
    if parts[0] == "flux":
        return flow_label(parts[1], (bassin_names or {}).get(parts[2], parts[2]), parts[3])
    if parts[0] == "ind":
        bassin = (bassin_names or {}).get(parts[2], parts[2]) or "tout le plan"
        from roadmap_app.indicators.model import period_label

        shown = period_label((frequencies or {}).get(parts[1], "free"), date.fromisoformat(parts[3]))
        return f"{parts[1]} / {bassin} – valeur {'du ' if '/' in shown else ''}{shown}"
    if parts[0] == "lien":
        what = "sorte de lien" if parts[3] == "kind" else "lien"
        return f"{parts[1].split('@')[0]} – {what} à l'indicateur {parts[2]}"
    if parts[0] == "atelier":
        return f"Atelier n°{parts[1]} – {FIELD_LABELS.get(parts[2], parts[2])}"
    code = parts[0].split("@")[0]
    bassin = (bassin_names or {}).get(parts[1], parts[1])
    return f"{code} / {bassin} – {FIELD_LABELS.get(parts[2], parts[2])}"


def indicator_frequencies(s: Any) -> dict[str, str]:
    """Fréquence des valeurs de chaque indicateur, par code (``indicators.model.frequency_of``)."""
    from sqlalchemy import text

    rows = s.connection().execute(text("SELECT code, frequency, storage FROM indicator_definition"))
    return {code: "month" if storage == "flux" else (frequency or "free") for code, frequency, storage in rows}


def flow_label(code: str, bassin: str, month: str) -> str:
    """« Nouveaux entrants (ARSA) [entrants] – Lensois, sept. 2024 » : titre, code, bassin, mois."""
    from roadmap_app.core.dates import format_month
    from roadmap_app.flows.catalogue import BY_CODE

    title = BY_CODE[code].label if code in BY_CODE else "Flux"
    try:
        shown = format_month(date.fromisoformat(f"{month}-01"))
    except ValueError:
        shown = month
    return f"{title} [{code}] – {bassin}, {shown}"


def flow_parts(change: FieldChange3) -> tuple[str, str] | None:
    """(« Lensois, sept. 2024 », « Nouveaux entrants (ARSA) [entrants] ») pour une valeur de flux,
    ``None`` pour un autre champ : l'aperçu les regroupe par bassin et par mois."""
    if not change.key.startswith(FLOW_PREFIX):
        return None
    marker = f"[{change.key.split('|')[1]}]"
    end = change.label.index(marker) + len(marker)
    return change.label[end + len(" – ") :], change.label[:end]


def flow_summary(changes: list[FieldChange3]) -> str:
    """« 3 valeur(s) de flux mensuels (Lensois, sept. 2024 à oct. 2024) » ; vide sans flux."""
    groups: dict[str, list[str]] = {}
    count = 0
    for c in changes:
        parts = flow_parts(c)
        if parts is not None:
            count += 1
            bassin, month = parts[0].rsplit(", ", 1)
            groups.setdefault(bassin, [])
            if month not in groups[bassin]:
                groups[bassin].append(month)
    if not count:
        return ""
    where = " ; ".join(f"{b}, {ms[0]}" + (f" à {ms[-1]}" if len(ms) > 1 else "") for b, ms in groups.items())
    return f"{count} valeur(s) de flux mensuels ({where})"


def flow_sort_key(key: str, bassin_names: dict[str, str]) -> tuple[str, str, int]:
    """Ordre des valeurs de flux dans l'aperçu : bassin, mois, puis l'ordre du catalogue."""
    from roadmap_app.flows.catalogue import INDICATORS

    order = {ind.code: i for i, ind in enumerate(INDICATORS)}
    _f, code, bassin, month, _v = key.split("|")
    return (bassin_names.get(bassin, bassin), month, order.get(code, len(order)))


def parse_edit(change: FieldChange3, text: str, units: dict[str, str] | None = None, where: str = "") -> Any:
    """Valeur saisie à la main pour trancher un conflit de flux, de valeur d'indicateur (``units`` :
    unité par code d'indicateur, pour refuser un % au-delà de 100) ou de lien : la valeur à écrire,
    ou ``UserError`` qui dit quoi saisir ; ``where`` : le champ tel que l'écran le nomme."""
    from roadmap_app.flows.io import parse_number, read_number
    from roadmap_app.flows.validation import check_value

    kind, code = change.key.split("|")[:2]
    where = where or change.label
    if kind == "lien":
        return _parse_link_edit(change, text, where)
    if kind == "ind":
        number = read_number(text)
        if number is None:
            raise UserError(f"{where} : « {text.strip()} » n'est pas un nombre (ex. 12 ou 45,5).")
        from roadmap_app.indicators.service import MAX_EUROS, MAX_VALUE

        if not math.isfinite(number) or number > (MAX_EUROS if (units or {}).get(code) == "€" else MAX_VALUE):
            raise UserError(f"{where} : « {text.strip()[:20]} » est hors limites pour une valeur d'indicateur.")
        if number < 0:
            raise UserError(f"{where} : {change.show(number)} est négatif ; une valeur d'indicateur ne peut pas l'être.")
        if (units or {}).get(code) == "%" and number > 100:
            raise UserError(f"{where} : {change.show(number)} % dépasse 100 %.")
        return number
    try:
        value = parse_number(text)
    except ValueError:
        raise UserError(f"{where} : « {text} » n'est pas un nombre.") from None
    message = check_value(code, value)
    if message:
        raise UserError(f"{where} : {message}")
    return value


def _parse_link_edit(change: FieldChange3, text: str, where: str) -> Any:
    """« lié » / « non lié » pour un lien ; « TDB national » ou « Autres » (ou leurs clés) pour sa sorte."""
    from roadmap_app.indicators.model import LINK_KINDS

    folded = fold(text)
    if change.field == "active":
        if folded in ("lie", "oui", "1"):
            return True
        if folded in ("non lie", "non", "0"):
            return False
        raise UserError(f"{where} : « {text.strip()} » : saisissez « lié » ou « non lié ».")
    for key, label in LINK_KINDS.items():
        if folded in (fold(key), fold(label)):
            return key
    raise UserError(f"{where} : « {text.strip()} » : saisissez « TDB national » ou « Autres ».")


def _decisions(ctx: AppContext, package_uuid: str) -> dict[str, tuple[Any, Resolution]]:
    with ctx.store.session() as s:
        rows = s.exec(
            select(WorkshopResolution).where(WorkshopResolution.package_uuid == package_uuid)
        ).all()
    return {
        r.cell_key: (
            None if r.theirs_value is None else json.loads(r.theirs_value),
            Resolution(r.decision, None if r.value is None else json.loads(r.value)),
        )
        for r in rows
    }


_MISSING = object()


def changed_keys(theirs: dict[str, Any], base: dict[str, Any]) -> list[str]:
    """Clés de ``theirs`` dont la valeur diffère de celle de ``base`` (ou absentes de ``base``),
    dans l'ordre de ``theirs`` (une comparaison par clé, sans autre travail : 150 000 clés à 100×)."""
    get = base.get
    return [k for k, v in theirs.items() if get(k, _MISSING) != v]


def gone(base: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Clés de ``base`` absentes de ``theirs``, dans l'ordre de ``base`` (le plus souvent aucune)."""
    missing = base.keys() - theirs.keys()
    return [k for k in base if k in missing] if missing else []


def plan_three_way(
    ctx: AppContext,
    *,
    package_uuid: str,
    kind: str,
    source_name: str,
    atelier_id: int | None,
    base: dict[str, Any],
    theirs: dict[str, Any],
    theirs_by: Callable[[str], Provenance],
    base_journal_id: int,
    base_series: dict[str, list[Any]] | None = None,
    theirs_series: dict[str, list[Any]] | None = None,
    differing: list[str] | None = None,
    base_before_fusion: bool = False,
) -> MergePlan:
    """Compare les trois états (dictionnaires clé → valeur) et classe chaque champ.

    ``base_before_fusion`` : l'état de départ a été écrit avant la fusion des nationaux dans leur
    flux (``state.fused_keys``) ; ses clés sont toutes examinées, pas seulement ses séries.

    ``differing`` : ``changed_keys(theirs, base)`` si l'appelant l'a déjà calculé (paquet : le
    contrôle d'intégrité), pour ne pas refaire la comparaison des 150 000 champs.

    Les valeurs d'indicateurs se comparent d'abord par série (``state.SERIES``) : seules les séries
    que le paquet change sont détaillées valeur par valeur. Sans séries données, celles de ``base``
    et ``theirs`` sont regroupées depuis leurs clés « ind|… » (paquets d'avant, classeurs)."""
    if base_series is None:
        base_series, base = split_series(base)
    if theirs_series is None:
        theirs_series, theirs = split_series(theirs)
    # état écrit avant la fusion des nationaux dans leur flux (M2 → delai_premier_entretien…) :
    # réécrit comme la base l'a été, pour comparer des clés semblables
    written_base, written_theirs = base, theirs
    base, base_series = fused_keys(base, base_series, keys=base_before_fusion)
    theirs, theirs_series = fused_keys(theirs, theirs_series, keys=False)
    if base is not written_base or theirs is not written_theirs:
        differing = None  # à recalculer sur les clés réécrites
    # séries que le paquet change : les seules dont la base d'ici est lue (une série que le paquet
    # laisse telle qu'au départ ne décide rien, quelles que soient ses valeurs ici)
    changed = {name for name in {*base_series, *theirs_series}
               if (base_series.get(name) or []) != (theirs_series.get(name) or [])}  # fmt: skip
    # séries changées : détaillées valeur par valeur ; chaque valeur des autres est « inchangée
    # depuis le départ »
    base_values: dict[str, Any] = {}
    theirs_values: dict[str, Any] = {}
    for name in changed:
        base_values.update(expand_series(name, base_series.get(name)))
        theirs_values.update(expand_series(name, theirs_series.get(name)))
    # Seuls les champs que le paquet change (valeur différente de celle du départ, ou absente du
    # paquet) peuvent donner un changement ou un conflit : un champ que le paquet laisse tel qu'au
    # départ ne décide rien, quelle que soit sa valeur ici. Les autres ne sont ni parcourus un à un
    # ni lus ici (à 100× : 2 000 champs changés sur 150 000). Ordre de l'aperçu : statuts et
    # ateliers, valeurs d'indicateurs, liens et flux, puis ce que le paquet a retiré.
    if differing is None:
        differing = changed_keys(theirs, base)
    first = [k for k in differing if not k.startswith(INDICATOR_PREFIXES)]
    rest = [k for k in differing if k.startswith(INDICATOR_PREFIXES)]
    values = changed_keys(theirs_values, base_values)
    # indicateurs : une clé absente vaut « pas de valeur » ou « pas de lien » (nouveau en atelier,
    # ou retiré) ; une clé du départ absente du paquet a été retirée en atelier
    absent = [k for side, other in ((base_values, theirs_values), (base, theirs)) for k in gone(side, other)
              if k.startswith(INDICATOR_PREFIXES)]  # fmt: skip
    candidates = [*first, *values, *rest, *absent]
    unchanged = sum(len(flat) // 2 for name, flat in theirs_series.items() if name not in changed)
    unchanged += len(theirs) - len(first) - len(rest) + len(theirs_values) - len(values)
    with ctx.store.session() as s:
        names = {b.code: b.name for b in s.exec(select(Bassin)).all()}
        frequencies = indicator_frequencies(s)
        mine_state = mergeable_state(s, changed, only=candidates)
        mine_prov = provenance_after(s, base_journal_id) if base_journal_id >= 0 else {}
        action_codes = {code for (code,) in s.connection().execute(sa_select(col(Action.code)))}
        active = {b.code for b in s.exec(select(Bassin).where(col(Bassin.archived).is_(False))).all()}
    mine = mine_state["values"]
    mine_series = mine_state[SERIES]
    for name in changed:
        mine.update(expand_series(name, mine_series.get(name)))
    if base_values or theirs_values:
        base, theirs = {**base, **base_values}, {**theirs, **theirs_values}
    # décisions prises avant la fusion des nationaux dans leur flux : à la clé du flux
    decided = fused_keys(_decisions(ctx, package_uuid), {})[0]
    plan = MergePlan(package_uuid, kind, atelier_id, source_name, unchanged_since_base=unchanged)
    for key in candidates:
        their_value = theirs.get(key)
        indicator = key.startswith(INDICATOR_PREFIXES)
        if indicator:
            if key.startswith("lien|") and key.split("|")[1].split("@")[0] not in action_codes:
                continue  # action absente d'ici
            if key.startswith(FLOW_PREFIX) and key.split("|")[2] not in active:
                continue  # bassin absent ou archivé ici
            b, m = base.get(key), mine.get(key)
            if their_value in (b, m):
                plan.unchanged_since_base += their_value == b
                continue
            fieldname = key.rsplit("|", 1)[1]
            change = FieldChange3(key, describe_key(key, names, frequencies), fieldname, b, m, their_value, theirs_by(key),
                                  mine_prov[key][0] if key in mine_prov else None)  # fmt: skip
            (plan.to_apply if m == b else plan.conflicts).append(change)
            previous = decided.get(key)
            if m != b and previous is not None and previous[0] == their_value:
                plan.already_decided[key] = previous[1]
            continue
        if key not in base or key not in mine:
            continue  # action ou atelier qui n'existe pas des deux côtés : rien à fusionner
        if isinstance(their_value, str):
            their_value = clean_text(their_value)  # saisi ailleurs : même règle qu'ici
        b, m = base[key], mine[key]
        if their_value == b:
            plan.unchanged_since_base += 1
            continue
        if their_value == m:
            continue  # même changement des deux côtés
        fieldname = key.rsplit("|", 1)[1]
        change = FieldChange3(
            key, describe_key(key, names), fieldname, b, m, their_value, theirs_by(key),
            mine_prov[key][0] if key in mine_prov else None,
        )  # fmt: skip
        if m == b:
            plan.to_apply.append(change)
        else:
            plan.conflicts.append(change)
            previous = decided.get(key)
            if previous is not None and previous[0] == their_value:
                plan.already_decided[key] = previous[1]
    # (entité, id, version) lus avec l'état d'ici, pour les statuts et ateliers à écrire
    # (indicateurs, liens et flux s'écrivent par clé : ``_write_indicators``, ``_write_flows``)
    ids = mine_state["ids"]
    plan.versions = {c.key: ids[c.key] for c in (*plan.to_apply, *plan.conflicts) if c.key in ids}
    # les valeurs de flux après les autres champs, par bassin, mois et indicateur
    for items in (plan.to_apply, plan.conflicts):
        items.sort(key=lambda c: (c.key.startswith(FLOW_PREFIX),
                                  flow_sort_key(c.key, names) if c.key.startswith(FLOW_PREFIX) else ("", "", 0)))  # fmt: skip
    return plan


@paused_gc()  # des dizaines de milliers de clés et d'entrées du journal lues d'un coup
def plan_package_merge(ctx: AppContext, path: str | Path) -> MergePlan:
    """Lit et vérifie le paquet, puis prépare la fusion (rien n'est écrit)."""
    with ctx.store.session() as s:
        mine_uuid = store_uuid(s)
    with opened_package(path) as (info, pkg):
        if info.source_store_uuid != mine_uuid:
            raise PackageError(
                f"Ce paquet vient d'une autre base (« {info.source_label} ») : il ne peut être fusionné que dans "
                "la base d'où il a été exporté. Rien n'a été écrit."
            )
        with pkg.store.session() as s:
            theirs_state = mergeable_state(s, with_ids=False)  # un paquet n'est jamais écrit
            their_prov = provenance_after(s, info.base_journal_id)
            names = {b.code: b.name for b in s.exec(select(Bassin)).all()}
            base = info.base_values
            if not any(k.startswith(FLOW_PREFIX) for k in reversed(base)):  # flux en dernier
                # paquet exporté avant que les flux ne voyagent : leur départ se lit au journal du paquet
                base = {**base, **flow_base_from_journal(s, info.base_journal_id, theirs_state["values"])}
        base_series = info.base_series
        if base_series is None:  # paquet d'avant les séries : une clé par valeur d'indicateur
            base_series, base = split_series(base)
        theirs_series = theirs_state[SERIES]
        # paquet exporté avant la fusion des nationaux dans leur flux : ses liens au code national
        # (« lien|A@1|M2|… ») se vérifient au code du flux, comme la migration les a réécrits
        before_fusion = exported_before_fusion(info.schema_revision)
        checked = fused_keys(info.base_values, {}, keys=before_fusion)[0]
        differing = changed_keys(theirs_state["values"], checked)
        _check_consistency(checked, theirs_state["values"], their_prov, Path(path).name, names, differing)
        for name, flat in theirs_series.items():  # valeurs d'indicateurs : séries changées seulement
            if name in base_series and flat != base_series[name]:
                _check_consistency(expand_series(name, base_series[name]), expand_series(name, flat), their_prov,
                                   Path(path).name, names)  # fmt: skip
        fallback = Provenance(f"atelier ({info.created_by})", info.created_at)
        plan = plan_three_way(
            ctx,
            package_uuid=info.package_uuid,
            kind="paquet",
            source_name=Path(path).name,
            atelier_id=info.atelier_id,
            base=base,
            theirs=theirs_state["values"],
            theirs_by=lambda key: their_prov[key][0] if key in their_prov else fallback,
            base_journal_id=info.base_journal_id,
            base_series=base_series,
            theirs_series=theirs_series,
            differing=differing if base is info.base_values else None,
            base_before_fusion=before_fusion,
        )
        with ctx.store.session() as s, pkg.store.session() as theirs_session:
            plan.definitions = _workshop_definitions(s, theirs_session, plan)
        return plan


#: Colonnes d'une définition d'indicateur recopiées du paquet.
_DEFINITION_COLUMNS = ("code", "label", "definition", "unit", "direction", "frequency", "scope", "provenance",
                       "category", "storage", "roadmap_id")  # fmt: skip


def _workshop_definitions(mine: Any, theirs: Any, plan: MergePlan) -> list[dict[str, Any]]:
    """Indicateurs que les changements du paquet nomment et que la base n'a pas (définis en atelier)."""
    from sqlalchemy import text

    named = {c.key.split("|")[1] for c in [*plan.to_apply, *plan.conflicts] if c.key.startswith("ind|")}
    named |= {c.key.split("|")[2] for c in [*plan.to_apply, *plan.conflicts] if c.key.startswith("lien|")}
    if not named:
        return []
    known = {fold(code) for (code,) in mine.connection().execute(
        text("SELECT code FROM indicator_definition WHERE NOT archived"))}  # fmt: skip
    missing = sorted(code for code in named if fold(code) not in known)
    if not missing:
        return []
    roadmaps = {i for (i,) in mine.connection().execute(text("SELECT id FROM roadmap"))}
    out = []
    for row in theirs.connection().execute(
        text(f"SELECT {', '.join(_DEFINITION_COLUMNS)} FROM indicator_definition WHERE NOT archived")
    ).all():  # fmt: skip
        found = dict(zip(_DEFINITION_COLUMNS, row, strict=True))
        if found["code"] in missing:
            if found["roadmap_id"] not in roadmaps:
                found["roadmap_id"] = None
            out.append(found)
    return out


def definitions_summary(plan: MergePlan) -> str:
    """« Indicateur défini en atelier, créé à la fusion : PAR15J – Part des ARSA… » (aperçu)."""
    if not plan.definitions:
        return ""
    names = " ; ".join(f"{d['code']} – {d['label']}" for d in plan.definitions)
    one = len(plan.definitions) == 1
    return f"{'Indicateur défini' if one else 'Indicateurs définis'} en atelier, {'créé' if one else 'créés'} à la fusion : {names}"


def _create_definitions(s: Any, plan: MergePlan, op: Any) -> None:
    """Crée les indicateurs définis en atelier, journalisés comme ``indicators add`` (annulables)."""
    from sqlalchemy import text

    from db.models import IndicatorDefinition

    if not plan.definitions:
        return
    last = s.connection().execute(text("SELECT COALESCE(MAX(position), 0) FROM indicator_definition")).scalar() or 0
    archived = {fold(r.code): r for r in s.exec(select(IndicatorDefinition).where(col(IndicatorDefinition.archived)))}
    for i, values in enumerate(plan.definitions, 1):
        row = archived.get(fold(values["code"]))
        if row is None:
            row = IndicatorDefinition(**values, volet=3, position=last + i, archived=False,
                                      source=f"Défini en atelier ({plan.source_name})")  # fmt: skip
        else:  # supprimé (annulé) dans la base : reprend vie avec la définition de l'atelier
            for key, value in values.items():
                setattr(row, key, value)
            row.archived, row.version = False, row.version + 1
        s.add(row)
        s.flush()
        op.add(journal.FieldChange("indicator_definition", row.id or 0, row.code, "archived", True, False))


def _check_consistency(
    base: dict[str, Any],
    theirs: dict[str, Any],
    prov: dict[str, tuple[Provenance, Any]],
    name: str,
    names: dict[str, str],
    differing: list[str] | None = None,
) -> None:
    """Tout changement du paquet doit venir de l'application (journalisé) : sinon, paquet altéré.
    ``differing`` : ``changed_keys(theirs, base)`` déjà calculé."""
    for key in changed_keys(theirs, base) if differing is None else differing:
        if key in base:
            value = theirs[key]
            if key not in prov or prov[key][1] != value:
                raise PackageError(
                    f"Le paquet « {name} » a été modifié en dehors de l'application ({describe_key(key, names)}) : "
                    "fusion refusée, rien n'a été écrit."
                )


@paused_gc()
def apply_merge(
    ctx: AppContext, plan: MergePlan, resolutions: dict[str, Resolution] | None = None
) -> MergeResult:
    """Applique la fusion planifiée ; chaque conflit doit avoir une décision (ou en avoir reçu une avant)."""
    decisions = dict(plan.already_decided)
    decisions.update(resolutions or {})
    missing = [c for c in plan.conflicts if c.key not in decisions]
    if missing:
        raise UserError(
            f"{len(missing)} conflit(s) à trancher avant de fusionner (par exemple {missing[0].label} : "
            f"« {missing[0].show(missing[0].mine)} » ici, « {missing[0].show(missing[0].theirs)} » dans le paquet)."
        )
    writes: list[tuple[FieldChange3, Any, Provenance]] = [
        (c, c.theirs, c.theirs_by) for c in plan.to_apply
    ]
    now = utcnow()
    me = Provenance(ctx.author, now)
    for c in plan.conflicts:
        d = decisions[c.key]
        if d.decision == THEIRS:
            writes.append((c, c.theirs, c.theirs_by))
        elif d.decision == EDIT:
            value = d.value
            if is_indicator_key(c.key) and not c.key.startswith(FLOW_PREFIX) and isinstance(value, str):
                value = parse_edit(c, value)  # texte saisi hors du dialogue : lu et vérifié de même
            if value != c.mine:  # valeur saisie à une fusion précédente, déjà en place : rien à écrire
                writes.append((c, value, me))
        elif d.decision != MINE:
            raise UserError(f"Décision inconnue « {d.decision} » pour {c.label}.")
    if not writes and not resolutions:
        return MergeResult(0, 0, None)  # rien de nouveau : une seconde fusion n'écrit rien du tout
    out = ops.Outcome()
    label = f"Fusion d'atelier ({plan.source_name})"
    with ops.operation(ctx, label, source="atelier", atelier_id=plan.atelier_id, outcome=out) as op:
        s = op.session
        op.touch(ops.WORKSHOPS)
        per_row: dict[tuple[str, int], list[tuple[FieldChange3, Any, Provenance]]] = {}
        flows = [w for w in writes if w[0].key.startswith(FLOW_PREFIX)]
        others = [w for w in writes if is_indicator_key(w[0].key) and not w[0].key.startswith(FLOW_PREFIX)]
        _create_definitions(s, plan, op)
        _write_indicators(s, others, plan, op, now)
        _write_flows(ctx, s, flows, plan, op, now)
        for w in writes:
            if is_indicator_key(w[0].key):
                continue
            entity, ident, _v = plan.versions[w[0].key]
            per_row.setdefault((entity, ident), []).append(w)
        # lignes écrites avec les mêmes colonnes : une requête, exécutée pour toutes (2 000 statuts
        # d'un atelier en une fois plutôt que 2 000 requêtes construites une à une)
        batches: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
        for (entity, ident), items in per_row.items():
            version = plan.versions[items[0][0].key][2]
            values: dict[str, Any] = {c.field: value for c, value, _p in items}
            latest = max(items, key=lambda w: w[2].ts or now)[2]
            if entity == "action_bassin":
                values.update(updated_by=latest.author, updated_at=latest.ts or now)
                if "note" in values:
                    values["note_date"] = (latest.ts or now).date() if values["note"] else None
            values["version"] = version + 1
            batches.setdefault((entity, tuple(sorted(values))), []).append(
                {"row_id": ident, "row_version": version, **{f"new_{k}": v for k, v in values.items()}}
            )
        for (entity, columns), params in batches.items():
            # Requête SQL directe sur la connexion de la transaction : ni chemin ORM ni vidage de la
            # session à chaque ligne ; les entrées du journal partent ensemble à la validation.
            table = (ActionBassin if entity == "action_bassin" else Atelier).__table__  # type: ignore[union-attr]
            statement = (
                update(table)
                .where(table.c.id == bindparam("row_id"), table.c.version == bindparam("row_version"))
                .values({k: bindparam(f"new_{k}") for k in columns})
            )
            conn = s.connection()
            if conn.dialect.supports_sane_multi_rowcount:
                stale = conn.execute(statement, params).rowcount != len(params)
            else:  # pilote qui ne compte pas les lignes d'un lot : une exécution par ligne
                stale = any(conn.execute(statement, row).rowcount != 1 for row in params)
            if stale:
                raise StaleDataError(
                    "La base a été modifiée pendant la fusion : relancez la fusion, elle tiendra compte des derniers changements."
                )
        for (entity, ident), items in per_row.items():
            for c, value, prov in items:
                op.record_as(
                    [
                        journal.FieldChange(
                            entity, ident, c.label.split(" – ")[0], c.field, c.mine, value
                        )
                    ],
                    author=prov.author,
                    ts=prov.ts or now,
                    label=f"{label} : {c.label} {c.show(c.mine)} → {c.show(value)}",
                )
        for c in plan.conflicts:
            if c.key in (resolutions or {}):
                d = decisions[c.key]
                s.add(
                    WorkshopResolution(
                        package_uuid=plan.package_uuid, cell_key=c.key, theirs_value=json.dumps(c.theirs, ensure_ascii=False),
                        decision=d.decision, value=json.dumps(d.value, ensure_ascii=False), decided_at=now, decided_by=ctx.author,
                    )
                )  # fmt: skip
        s.add(
            WorkshopMerge(
                package_uuid=plan.package_uuid, kind=plan.kind, atelier_id=plan.atelier_id, merged_at=now,
                merged_by=ctx.author, applied=len(writes), conflicts=len(plan.conflicts),
                operation_id=op.operation_id if writes else None,
            )
        )  # fmt: skip
    assert out.changes is not None
    return MergeResult(len(writes), len(plan.conflicts), out.changes.operation_id, out.changes)


def _write_indicators(s: Any, writes: list[tuple[FieldChange3, Any, Provenance]], plan: MergePlan, op: Any,
                      now: datetime) -> None:  # fmt: skip
    """Valeurs d'indicateurs et liens venus de l'atelier : ligne créée si besoin, journalisée."""
    from sqlalchemy import text

    from db.models import ActionIndicator, IndicatorValue

    conn = s.connection()
    defs = {code: i for i, code in conn.execute(text("SELECT id, code FROM indicator_definition"))}
    frequencies = indicator_frequencies(s)  # indicateurs définis en atelier compris (créés avant)
    bassin_rows = conn.execute(text("SELECT id, code, name FROM bassin")).all()
    bassins = {code: i for i, code, _name in bassin_rows}
    bassin_names = {code: name for _i, code, name in bassin_rows}
    for c, value, prov in writes:
        parts = c.key.split("|")
        if parts[0] == "ind":
            ind, bid, day = defs.get(parts[1]), bassins.get(parts[2]), date.fromisoformat(parts[3])
            if ind is None:
                continue
            row = s.exec(select(IndicatorValue).where(
                IndicatorValue.indicator_id == ind, IndicatorValue.day == day,
                col(IndicatorValue.bassin_id).is_(None) if bid is None else IndicatorValue.bassin_id == bid)).first()  # fmt: skip
            if row is None:
                row = IndicatorValue(indicator_id=ind, bassin_id=bid, day=day, value=None)
                s.add(row)
                s.flush()
            old = row.value
            row.value, row.updated_by, row.updated_at, row.version = value, prov.author, prov.ts or now, row.version + 1
            s.add(row)
            entity, ident, field_name = "indicator_value", row.id, "value"
            label = describe_key(c.key, bassin_names, frequencies)  # « valeur 2026 », pas « du 01/01/2026 »
        else:
            action_code, roadmap_id = parts[1].split("@")
            found = conn.execute(text("SELECT id FROM action WHERE code = :c AND roadmap_id = :r"),
                                 {"c": action_code, "r": int(roadmap_id)}).first()  # fmt: skip
            ind = defs.get(parts[2])
            if found is None or ind is None:
                continue
            link = s.exec(select(ActionIndicator).where(ActionIndicator.action_id == found[0],
                                                        ActionIndicator.indicator_id == ind)).first()  # fmt: skip
            if link is None:
                link = ActionIndicator(action_id=found[0], indicator_id=ind, kind="autre", active=False)
                s.add(link)
                s.flush()
            field_name = parts[3]
            new = bool(value) if field_name == "active" else (value or "autre")
            old = getattr(link, field_name)
            setattr(link, field_name, new)
            link.version += 1
            s.add(link)
            entity, ident, value = "action_indicator", link.id, new
            label = c.label
        s.flush()
        op.record_as([journal.FieldChange(entity, ident or 0, c.label.split(" – ")[0], field_name, old, value)],
                     author=prov.author, ts=prov.ts or now,
                     label=f"Fusion d'atelier ({plan.source_name}) : {label} {c.show(c.mine)} → {c.show(value)}")  # fmt: skip


def _write_flows(ctx: AppContext, s: Any, writes: list[tuple[FieldChange3, Any, Provenance]], plan: MergePlan,
                 op: Any, now: datetime) -> None:  # fmt: skip
    """Valeurs des flux mensuels venues de l'atelier : par le chemin d'écriture des flux (mêmes
    règles que la page Flux BRSA et l'import), dans l'opération de la fusion ; une valeur refusée
    arrête toute la fusion (``ValidationError``), rien n'est écrit."""
    if not writes:
        return
    from roadmap_app.flows.series import bassins
    from roadmap_app.flows.service import FlowChange, write_in

    refs = {b.id: b for b in bassins(ctx)}
    by_code = {b.code: b.id for b in refs.values()}
    changes: list[FlowChange] = []
    by_change: dict[FlowChange, tuple[FieldChange3, Provenance]] = {}
    for c, value, prov in writes:
        _f, code, bassin, month, _v = c.key.split("|")
        if bassin not in by_code:
            raise UserError(f"{c.label} : bassin archivé ou supprimé depuis l'aperçu. Rien n'a été écrit.")
        ch = FlowChange(by_code[bassin], date.fromisoformat(f"{month}-01"), code,
                        None if value is None else float(value), author=prov.author, at=prov.ts or now)  # fmt: skip
        changes.append(ch)
        by_change[ch] = (c, prov)
    refused = f"Fusion refusée, rien n'a été écrit : valeurs de flux de « {plan.source_name} » invalides"
    for w in write_in(s, changes, refs=refs, who=ctx.author, now=now, refused=refused):
        c, prov = by_change[w.change]
        op.record_as([journal.FieldChange("flow_value", w.row_id, w.label, "value", w.old, w.change.value)],
                     author=prov.author, ts=prov.ts or now,
                     label=f"Fusion d'atelier ({plan.source_name}) : {c.label} {c.show(w.old)} → {c.show(w.change.value)}")  # fmt: skip


def merge_history(ctx: AppContext) -> list[WorkshopMerge]:
    with ctx.store.session() as s:
        return list(s.exec(select(WorkshopMerge).order_by(col(WorkshopMerge.id))).all())


def last_change(items: list[FieldChange3]) -> datetime | None:
    stamps = [c.theirs_by.ts for c in items if c.theirs_by.ts is not None]
    return max(stamps) if stamps else None


__all__ = [
    "CELL_FIELDS",
    "EDIT",
    "MINE",
    "THEIRS",
    "FieldChange3",
    "MergePlan",
    "MergeResult",
    "Resolution",
    "apply_merge",
    "plan_package_merge",
    "plan_three_way",
]
