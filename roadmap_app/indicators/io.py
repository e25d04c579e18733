"""Import des valeurs d'indicateurs (format long ``indicateur ; bassin ; date ; valeur``, .xlsx ou
.csv) et modèle de saisie pré-rempli.

Tout ou rien : la moindre erreur (indicateur ou bassin inconnu, date illisible ou hors période,
nombre illisible, % au-delà de 100, valeur négative, ligne en double, valeur déjà saisie) est
signalée avec sa feuille, sa ligne et sa colonne, et rien n'est écrit. Lectures bornées
(``core.limits``) comme l'import des flux. Une valeur déjà saisie et identique est ignorée ; une
valeur différente est refusée, sauf ``replace`` (correction).
"""

from __future__ import annotations

import contextlib
import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from roadmap_app.core.context import AppContext
from roadmap_app.core.dates import DateParseError, parse_day, parse_month
from roadmap_app.core.errors import UserError
from roadmap_app.core.files import atomic_output
from roadmap_app.core.limits import (
    MAX_COLUMNS,
    FileLimitError,
    check_row_count,
    check_zip,
    load_workbook_streaming,
    read_csv_text,
    sheet_rows,
)
from roadmap_app.core.text import fold
from roadmap_app.flows.io import Where, parse_number
from roadmap_app.indicators import model as m
from roadmap_app.indicators import service as svc

HEADERS = ("indicateur", "bassin", "date", "valeur")
ALL_BASSINS = "Tout le plan"


class IndicatorImportError(UserError):
    """Fichier refusé ; le message liste les erreurs avec leur emplacement."""


@dataclass
class ImportResult:
    source: str
    new: int = 0
    same: int = 0
    items: list[svc.ValueInput] = field(default_factory=list)
    written: int = 0

    def summary(self) -> str:
        return f"{self.new} valeur(s) à écrire, {self.same} déjà enregistrée(s) à l'identique"


def _norm(text: Any) -> str:
    return " ".join(fold(str(text or "")).split())


def _day(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw or "").strip()
    if len(text) == 4 and text.isdigit():
        return date(int(text), 1, 1)
    try:
        return parse_day(text)
    except DateParseError:
        pass
    try:
        return parse_month(text)
    except DateParseError:
        raise DateParseError(f"Date illisible « {text} » (attendu : JJ/MM/AAAA, AAAA-MM-JJ, MM/AAAA ou AAAA).") from None


def _rows(path: Path) -> list[tuple[str, list[list[Any]]]]:
    if not path.is_file():
        raise IndicatorImportError(f"Fichier introuvable : « {path} ».")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        check_zip(path, "un import d'indicateurs")
        try:
            wb = load_workbook_streaming(path, data_only=True)
        except Exception as err:  # fichier non maîtrisé : refus clair
            raise IndicatorImportError(
                f"« {path.name} » n'est pas un classeur Excel (.xlsx) lisible ({type(err).__name__})."
            ) from None
        try:
            return [(ws.title, list(sheet_rows(ws, f"feuille « {ws.title} »"))) for ws in wb.worksheets
                    if not ws.title.lower().startswith("définition")]  # fmt: skip
        except FileLimitError:
            raise
        except Exception as err:
            raise IndicatorImportError(f"« {path.name} » est un classeur endommagé ({type(err).__name__}).") from None
        finally:
            wb.close()
    if suffix == ".csv":
        text = read_csv_text(path, "un import d'indicateurs", IndicatorImportError)
        delimiter = ";" if text.count(";") >= text.count(",") else ","
        rows: list[list[Any]] = []
        try:
            for r in csv.reader(io.StringIO(text), delimiter=delimiter):
                rows.append(r[: MAX_COLUMNS + 1])
                check_row_count(len(rows), f"« {path.name} »")
        except csv.Error as err:
            raise IndicatorImportError(f"« {path.name} » n'est pas un CSV lisible ({err}).") from None
        return [(path.stem, rows)]
    raise IndicatorImportError(f"« {path.name} » : format non pris en charge (attendu : .xlsx ou .csv).")


