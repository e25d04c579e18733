"""Écritures des indicateurs de suivi : définitions, liens aux actions, situation de référence,
cibles et valeurs. Chaque écriture est validée (message français qui nomme quoi et où, rien
d'écrit sinon), journalisée et annulable.

Les valeurs et cibles d'un flux mensuel BRSA passent par ``flows.service`` (mêmes règles que la
page Flux BRSA : parts et totaux du mois vérifiés ensemble).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from db.errors import StaleDataError
from db.types import utcnow
from roadmap_app.core import journal, ops
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import UserError, ValidationError
from roadmap_app.core.text import fold
from roadmap_app.flows.validation import window_error
from roadmap_app.indicators.model import (
    DIRECTIONS,
    FREQUENCIES,
    LINK_KINDS,
    PROVENANCES,
    SCOPES,
    UNITS,
    IndicatorDef,
    Step,
    bassin_list,
    canonical_code,
    find_definition,
    format_value,
    load_definitions,
    period_label,
    value_period,
)

#: Plus grande valeur admise (une coquille au-delà) ; en euros : dix milliards.
MAX_VALUE = 10_000_000
MAX_EUROS = 10_000_000_000
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")


def _n(v: float) -> str:
    return f"{v:g}".replace(".", ",")


def _done(out: ops.Outcome) -> str | None:
    """Identifiant de l'opération journalisée (``None`` : rien n'a changé)."""
    return None if out.changes is None else out.changes.operation_id


def _roadmap_id(ctx: AppContext, roadmap: str | int | None) -> int:
    from roadmap_app.plan.read import roadmap_ref

    if roadmap is None and ctx.roadmap_id is not None:
        return ctx.roadmap_id
    with ctx.store.session() as s:
        return roadmap_ref(s, roadmap).id


def _choice(value: str, allowed: dict[str, str] | tuple[str, ...], what: str) -> str:
    keys = list(allowed)
    v = value.strip()
    for k in keys:
        if fold(v) == fold(k) or (isinstance(allowed, dict) and fold(v) == fold(allowed[k])):
            return k
    shown = ", ".join(f"{k} ({allowed[k]})" for k in keys) if isinstance(allowed, dict) else ", ".join(keys)
    raise ValidationError(f"{what} « {value} » inconnu(e) : {shown}.")


# -- définitions --------------------------------------------------------------------------------------
def add_indicator(ctx: AppContext, code: str, *, label: str, unit: str, direction: str = "up", definition: str = "",
                  frequency: str = "free", scope: str = "bassin", provenance: str = "autre",
                  roadmap: str | int | None = None, record_undo: bool = True) -> IndicatorDef:  # fmt: skip
    """Nouvel indicateur d'une feuille de route."""
    from db.models import IndicatorDefinition

    code = code.strip()
    if not CODE_RE.match(code):
        raise ValidationError(
            f"Code d'indicateur « {code} » refusé : 1 à 40 lettres, chiffres, tirets, points ou soulignés."
        )
    label = " ".join(label.split())
    if not label or len(label) > 300:
        raise ValidationError(f"Indicateur {code} : le libellé est obligatoire (300 caractères au plus).")
    unit = _choice(unit, UNITS, "Unité")
    direction = _choice(direction, DIRECTIONS, "Sens")
    frequency = _choice(frequency, FREQUENCIES, "Fréquence")
    scope = _choice(scope, SCOPES, "Portée")
    provenance = _choice(provenance, PROVENANCES, "Source")
    roadmap_id = _roadmap_id(ctx, roadmap)
    out = ops.Outcome()
    with ops.operation(ctx, "Indicateurs de suivi", record_undo=record_undo, outcome=out) as op:
        s = op.session
        same = s.exec(select(IndicatorDefinition).where(col(IndicatorDefinition.code) == code)).first()
        if same is None:
            # le code est unique sans tenir compte de la casse
            for other in s.exec(select(IndicatorDefinition)).all():
                if fold(other.code) == fold(code):
                    same = other
        if same is not None and not same.archived:
            raise ValidationError(f"L'indicateur « {same.code} » existe déjà ({same.label}) : choisissez un autre code.")
        if canonical_code(code) != code:
            flow = find_definition(load_definitions(ctx), code)
            raise ValidationError(f"Le code « {code} » est celui d'un indicateur national fondu dans le flux "
                                  f"{flow.title} : liez ou saisissez ce flux, ou choisissez un autre code.")  # fmt: skip
        last = max([i.position for i in s.exec(select(IndicatorDefinition)).all()] or [0])
        values: dict[str, Any] = dict(
            label=label, unit=unit, direction=direction, definition=definition.strip(), frequency=frequency,
            scope=scope, provenance=provenance, roadmap_id=roadmap_id,
        )  # fmt: skip
        if same is None:
            row = IndicatorDefinition(code=code, category="feuille de route", volet=3, storage="valeurs",
                                      position=last + 1, archived=False, source=f"Saisi par {ctx.author}",
                                      **values)  # fmt: skip
            s.add(row)
            s.flush()
            changes = [journal.FieldChange("indicator_definition", row.id or 0, code, "archived", True, False)]
        else:  # un indicateur supprimé (annulé) reprend vie avec la nouvelle définition
            row = same
            old = {k: getattr(row, k) for k in values}
            _update(s, "IndicatorDefinition", row, {**values, "archived": False}, what=f"L'indicateur {code}")
            changes = [journal.FieldChange("indicator_definition", row.id or 0, code, k, old[k], v)
                       for k, v in values.items() if old[k] != v]  # fmt: skip
            changes.append(journal.FieldChange("indicator_definition", row.id or 0, code, "archived", True, False))
        op.label = f"Nouvel indicateur « {code} »"
        op.add(*changes)
    return find_definition(load_definitions(ctx), code)


