"""Calendrier iCalendar (RFC 5545) des échéances, pour Outlook, Thunderbird et les agendas.

Un événement sur la journée par échéance d'action et par bassin (une période : un événement sur
son dernier jour, la période dans la description), plus les dates clés de la convention. Les
identifiants (UID) dépendent de la feuille de route, de l'action et du bassin — jamais de
l'ordre des lignes — : réimporter le fichier met à jour les événements au lieu de les dupliquer.

Pliage des lignes et échappement : bibliothèque ``icalendar`` (importée à l'appel). Écriture
atomique (``core.files.atomic_output``) : rien de partiel à destination.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from roadmap_app import __version__
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import ValidationError
from roadmap_app.core.text import fold
from roadmap_app.plan.read import PlanView, load_plan
from roadmap_app.plan.timeline import (
    KeyDate,
    TimelineItem,
    build_timeline,
    status_lines,
    store_key_dates,
)

#: espace de noms des UID (fixe : un UID ne change jamais d'un export à l'autre)
UID_NAMESPACE = uuid.UUID("6f0b7f9e-3c1d-5a7e-9a41-2d8c0e5b7a13")
UID_DOMAIN = "roadmap-app"


@dataclass(frozen=True)
class IcsResult:
    path: Path
    events: int
    actions: int
    undated: int  # actions sans date lisible : pas d'événement

    def message(self) -> str:
        text = (
            f"Calendrier écrit : {self.path} — {self.events} événement(s) "
            f"({self.actions} action(s) datée(s) et dates clés de la convention)"
        )
        if self.undated:
            text += f" ; {self.undated} action(s) sans date lisible non exportée(s)"
        return text + "."


def action_uid(roadmap_code: str, action_id: int, bassin_code: str) -> str:
    """UID d'une échéance : feuille de route + identité de l'action + bassin."""
    key = f"{roadmap_code}|action|{action_id}|{bassin_code}"
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@{UID_DOMAIN}"


def key_date_uid(roadmap_code: str, key: str) -> str:
    return f"{uuid.uuid5(UID_NAMESPACE, f'{roadmap_code}|date|{key}')}@{UID_DOMAIN}"


def _period_text(item: TimelineItem) -> str:
    e = item.echeance
    assert e.start is not None and e.end is not None
    if item.milestone:
        return f"Échéance écrite : « {e.label} » (le {e.end:%d/%m/%Y})."
    return (
        f"Échéance écrite : « {e.label} » — période ({item.precision_label}) du "
        f"{e.start:%d/%m/%Y} au {e.end:%d/%m/%Y} ; l'événement est placé sur son dernier jour."
    )


def build_calendar(
    plan: PlanView,
    key_dates: list[KeyDate],
    *,
    bassin: str | int | None = None,
    pilote: str | None = None,
    exported_on: date | None = None,
    stamp: datetime | None = None,
) -> tuple[bytes, int, int, int]:
    """(contenu .ics, événements, actions datées, actions sans date)."""
    from icalendar import Calendar, Event

    bassins = plan.bassins if bassin is None else [plan.bassin(bassin)]
    wanted_pilote = None
    if pilote is not None:
        key = fold(pilote.strip())
        known = {fold(o.code): o.code for o in plan.organisations}
        known.update({fold(o.name): o.code for o in plan.organisations})
        wanted_pilote = known.get(key)
        if wanted_pilote is None:
            codes = ", ".join(sorted({o.code for o in plan.organisations}))
            raise ValidationError(f"Pilote « {pilote} » inconnu. Pilotes : {codes}.")
    day = exported_on or plan.today
    now = stamp or datetime.now(UTC).replace(microsecond=0)
    footer = f"Exporté de roadmap-app {__version__} le {day:%d/%m/%Y}."
    cal = Calendar()
    cal.add("prodid", f"-//roadmap-app//Echeancier {__version__}//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Échéances — {plan.roadmap.name}")
    timeline = build_timeline(plan, key_dates)
    rm = plan.roadmap
    events = actions = 0
    undated = 0
    for item in timeline.items():
        a = item.action
        if wanted_pilote is not None and wanted_pilote not in a.pilotes:
            continue
        if not item.dated:
            undated += 1
            continue
        assert item.end is not None
        counted = False
        for b in bassins:
            if b.id not in a.statuses:
                continue  # action qui ne concerne pas ce bassin
            ev = Event()
            ev.add("uid", action_uid(rm.code, a.id, b.code))
            ev.add("dtstamp", now)
            ev.add("dtstart", item.end)
            ev.add("dtend", item.end + timedelta(days=1))
            ev.add("summary", f"{a.code} — {a.intitule} ({b.name})")
            lines = [_period_text(item), "", "Statut par bassin :"]
            lines += [f"  {line}" for line in status_lines(item, plan.bassins)]
            lines += ["", f"Pilotes : {a.pilotes_label or '—'}"]
            lines += [
                f"Axe : {a.axe_code} – {a.axe_title}",
                f"Cible : {a.cible_code} – {a.cible_title}",
            ]
            lines += ["", footer]
            ev.add("description", "\n".join(lines))
            ev.add("categories", ["Feuille de route", b.name])
            ev.add("transp", "TRANSPARENT")
            cal.add_component(ev)
            events += 1
            counted = True
        actions += counted
    for k in key_dates:
        ev = Event()
        ev.add("uid", key_date_uid(rm.code, k.key))
        ev.add("dtstamp", now)
        ev.add("dtstart", k.date)
        ev.add("dtend", k.date + timedelta(days=1))
        ev.add("summary", k.label)
        ev.add("description", f"Date clé de la convention ({rm.name}).\n\n{footer}")
        ev.add("categories", ["Convention"])
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
        events += 1
    return cal.to_ical(), events, actions, undated


def export_ics(
    ctx: AppContext,
    destination: str | Path,
    *,
    bassin: str | int | None = None,
    pilote: str | None = None,
    roadmap: str | int | None = None,
) -> IcsResult:
    """Écrit le calendrier ; une erreur d'écriture donne un message français, sans fichier
    partiel."""
    from roadmap_app.core.files import atomic_output

    dest = Path(destination)
    if dest.suffix.lower() != ".ics":
        raise ValidationError(
            f"Le calendrier doit avoir l'extension .ics (reçu : « {dest.name} »)."
        )
    plan = load_plan(ctx, roadmap)
    content, events, actions, undated = build_calendar(
        plan, store_key_dates(ctx), bassin=bassin, pilote=pilote, exported_on=ctx.today()
    )
    with atomic_output(dest) as tmp:
        tmp.write_bytes(content)
    return IcsResult(dest, events, actions, undated)