def plan_import(ctx: AppContext, path: str | Path) -> ImportResult:
    """Lit et vérifie le fichier (rien n'est écrit) ; lève ``IndicatorImportError`` à la moindre erreur."""
    path = Path(path)
    result = ImportResult(path.name)
    errors: list[str] = []
    found_header = False
    for sheet, rows in _rows(path):
        header_row = next((i for i, r in enumerate(rows[:10], 1)
                           if set(HEADERS) <= {_norm(c) for c in r if c not in (None, "")}), None)  # fmt: skip
        if header_row is None:
            if any(any(c not in (None, "") for c in r) for r in rows):
                errors.append(f"feuille « {sheet} » : en-tête « indicateur ; bassin ; date ; valeur » introuvable.")
            continue
        found_header = True
        header = [_norm(c) for c in rows[header_row - 1]]
        pos = {name: header.index(name) + 1 for name in HEADERS}
        for r, row in enumerate(rows[header_row:], header_row + 1):
            cells = list(row) + [None] * (len(header) - len(row))
            if all(c in (None, "") for c in cells):
                continue
            raw_value = cells[pos["valeur"] - 1]
            try:
                value = parse_number(raw_value)
            except ValueError:
                errors.append(f"{Where(sheet, r, pos['valeur'])} : « {raw_value} » n'est pas un nombre.")
                continue
            if value is None:
                continue  # cellule vide du modèle : rien à écrire
            try:
                day = _day(cells[pos["date"] - 1])
            except (DateParseError, ValueError) as err:
                errors.append(f"{Where(sheet, r, pos['date'])} : {err}")
                continue
            bassin = str(cells[pos["bassin"] - 1] or "").strip()
            if _norm(bassin) in (_norm(ALL_BASSINS), "tous", "tous les bassins"):
                bassin = ""
            result.items.append(svc.ValueInput(str(cells[pos["indicateur"] - 1] or "").strip(), bassin or None,
                                               day, value, f"feuille « {sheet} », ligne {r}"))  # fmt: skip
    if not found_header and not errors:
        errors.append(f"« {path.name} » : en-tête « indicateur ; bassin ; date ; valeur » introuvable.")
    # valeurs déjà enregistrées à l'identique : ignorées (réimporter le modèle ne change rien)
    fresh = _drop_unchanged(ctx, result)
    try:
        svc.set_values(ctx, fresh, dry_run=True)
    except UserError as err:
        errors += [line[2:] for line in str(err).splitlines()[1:] if line.startswith("- ")] or [str(err)]
    result.items = fresh
    result.new = len(fresh)
    if errors:
        shown = "\n".join(f"- {e}" for e in errors[:25])
        more = f"\n… et {len(errors) - 25} autre(s)." if len(errors) > 25 else ""
        raise IndicatorImportError(f"Import de « {path.name} » refusé, rien n'a été écrit :\n{shown}{more}")
    return result


def _drop_unchanged(ctx: AppContext, result: ImportResult) -> list[svc.ValueInput]:
    defs = m.load_definitions(ctx)
    bassins = dict((name, bid) for bid, name in m.bassin_list(ctx))
    wanted = []
    for it in result.items:
        with contextlib.suppress(UserError):  # indicateur inconnu : signalé par la validation
            wanted.append(m.find_definition(defs, it.indicator))
    points, _steps = m.load_series(ctx, {d.id: d for d in wanted}.values())
    known = {(k[0], k[1], p.day): p.value for k, pts in points.items() for p in pts}
    out = []
    for it in result.items:
        try:
            d = m.find_definition(defs, it.indicator)
        except UserError:
            out.append(it)
            continue
        from roadmap_app.plan.read import BassinRef, find_bassin

        bid = None
        if it.bassin:
            try:
                bid = find_bassin([BassinRef(i, "", n) for n, i in bassins.items()], it.bassin).id
            except UserError:
                out.append(it)
                continue
        if known.get((d.id, bid, svc.normalize_day(d, it.day))) == it.value:
            result.same += 1
            continue
        out.append(it)
    return out


def apply_import(ctx: AppContext, result: ImportResult) -> int:
    if not result.items:
        return 0
    op, n = svc.set_values(ctx, result.items, label=f"Import des indicateurs ({result.source}) : {result.summary()}")
    del op
    result.written = n
    return n


def export_template(ctx: AppContext, destination: str | Path, roadmap_id: int | None = None) -> Path:
    """Modèle pré-rempli au format long : les valeurs enregistrées des indicateurs liés à une action
    (ou définis pour la feuille de route), puis une ligne vide par indicateur et bassin pour la
    prochaine saisie ; un onglet « Définitions »."""
    ov = m.overview(ctx, roadmap_id)
    linked = {link.indicator_id for link in ov.links}
    defs = [d for d in ov.defs if d.id in linked or d.category == "feuille de route"]
    points, _steps = m.load_series(ctx, defs)
    names = dict(m.bassin_list(ctx))
    rows: list[list[Any]] = []
    today = ctx.today()
    for d in defs:
        keys = [(d.id, bid) for bid in names] if d.per_bassin else [(d.id, None)]
        for key in keys:
            where = names.get(key[1], ALL_BASSINS) if key[1] is not None else ALL_BASSINS
            for p in points.get(key, []):
                rows.append([d.code, where, p.day, p.value])
            rows.append([d.code, where, svc.normalize_day(d, today), None])
    dest = Path(destination)
    if dest.suffix.lower() == ".csv":
        with atomic_output(dest) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(HEADERS)
            for code, where, day, value in rows:
                w.writerow([code, where, day.isoformat(), "" if value is None else f"{value:g}".replace(".", ",")])
        return dest
    if dest.suffix.lower() != ".xlsx":
        raise UserError(f"Format « {dest.suffix or dest.name} » non pris en charge : .xlsx (modèle) ou .csv.")
    from roadmap_app.export.xlsx import Book

    book = Book(title="Indicateurs de suivi — modèle de saisie", creator=ctx.author)
    sh = book.sheet("Valeurs", [22, 22, 14, 14], header_row=1)
    sh.header(list(HEADERS))
    for code, where, day, value in rows:
        sh.values([code, where, day, value], {3: "DD/MM/YYYY"}, border=False)
    defs_sheet = book.sheet("Définitions", [16, 50, 10, 12, 12, 80], header_row=1)
    defs_sheet.header(["Code", "Indicateur", "Unité", "Sens", "Fréquence", "Définition"])
    for d in defs:
        defs_sheet.values([d.code, d.label, d.unit, m.DIRECTIONS[d.direction], m.FREQUENCIES.get(d.frequency, ""),
                           d.definition], border=False)  # fmt: skip
    return book.save(dest)