def _update(s: Session, model_name: str, row: Any, values: dict[str, Any], *, what: str) -> None:
    import db.models

    model = getattr(db.models, model_name)
    result = s.execute(
        update(model).where(col(model.id) == row.id, col(model.version) == row.version)
        .values(**values, version=row.version + 1).execution_options(synchronize_session=False)
    )  # fmt: skip
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleDataError(f"{what} vient d'être modifié ailleurs : rechargez et recommencez.")


#: Champs d'une définition que l'utilisateur modifie (le code, clé des imports, des instantanés et
#: des paquets d'atelier, ne change pas).
EDITABLE = ("label", "definition", "unit", "direction", "frequency", "scope", "provenance")


def _refuse_builtin(d: IndicatorDef, archive: bool = False) -> None:
    if d.builtin and archive:
        raise ValidationError(f"L'indicateur {d.code} est {d.builtin} : il ne s'archive pas "
                              "(retirez plutôt son lien aux actions).")  # fmt: skip
    if d.builtin:
        raise ValidationError(f"L'indicateur {d.code} est {d.builtin} : sa définition ne se modifie pas ; "
                              "seules sa référence, ses cibles et ses valeurs se saisissent.")  # fmt: skip


def _check_existing(ctx: AppContext, d: IndicatorDef, new: IndicatorDef) -> None:
    """Les valeurs, références et cibles déjà saisies restent valables avec la nouvelle unité,
    portée ou fréquence ; sinon un message qui nomme l'indicateur et la première valeur en cause."""
    from roadmap_app.indicators.model import load_series

    points, steps = load_series(ctx, [d])
    names: dict[int | None, str] = dict(bassin_list(ctx))
    values = [(bid, p.day, p.value, "valeur") for (ind, bid), lst in points.items() if ind == d.id for p in lst]
    all_steps = [(bid, st.effective_from, st.value, "référence" if st.kind == "baseline" else "cible")
                 for (ind, bid), lst in steps.items() if ind == d.id for st in lst]  # fmt: skip
    if new.unit != d.unit:
        for bid, day, value, what in values + all_steps:
            try:
                check_value(new, value, f"{what} du {day:%d/%m/%Y} ({names.get(bid, 'tout le plan')})")
            except ValidationError as err:
                raise ValidationError(f"L'indicateur {d.code} ne peut pas passer en « {new.unit} » : {err}") from None
    if new.scope != d.scope:
        to = SCOPES[new.scope]
        if values:
            bid, day, _v, _w = values[0]
            raise ValidationError(f"L'indicateur {d.code} ne peut pas changer de portée (« {to} ») : {len(values)} valeur(s) sont "
                                  f"déjà saisies {SCOPES[d.scope]} (la première au {day:%d/%m/%Y}, "
                                  f"{names.get(bid, 'tout le plan') if bid else 'tout le plan'}).")  # fmt: skip
        per_bassin = [st for st in all_steps if st[0] is not None]
        if new.scope == "plan" and per_bassin:
            bid, day, _v, what = per_bassin[0]
            raise ValidationError(f"L'indicateur {d.code} ne peut pas changer de portée (« {to} ») : une {what} est fixée pour le "
                                  f"bassin {names.get(bid, str(bid))} (au {day:%d/%m/%Y}).")  # fmt: skip
    if new.frequency != d.frequency:
        for bid, day, _v, _w in values:
            if normalize_day(new, day) != day:
                raise ValidationError(f"L'indicateur {d.code} ne peut pas passer en fréquence "
                                      f"{FREQUENCIES[new.frequency]} : la valeur du {day:%d/%m/%Y} "
                                      f"({names.get(bid, 'tout le plan') if bid else 'tout le plan'}) n'est pas "
                                      "datée du début de sa période.")  # fmt: skip


def update_indicator(ctx: AppContext, key: str | int, *, label: str | None = None, definition: str | None = None,
                     unit: str | None = None, direction: str | None = None, frequency: str | None = None,
                     scope: str | None = None, provenance: str | None = None, expected_version: int | None = None,
                     record_undo: bool = True) -> IndicatorDef:  # fmt: skip
    """Modifie la définition d'un indicateur de la feuille de route (pas son code) ; ``None`` :
    champ inchangé. Les indicateurs nationaux et les flux ne se modifient pas. Une unité, une
    portée ou une fréquence que les valeurs déjà saisies ne respecteraient pas est refusée.
    ``expected_version`` : version lue par la boîte de dialogue (modifié ailleurs depuis : refusé)."""
    from dataclasses import replace as _replace

    from db.models import IndicatorDefinition

    d = find_definition(load_definitions(ctx), key)
    _refuse_builtin(d)
    wanted: dict[str, Any] = {}
    if label is not None:
        wanted["label"] = " ".join(label.split())
        if not wanted["label"] or len(wanted["label"]) > 300:
            raise ValidationError(f"Indicateur {d.code} : le libellé est obligatoire (300 caractères au plus).")
    if definition is not None:
        wanted["definition"] = definition.strip()
    for name, value, allowed, what in (("unit", unit, UNITS, "Unité"), ("direction", direction, DIRECTIONS, "Sens"),
                                       ("frequency", frequency, FREQUENCIES, "Fréquence"),
                                       ("scope", scope, SCOPES, "Portée"),
                                       ("provenance", provenance, PROVENANCES, "Source")):  # fmt: skip
        if value is not None:
            wanted[name] = _choice(value, allowed, what)
    changed = {k: v for k, v in wanted.items() if getattr(d, k) != v}
    if not changed:
        return d
    if {"unit", "scope", "frequency"} & set(changed):
        _check_existing(ctx, d, _replace(d, **changed))
    with ops.operation(ctx, "Indicateurs de suivi", record_undo=record_undo) as op:
        s = op.session
        row = s.get(IndicatorDefinition, d.id)
        if row is None or row.archived or (expected_version is not None and row.version != expected_version):
            raise StaleDataError(f"L'indicateur {d.code} vient d'être modifié ailleurs : rechargez et recommencez.")
        old = {k: getattr(row, k) for k in changed}
        _update(s, "IndicatorDefinition", row, changed, what=f"L'indicateur {d.code}")
        op.label = f"Indicateur « {d.code} » modifié"
        op.add(*(journal.FieldChange("indicator_definition", d.id, d.code, k, old[k], v) for k, v in changed.items()))
    return find_definition(load_definitions(ctx), d.id)


def archive_indicator(ctx: AppContext, key: str | int, *, expected_version: int | None = None,
                      record_undo: bool = True) -> str | None:  # fmt: skip
    """Archive un indicateur de la feuille de route : il quitte les listes, les panneaux, les
    instantanés à venir ; ses valeurs, cibles et liens sont gardés (annuler, ou le redéfinir avec
    le même code, le fait revenir avec eux)."""
    from db.models import IndicatorDefinition

    d = find_definition(load_definitions(ctx), key)
    _refuse_builtin(d, archive=True)
    out = ops.Outcome()
    with ops.operation(ctx, "Indicateurs de suivi", record_undo=record_undo, outcome=out) as op:
        s = op.session
        row = s.get(IndicatorDefinition, d.id)
        if row is None or row.archived or (expected_version is not None and row.version != expected_version):
            raise StaleDataError(f"L'indicateur {d.code} vient d'être modifié ailleurs : rechargez et recommencez.")
        _update(s, "IndicatorDefinition", row, {"archived": True}, what=f"L'indicateur {d.code}")
        op.label = f"Indicateur « {d.code} » archivé"
        op.change("indicator_definition", d.id, d.code, "archived", False, True)
    return _done(out)


# -- liens --------------------------------------------------------------------------------------------
def _action(s: Session, ctx: AppContext, key: str | int, roadmap: str | int | None) -> Any:
    from roadmap_app.plan.editing import find_action
    from roadmap_app.plan.read import resolve_roadmap

    rm = resolve_roadmap(s, roadmap if roadmap is not None else ctx.roadmap_id)
    found = find_action(s, rm, key)
    if found.archived:
        raise ValidationError(f"L'action {found.code} est archivée : elle ne peut pas être liée à un indicateur.")
    return found


def link(ctx: AppContext, action: str | int, indicator: str | int, *, kind: str = "autre",
         roadmap: str | int | None = None, record_undo: bool = True) -> str | None:  # fmt: skip
    """L'action est mesurée par l'indicateur (``kind`` : tdb ou autre). Déjà lié : change la sorte."""
    from db.models import ActionIndicator

    kind = _choice(kind, LINK_KINDS, "Sorte de lien")
    d = find_definition(load_definitions(ctx), indicator)
    out = ops.Outcome()
    with ops.operation(ctx, "Indicateurs de suivi", record_undo=record_undo, outcome=out) as op:
        s = op.session
        act = _action(s, ctx, action, roadmap)
        if d.roadmap_id not in (None, act.roadmap_id):
            raise ValidationError(f"L'indicateur {d.code} appartient à une autre feuille de route que l'action {act.code}.")
        row = s.exec(select(ActionIndicator).where(ActionIndicator.action_id == act.id,
                                                   ActionIndicator.indicator_id == d.id)).first()  # fmt: skip
        where = f"{act.code} ↔ {d.code}"
        if row is None:
            row = ActionIndicator(action_id=act.id, indicator_id=d.id, kind=kind, active=True)
            s.add(row)
            s.flush()
            changes = [journal.FieldChange("action_indicator", row.id or 0, where, "active", False, True),
                       journal.FieldChange("action_indicator", row.id or 0, where, "kind", kind, kind)]  # fmt: skip
        else:
            if row.active and row.kind == kind:
                raise ValidationError(f"L'action {act.code} est déjà liée à l'indicateur {d.code}.")
            changes = [journal.FieldChange("action_indicator", row.id or 0, where, f, getattr(row, f), v)
                       for f, v in (("active", True), ("kind", kind)) if getattr(row, f) != v]  # fmt: skip
            _update(s, "ActionIndicator", row, {"active": True, "kind": kind}, what=f"Le lien {where}")
        op.label = f"Indicateur {d.code} lié à {act.code} ({LINK_KINDS[kind]})"
        op.add(*changes)
    return _done(out)


def unlink(ctx: AppContext, action: str | int, indicator: str | int, *, roadmap: str | int | None = None,
           record_undo: bool = True) -> str | None:  # fmt: skip
    from db.models import ActionIndicator

    d = find_definition(load_definitions(ctx, archived=True), indicator)
    out = ops.Outcome()
    with ops.operation(ctx, "Indicateurs de suivi", record_undo=record_undo, outcome=out) as op:
        s = op.session
        act = _action(s, ctx, action, roadmap)
        row = s.exec(select(ActionIndicator).where(ActionIndicator.action_id == act.id,
                                                   ActionIndicator.indicator_id == d.id)).first()  # fmt: skip
        if row is None or not row.active:
            raise ValidationError(f"L'action {act.code} n'est pas liée à l'indicateur {d.code}.")
        where = f"{act.code} ↔ {d.code}"
        _update(s, "ActionIndicator", row, {"active": False}, what=f"Le lien {where}")
        op.label = f"Indicateur {d.code} retiré de {act.code}"
        op.change("action_indicator", row.id or 0, where, "active", True, False)
    return _done(out)


# -- valeurs, référence, cibles ---------------------------------------------------------------------
def check_value(d: IndicatorDef, value: float, where: str) -> None:
    """Unité et bornes : pas de négatif, un % au plus 100, un nombre de personnes entier."""
    if not math.isfinite(value) or abs(value) > (MAX_EUROS if d.unit == "€" else MAX_VALUE):
        raise ValidationError(f"{where} : « {value:g} » est hors limites pour l'indicateur {d.code}.")
    if value < 0:
        raise ValidationError(f"{where} : {_n(value)} est négatif ; l'indicateur {d.code} ({d.unit}) ne peut pas l'être.")
    if d.unit == "%" and value > 100:
        raise ValidationError(f"{where} : {_n(value)} % dépasse 100 % (indicateur {d.code}, en %).")
    if d.is_flow and d.unit == "nombre" and value != int(value):
        raise ValidationError(f"{where} : {_n(value)} n'est pas un nombre entier (indicateur {d.code}).")


def normalize_day(d: IndicatorDef, day: date) -> date:
    """Début de la période de la valeur : mois, trimestre ou année selon la fréquence."""
    if d.is_flow or d.frequency == "month":
        return day.replace(day=1)
    if d.frequency == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if d.frequency == "year":
        return date(day.year, 1, 1)
    return day


def _check_day(day: date, what: str, d: IndicatorDef, bassin: str = "") -> None:
    """Date hors de la fenêtre : « R1, Lensois : date 01/01/2045 hors de la période acceptée… »."""
    msg = window_error(day, what)
    if msg:
        raise ValidationError(f"{d.code}{', ' + bassin if bassin else ''} : {msg[0].lower()}{msg[1:]}")


def _bassin(ctx: AppContext, d: IndicatorDef, bassin: str | int | None, *, common: bool = False
            ) -> tuple[int | None, str]:  # fmt: skip
    """Le bassin d'une saisie ; ``common`` : une cible ou une référence peut valoir pour tous les
    bassins, y compris d'un flux (une valeur de flux, jamais)."""
    if not d.per_bassin:
        if bassin not in (None, ""):
            raise ValidationError(f"L'indicateur {d.code} porte sur tout le plan : n'indiquez pas de bassin.")
        return None, "Tout le plan"
    if bassin in (None, ""):
        if d.is_flow and not common:
            raise ValidationError(f"L'indicateur {d.code} est suivi par bassin : indiquez le bassin.")
        return None, "Tous les bassins"
    from roadmap_app.flows.series import bassins
    from roadmap_app.plan.read import find_bassin

    b = find_bassin(bassins(ctx), bassin)
    return b.id, b.name


@dataclass(frozen=True)
class ValueInput:
    indicator: str | int
    bassin: str | int | None
    day: date
    value: float
    where: str = ""  # « ligne 4 » (import)


Prepared = tuple[IndicatorDef, int | None, str, date, float, str]


def check_values(ctx: AppContext, items: list[ValueInput], *, replace: bool = False
                 ) -> tuple[list[Prepared], list[tuple[int, str]]]:  # fmt: skip
    """Vérifie des valeurs sans rien écrire : les valeurs prêtes à écrire, et les refus (rang de
    la valeur dans ``items``, motif sans son emplacement ``where``)."""
    defs = load_definitions(ctx, archived=False)
    prepared: list[Prepared] = []
    ranks: list[int] = []
    seen: dict[tuple[int, int | None, date], str] = {}
    errors: list[tuple[int, str]] = []
    for i, it in enumerate(items):
        try:
            d = find_definition(defs, it.indicator)
            bid, bname = _bassin(ctx, d, it.bassin)
            if d.per_bassin and bid is None:
                raise ValidationError(f"L'indicateur {d.code} est suivi par bassin : indiquez le bassin de la valeur.")
            day = normalize_day(d, it.day)
            _check_day(day, "Date", d, bname)
            where = f"{d.code}, {bname}, {period_label(d.frequency, day)}"  # « 2025 », « juil. 2024 »
            check_value(d, float(it.value), where)
        except UserError as err:  # indicateur ou bassin inconnu, valeur ou date refusée
            errors.append((i, str(err)))
            continue
        key = (d.id, bid, day)
        if key in seen:
            errors.append((i, f"{where} : valeur en double (déjà donnée {seen[key] or 'plus haut'})."))
            continue
        seen[key] = it.where
        prepared.append((d, bid, bname, day, float(it.value), f"{it.where} : " if it.where else ""))
        ranks.append(i)
    # doublons avec ce qui est déjà enregistré
    if not replace and prepared:
        from roadmap_app.indicators.model import load_series

        points, _steps = load_series(ctx, {p[0] for p in prepared})
        for i, (d, bid, bname, day, _v, _prefix) in zip(ranks, prepared, strict=True):
            for p in points.get((d.id, bid), []):
                if p.day == day:
                    errors.append((i, f"{d.code}, {bname}, {period_label(d.frequency, day)} : une valeur est déjà saisie "
                                      f"({format_value(d, p.value)}, par {p.by or 'un autre utilisateur'}) ; "
                                      "corrigez-la plutôt que d'en ajouter une seconde."))  # fmt: skip
    return prepared, errors


def set_values(ctx: AppContext, items: list[ValueInput], *, replace: bool = False, label: str | None = None,
               record_undo: bool = True, dry_run: bool = False) -> tuple[str | None, int]:  # fmt: skip
    """Écrit des valeurs mesurées, tout ou rien (une opération journalisée, annulable).

    Une valeur déjà saisie pour la même date (et le même bassin) est refusée, sauf ``replace``.
    Renvoie (opération, nombre de valeurs écrites)."""
    from db.models import IndicatorValue

    prepared, problems = check_values(ctx, items, replace=replace)
    errors = [f"{items[i].where} : {msg}" if items[i].where else msg for i, msg in sorted(problems)]
    if errors and len(items) == 1 and not items[0].where:  # une saisie : un message d'une ligne
        raise ValidationError(f"Valeur refusée, rien n'a été enregistré : {errors[0]}")
    if errors:
        shown = "\n".join(f"- {e}" for e in errors[:15])
        more = f"\n… et {len(errors) - 15} autre(s)." if len(errors) > 15 else ""
        raise ValidationError(f"Valeurs refusées, rien n'a été enregistré :\n{shown}{more}")
    if dry_run or not prepared:
        return None, len(prepared)
    label = label or (f"Valeur {value_period(prepared[0][0], prepared[0][3])} de {prepared[0][0].code} – "
                      f"{prepared[0][2]}" if len(prepared) == 1 else f"{len(prepared)} valeurs d'indicateurs")  # fmt: skip
    flows = [p for p in prepared if p[0].is_flow]
    generic = [p for p in prepared if not p[0].is_flow]
    now, who = utcnow(), ctx.author
    changes: list[journal.FieldChange] = []
    out = ops.Outcome()
    # une opération pour tout le fichier : flux (par le chemin de la page Flux BRSA, règles du mois
    # comprises) et autres indicateurs ; annulée d'un seul Ctrl+Z
    with ops.operation(ctx, "Indicateurs de suivi", record_undo=record_undo, outcome=out) as op:
        s = op.session
        if flows:
            from roadmap_app.flows.series import bassins
            from roadmap_app.flows.service import FlowChange, write_in

            refs = {b.id: b for b in bassins(ctx)}
            for w in write_in(s, [FlowChange(bid or 0, day, d.code, v) for d, bid, _b, day, v, _p in flows],
                              refs=refs, who=who, now=now):  # fmt: skip
                changes.append(journal.FieldChange("flow_value", w.row_id, w.label, "value", w.old, w.change.value))
        for d, bid, bname, day, v, _p in generic:
            row = s.exec(select(IndicatorValue).where(IndicatorValue.indicator_id == d.id,
                                                      col(IndicatorValue.bassin_id).is_(None) if bid is None
                                                      else IndicatorValue.bassin_id == bid,
                                                      IndicatorValue.day == day)).first()  # fmt: skip
            cell = f"{d.code} / {bname} / {value_period(d, day)}"
            if row is None:
                row = IndicatorValue(indicator_id=d.id, bassin_id=bid, day=day, value=v, updated_at=now, updated_by=who)
                s.add(row)
                s.flush()
                changes.append(journal.FieldChange("indicator_value", row.id or 0, cell, "value", None, v))
            elif row.value != v:
                changes.append(journal.FieldChange("indicator_value", row.id or 0, cell, "value", row.value, v))
                _update(s, "IndicatorValue", row, {"value": v, "updated_at": now, "updated_by": who}, what=cell)
        op.label = label
        op.add(*changes)
    return _done(out), len(changes)


def set_value(ctx: AppContext, indicator: str | int, value: float, day: date, *, bassin: str | int | None = None,
              replace: bool = False, record_undo: bool = True) -> str | None:  # fmt: skip
    return set_values(ctx, [ValueInput(indicator, bassin, day, value)], replace=replace, record_undo=record_undo)[0]


def _step_row(s: Session, indicator_id: int, kind: str, bid: int | None, day: date) -> Any:
    """La ligne ``indicator_target`` d'une étape (sorte, bassin ou commune, date), ou ``None``."""
    from db.models import IndicatorTarget

    return s.exec(select(IndicatorTarget).where(
        IndicatorTarget.indicator_id == indicator_id, IndicatorTarget.kind == kind,
        col(IndicatorTarget.bassin_id).is_(None) if bid is None else IndicatorTarget.bassin_id == bid,
        IndicatorTarget.effective_from == day)).first()  # fmt: skip


class StepExistsError(ValidationError):
    """Une référence ou une cible est déjà fixée à cette date (pour ce bassin) : la remplacer
    demande ``replace`` (une correction, journalisée et annulable)."""

    def __init__(self, message: str, old: float) -> None:
        super().__init__(message)
        self.old = old


def target_after_volet(ctx: AppContext, d: IndicatorDef, day: date, year: int | None = None) -> str | None:
    """Avertissement (en français) pour une cible qui commence après la fin du volet 3, sinon
    ``None``. La cible reste permise (une prolongation de la convention) : l'interface demande de
    confirmer, la ligne de commande écrit l'avertissement."""
    from roadmap_app.plan.timeline import volet3_period

    end = volet3_period(ctx)[1]
    if day <= end:
        return None
    when = str(year) if year else f"à partir du {day:%d/%m/%Y}"
    return (f"La cible {when} de {d.code} commence après la fin du volet 3 ({end:%d/%m/%Y}) : vérifiez "
            "l'année ; une cible au-delà suppose une prolongation de la convention.")  # fmt: skip


def suggested_target_year(ctx: AppContext, d: IndicatorDef) -> int:
    """Année proposée pour la prochaine cible : celle qui suit la dernière cible de l'indicateur
    (tous bassins), sinon l'année en cours, ramenée dans les années du volet 3 (2024 à 2025 :
    pas « 2027 » pour une convention qui finit en 2025)."""
    from roadmap_app.indicators.model import load_series
    from roadmap_app.plan.timeline import volet3_period

    start, end = volet3_period(ctx)
    _points, steps = load_series(ctx, [d])
    years = [st.effective_from.year for (i, _b), lst in steps.items() if i == d.id for st in lst
             if st.kind != "baseline"]  # fmt: skip
    year = max(years) + 1 if years else ctx.today().year
    return min(max(year, start.year), end.year)


def set_step(ctx: AppContext, indicator: str | int, kind: str, value: float, *, day: date | None = None,
             year: int | None = None, bassin: str | int | None = None, record_undo: bool = True,
             replace: bool = False) -> str | None:  # fmt: skip
    """Situation de référence (``kind = "baseline"``) ou cible (``"target"``) à partir d'une date
    ou d'une année (cible 2025 : à partir du 1er janvier 2025). Une étape déjà fixée à la même date
    pour le même bassin est refusée (``StepExistsError``), sauf ``replace`` : elle est corrigée."""
    from db.models import IndicatorTarget

    if kind not in ("baseline", "target"):
        raise ValidationError(f"Sorte « {kind} » inconnue : baseline (référence) ou target (cible).")
    what = "Situation de référence" if kind == "baseline" else "Cible"
    d = find_definition(load_definitions(ctx), indicator)
    if (day is None) == (year is None):
        raise ValidationError(f"{what} de {d.code} : donnez une date ou une année (l'une des deux).")
    if year is not None:
        if not 2010 <= year <= 2040:
            raise ValidationError(f"{what} de {d.code} : année {year} hors de la période acceptée (2010 à 2040).")
        day = date(year, 12, 31) if kind == "baseline" else date(year, 1, 1)
    assert day is not None
    bid, bname = _bassin(ctx, d, bassin, common=True)
    _check_day(day, "Date", d, bname)
    when = Step(kind, bid, 0.0, day, year).when(d)  # « 2025 », « juil. 2024 », « 31/12/2023 »
    where = f"{what} de {d.code} ({bname}, {when})"
    check_value(d, float(value), where)
    from roadmap_app.indicators.model import load_series

    _points, steps = load_series(ctx, [d])
    mine = steps.get((d.id, None), []) + (steps.get((d.id, bid), []) if bid is not None else [])
    if bid is None:  # cible commune : vérifiée contre toutes les références
        mine = [st for (i, _b), lst in steps.items() if i == d.id for st in lst]
    if kind == "target":
        base = [st for st in mine if st.kind == "baseline" and (bid is None or st.bassin_id in (None, bid))]
        late = [st for st in base if st.effective_from > day]
        if late:
            raise ValidationError(f"{where} : la cible commence avant la situation de référence "
                                  f"({format_value(d, late[0].value)} au {late[0].effective_from:%d/%m/%Y}).")  # fmt: skip
        if d.is_flow:
            from roadmap_app.flows.service import add_target

            t_kind = "min" if d.direction == "up" else "max"
            return add_target(ctx, d.code, float(value), day, kind=t_kind, bassin=bid, record_undo=record_undo,
                              label=f"cible {year}" if year else "", source="saisie").operation  # fmt: skip
    else:
        targets = [st for st in mine if st.kind != "baseline" and (bid is None or st.bassin_id in (None, bid))]
        early = [st for st in targets if st.effective_from < day]
        if early:
            raise ValidationError(f"{where} : une cible commence avant cette date "
                                  f"({format_value(d, early[0].value)} à partir du {early[0].effective_from:%d/%m/%Y}).")  # fmt: skip
    now = utcnow()
    out = ops.Outcome()
    with ops.operation(ctx, "Indicateurs de suivi", record_undo=record_undo, outcome=out) as op:
        s = op.session
        row = _step_row(s, d.id, kind, bid, day)
        cell = f"{d.code} / {bname} / {what.lower()} {when}"
        if row is not None and row.value is not None and not replace:
            if row.value == float(value):
                return None  # la même étape, déjà fixée : rien à écrire
            article = "une cible" if kind == "target" else "une situation de référence"
            raise StepExistsError(f"{where} : {article} est déjà fixée à cette date ({format_value(d, row.value)}) ; "
                                  "confirmez son remplacement pour la corriger (--replace en ligne de commande).",
                                  row.value)  # fmt: skip
        if row is None:
            row = IndicatorTarget(indicator_id=d.id, bassin_id=bid, kind=kind, value=float(value), effective_from=day,
                                  year=year, label=(f"cible {year}" if kind == "target" and year else ""),
                                  updated_at=now, updated_by=ctx.author)  # fmt: skip
            s.add(row)
            s.flush()
            old = None
        else:
            old = row.value
            _update(s, "IndicatorTarget", row, {"value": float(value), "updated_at": now, "updated_by": ctx.author},
                    what=cell)  # fmt: skip
        op.label = f"{what} de {d.code} – {bname} : {format_value(d, value)}"
        op.change("indicator_target", row.id or 0, cell, "value", old, float(value))
    return _done(out)


def remove_step(ctx: AppContext, indicator: str | int, kind: str, day: date, *, bassin: str | int | None = None,
                record_undo: bool = True) -> str | None:  # fmt: skip
    """Retire une situation de référence ou une cible (fixée par erreur) : journalisé, annulable
    (Ctrl+Z la rétablit). Les cibles des flux, datées dans la page Flux BRSA, ne se retirent pas ici."""
    what = "Situation de référence" if kind == "baseline" else "Cible"
    d = find_definition(load_definitions(ctx), indicator)
    if d.is_flow:
        raise ValidationError(f"{d.code} est un flux mensuel BRSA : ses cibles se gèrent dans la page Flux BRSA.")
    bid, bname = _bassin(ctx, d, bassin)
    out = ops.Outcome()
    with ops.operation(ctx, "Indicateurs de suivi", record_undo=record_undo, outcome=out) as op:
        s = op.session
        row = _step_row(s, d.id, kind, bid, day)
        when = Step(kind, bid, 0.0, day, row.year if row is not None else None).when(d)
        if row is None or row.value is None:
            raise ValidationError(f"{what} de {d.code} ({bname}, {when}) introuvable : rien à retirer.")
        cell = f"{d.code} / {bname} / {what.lower()} {when}"
        old = row.value
        _update(s, "IndicatorTarget", row, {"value": None, "updated_at": utcnow(), "updated_by": ctx.author},
                what=cell)  # fmt: skip
        op.label = f"{what} de {d.code} – {bname} ({when}) retirée"
        op.change("indicator_target", row.id or 0, cell, "value", old, None)
    return _done(out)


def bassin_names(ctx: AppContext) -> list[str]:
    return [name for _i, name in bassin_list(ctx)]
