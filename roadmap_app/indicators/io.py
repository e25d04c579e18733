"""Import des valeurs d'indicateurs (format long ``indicateur ; bassin ; date ; valeur``, .xlsx ou
.csv) et modèle de saisie pré-rempli.

Tout ou rien : la moindre erreur (indicateur ou bassin inconnu, date illisible ou hors période,
nombre illisible, % au-delà de 100, valeur négative, période donnée deux fois dans le fichier) est
signalée avec sa feuille, sa ligne et sa colonne, et rien n'est écrit. Lectures bornées
(``core.limits``) comme l'import des flux.

Comme l'import des flux, le fichier fait foi pour ce qu'il donne : une valeur déjà enregistrée à
l'identique est ignorée (réimporter le modèle ne change rien) ; une valeur différente pour une
période déjà saisie est une **correction**, montrée dans l'aperçu avec sa valeur avant et après.
Nouvelles valeurs et corrections sont écrites ensemble, en une opération journalisée (ancienne et
nouvelle valeur) annulable d'un seul Ctrl+Z. La saisie d'une valeur isolée, elle, refuse toujours
une valeur déjà saisie sans ``replace``.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from roadmap_app.core.context import AppContext
from roadmap_app.core.dates import DateParseError, parse_day, parse_month
from roadmap_app.core.errors import UserError
from roadmap_app.core.files import atomic_output
from roadmap_app.core.formatting import plural
from roadmap_app.core.limits import (
    FileLimitError,
    Uncalculated,
    check_zip,
    load_workbook_streaming,
    read_csv_rows,
    sheet_rows,
)
from roadmap_app.core.located import (
    MISSING,
    UNCALCULATED,
    CsvFile,
    Problem,
    Where,
    blank_reason,
    is_blank,
    refusal,
)
from roadmap_app.core.text import fold
from roadmap_app.flows.io import parse_number
from roadmap_app.indicators import model as m
from roadmap_app.indicators import service as svc

HEADERS = ("indicateur", "bassin", "date", "valeur")
ALL_BASSINS = "Tout le plan"


class IndicatorImportError(UserError):
    """Fichier refusé ; le message liste les erreurs avec leur emplacement."""


@dataclass
class ImportResult:
    source: str
    #: Valeurs pour une période encore vide.
    new: int = 0
    #: Valeurs qui remplacent une valeur différente déjà enregistrée pour la même période.
    corrections: int = 0
    same: int = 0
    items: list[svc.ValueInput] = field(default_factory=list)
    #: Pour chaque valeur de ``items`` : la valeur enregistrée qu'elle corrige (``None`` : nouvelle).
    before: list[float | None] = field(default_factory=list)
    written: int = 0
    #: Opération journalisée de l'écriture (``None`` : rien d'écrit).
    operation: str | None = None
    #: Lignes dont seule la valeur est vide (lignes du modèle pas encore remplies) : ignorées.
    blank: int = 0

    def summary(self) -> str:
        """« 12 nouvelles valeurs, 2 corrections, 5 valeurs déjà enregistrées à l'identique »."""
        parts = [plural(self.new, "nouvelle valeur", "nouvelles valeurs"),
                 plural(self.corrections, "correction", "corrections")]  # fmt: skip
        if self.same:
            parts.append(plural(self.same, "valeur déjà enregistrée à l'identique",
                                "valeurs déjà enregistrées à l'identique"))  # fmt: skip
        if self.blank:
            parts.append(plural(self.blank, "ligne sans valeur ignorée", "lignes sans valeur ignorées"))
        return ", ".join(parts)


def _norm(text: Any) -> str:
    return " ".join(fold(str(text or "")).split())


#: Numéros de série Excel acceptés pour une date (1er janvier 2000 → 31 décembre 2049) : un
#: nombre hors de cette plage n'est pas une date, il est refusé.
SERIALS = (36526, 54789)


def _day(raw: Any) -> date:
    """Date d'une cellule : date du tableur, numéro de série Excel, « 31/12/2024 », « 2024-12-31 »,
    « 12/2024 », « 2024-12 », « déc. 2024 », « décembre 2024 » ou une année « 2024 »."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if raw == int(raw) and 1900 <= raw <= 2100:
            return date(int(raw), 1, 1)
        if raw == int(raw) and SERIALS[0] <= raw <= SERIALS[1]:
            return date(1899, 12, 30) + timedelta(days=int(raw))
        raise DateParseError(f"Date illisible « {str(raw).replace('.', ',')} » : ce nombre n'est ni une année ni "
                             "une date du tableur (attendu : JJ/MM/AAAA, AAAA-MM-JJ, MM/AAAA ou AAAA).")  # fmt: skip
    text = str(raw).strip()
    if text.isdigit() and len(text) in (4, 5):
        return _day(int(text))
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
            return [(ws.title, list(sheet_rows(ws, f"feuille « {ws.title} »", percent=True, formulas=True)))
                    for ws in wb.worksheets if not _norm(ws.title).startswith("definition")]  # fmt: skip
        except FileLimitError:
            raise
        except Exception as err:
            raise IndicatorImportError(f"« {path.name} » est un classeur endommagé ({type(err).__name__}).") from None
        finally:
            wb.close()
    if suffix == ".csv":
        return [(CsvFile(path), list(read_csv_rows(path, "un import d'indicateurs", IndicatorImportError)))]
    raise IndicatorImportError(f"« {path.name} » : format non pris en charge (attendu : .xlsx ou .csv).")


class _Reader:
    """Lit les lignes d'une feuille au format long ; note chaque erreur à sa place."""

    def __init__(self, ctx: AppContext) -> None:
        every = m.load_definitions(ctx, archived=True)
        self.defs = [d for d in every if not d.archived]
        #: libellé d'un indicateur national fondu dans un flux (archivé) → code du flux : un fichier
        #: écrit avant la fusion sous ce libellé va au flux, comme sous le code national
        self.fused = {_norm(d.label): m.canonical_code(d.code) for d in every
                      if d.archived and m.canonical_code(d.code) != d.code}  # fmt: skip
        from roadmap_app.flows.series import bassins

        self.bassins = bassins(ctx)
        self.errors: list[Problem] = []
        self.items: list[svc.ValueInput] = []
        self.places: list[Where] = []
        self.blank = 0

    def indicator(self, raw: Any, where: Where) -> m.IndicatorDef | None:
        """Par code ou libellé (sans accents ni casse) ; un libellé partagé par deux indicateurs
        est refusé."""
        key = _norm(raw)
        found = [d for d in self.defs if key in (_norm(d.code).replace("_", " "), _norm(d.label))]
        if len({d.id for d in found}) > 1:
            self.errors.append((where, f"« {str(raw).strip()} » désigne plusieurs indicateurs "
                                       f"({', '.join(d.code for d in found)}) : donnez le code."))  # fmt: skip
            return None
        try:
            return found[0] if found else m.find_definition(self.defs, self.fused.get(key, str(raw)))
        except UserError as err:
            self.errors.append((where, str(err)))
            return None

    def bassin(self, raw: Any, where: Where) -> int | bool | None:
        """Id du bassin ; ``None`` : tout le plan (vide, « Tout le plan », « tous ») ; ``False`` :
        erreur notée."""
        if isinstance(raw, Uncalculated):
            self.errors.append((where, f"{UNCALCULATED}."))
            return False
        if is_blank(raw) or _norm(raw) in (_norm(ALL_BASSINS), "tous", "tous les bassins"):
            return None
        from roadmap_app.plan.read import find_bassin

        try:
            return find_bassin(self.bassins, str(raw)).id
        except UserError as err:
            self.errors.append((where, str(err)))
            return False

    def sheet(self, sheet: str, rows: list[list[Any]], header_row: int) -> None:
        header = [_norm(c) for c in rows[header_row - 1]]
        pos = {name: header.index(name) + 1 for name in HEADERS}
        at = {name: (lambda r, name=name: Where(sheet, r, pos[name], name)) for name in HEADERS}
        for r, row in enumerate(rows[header_row:], header_row + 1):
            cells = {name: (row[pos[name] - 1] if pos[name] <= len(row) else None) for name in HEADERS}
            if all(is_blank(c) for c in row):
                continue  # ligne vide (lignes vides de fin de fichier comprises)
            missing = {name: blank_reason(cells[name]) for name in ("indicateur", "date", "valeur")}
            if missing == {"indicateur": None, "date": None, "valeur": MISSING}:
                self.blank += 1  # ligne du modèle pas encore remplie : rien à écrire
                continue
            for name, reason in missing.items():
                if reason:
                    self.errors.append((at[name](r), f"{reason}."))
            d = None if missing["indicateur"] else self.indicator(cells["indicateur"], at["indicateur"](r))
            bassin = self.bassin(cells["bassin"], at["bassin"](r))
            day = value = None
            if not missing["date"]:
                try:
                    day = _day(cells["date"])
                except (DateParseError, ValueError) as err:
                    self.errors.append((at["date"](r), str(err)))
            if not missing["valeur"]:
                try:
                    value = parse_number(cells["valeur"])
                except ValueError:
                    self.errors.append((at["valeur"](r), f"« {cells['valeur']} » n'est pas un nombre."))
            if d is None or bassin is False or day is None or value is None:
                continue
            where = Where(sheet, r)
            self.items.append(svc.ValueInput(d.id, bassin, day, value, str(where)))
            self.places.append(where)


def plan_import(ctx: AppContext, path: str | Path) -> ImportResult:
    """Lit et vérifie le fichier (rien n'est écrit) ; lève ``IndicatorImportError`` à la moindre
    erreur, toutes listées dans l'ordre du fichier."""
    path = Path(path)
    result = ImportResult(path.name)
    reader = _Reader(ctx)
    found_header = False
    for sheet, rows in _rows(path):
        header_row = next((i for i, r in enumerate(rows[:10], 1)
                           if set(HEADERS) <= {_norm(c) for c in r if not is_blank(c)}), None)  # fmt: skip
        if header_row is None:
            if any(any(not is_blank(c) for c in r) for r in rows):
                reader.errors.append((Where(sheet), "en-tête « indicateur ; bassin ; date ; valeur » introuvable."))
            continue
        found_header = True
        reader.sheet(sheet, rows, header_row)
    if not found_header and not reader.errors:
        reader.errors.append((None, f"« {path.name} » : en-tête « indicateur ; bassin ; date ; valeur » introuvable."))
    result.blank = reader.blank
    # valeurs déjà enregistrées à l'identique : ignorées (réimporter le modèle ne change rien) ;
    # une valeur différente est une correction
    fresh = _drop_unchanged(ctx, result, reader)
    _prepared, problems = svc.check_values(ctx, [it for it, _w, _old in fresh], replace=True)
    reader.errors += [(fresh[i][1], msg) for i, msg in problems]
    result.items = [it for it, _w, _old in fresh]
    result.before = [old for _it, _w, old in fresh]
    result.corrections = sum(1 for old in result.before if old is not None)
    result.new = len(fresh) - result.corrections
    if reader.errors:
        raise IndicatorImportError(refusal(path.name, reader.errors))
    return result


def _drop_unchanged(ctx: AppContext, result: ImportResult, reader: _Reader
                    ) -> list[tuple[svc.ValueInput, Where, float | None]]:  # fmt: skip
    """Les valeurs lues (avec leur place et la valeur enregistrée pour leur période) moins celles
    déjà enregistrées à l'identique. Une période donnée deux fois dans le fichier est gardée à
    chaque ligne, même identique : ``check_values`` la refuse en double, avec les deux lignes."""
    by_id = {d.id: d for d in reader.defs}
    points, _steps = m.load_series(ctx, list({by_id[int(it.indicator)] for it in reader.items}))
    known = {(k[0], k[1], p.day): p.value for k, pts in points.items() for p in pts}
    keys = []
    for it in reader.items:
        d = by_id[int(it.indicator)]
        keys.append((d.id, None if it.bassin is None else int(it.bassin), svc.normalize_day(d, it.day)))
    twice = {k for k, n in Counter(keys).items() if n > 1}
    out = []
    for it, where, key in zip(reader.items, reader.places, keys, strict=True):
        old = known.get(key)
        if old == it.value and key not in twice:
            result.same += 1
        else:
            out.append((it, where, old))
    return out


@dataclass(frozen=True)
class PreviewRow:
    """Une valeur de l'aperçu : ce que l'import crée ou change, et sa place dans le fichier."""

    label: str
    code: str
    bassin: str
    period: str
    before: str
    after: str
    where: str


def preview_rows(ctx: AppContext, result: ImportResult) -> list[PreviewRow]:
    """Les valeurs que ``apply_import`` écrira, lisibles (période selon la fréquence, valeur avec
    son unité) ; « avant » : la valeur enregistrée que la ligne corrige, vide pour une nouvelle."""
    by_id = {d.id: d for d in m.load_definitions(ctx, archived=False)}
    names = dict(m.bassin_list(ctx))
    rows = []
    for it, old in zip(result.items, result.before, strict=True):
        d = by_id[int(it.indicator)]
        bid = None if it.bassin is None else int(it.bassin)
        day = svc.normalize_day(d, it.day)
        rows.append(PreviewRow(d.label, d.code, ALL_BASSINS if bid is None else names.get(bid, str(bid)),
                               m.value_period(d, day), "" if old is None else m.format_value(d, old),
                               m.format_value(d, it.value), it.where))  # fmt: skip
    return rows


def corrections(ctx: AppContext, result: ImportResult) -> list[str]:
    """Les corrections, une par ligne : « R1 Lensois 2025 : 52 → 55 » (ligne de commande)."""
    by_id = {d.id: d for d in m.load_definitions(ctx, archived=False)}
    names = dict(m.bassin_list(ctx))
    out = []
    for it, old in zip(result.items, result.before, strict=True):
        if old is None:
            continue
        d = by_id[int(it.indicator)]
        bassin = ALL_BASSINS if it.bassin is None else names.get(int(it.bassin), str(it.bassin))
        out.append(f"{d.code} {bassin} {m.value_period(d, svc.normalize_day(d, it.day))} : "
                   f"{_number(old)} → {_number(it.value)}")  # fmt: skip
    return out


def _number(v: float) -> str:
    """« 52 », « 41,5 », « 1234567 » : le nombre tel qu'on le tape, sans unité ni notation 1e+06."""
    return f"{v:.15g}".replace(".", ",")


def apply_import(ctx: AppContext, result: ImportResult) -> int:
    """Écrit nouvelles valeurs et corrections ensemble : une opération journalisée (ancienne et
    nouvelle valeur de chaque correction), annulable d'un seul Ctrl+Z."""
    if not result.items:
        return 0
    op, n = svc.set_values(ctx, result.items, replace=True,
                           label=f"Import des indicateurs ({result.source}) : {result.summary()}")  # fmt: skip
    result.operation = op
    result.written = n
    return n


#: Lignes vides d'une série (indicateur et bassin) dans le modèle, au plus : les périodes
#: manquantes les plus récentes (deux ans d'un indicateur mensuel).
MISSING_ROWS = 24


def _next_period(d: m.IndicatorDef, day: date) -> date | None:
    """Début de la période qui suit celle de ``day`` ; ``None`` pour une fréquence libre."""
    months = 1 if d.is_flow or d.frequency == "month" else {"quarter": 3, "year": 12}.get(d.frequency)
    if months is None:
        return None
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def missing_periods(d: m.IndicatorDef, stored: list[date], baseline: date | None, today: date) -> list[date]:
    """Périodes sans valeur d'une série, de la première valeur (ou de la période qui suit la
    situation de référence, si elle est plus ancienne) à la période en cours comprise ; les
    ``MISSING_ROWS`` plus récentes. Sans valeur ni référence, ou pour une fréquence libre : la
    période en cours seule, si elle est vide."""
    current = svc.normalize_day(d, today)
    starts = ([min(stored)] if stored else []) + (
        [svc.normalize_day(d, baseline + timedelta(days=1))] if baseline is not None else [])  # fmt: skip
    have = set(stored)
    if not starts or _next_period(d, current) is None:
        return [] if current in have else [current]
    found: list[date] = []
    day: date | None = min(starts)
    while day is not None and day <= current:
        if day not in have:
            found.append(day)
        day = _next_period(d, day)
    return found[-MISSING_ROWS:]


def export_template(ctx: AppContext, destination: str | Path, roadmap_id: int | None = None) -> Path:
    """Modèle pré-rempli au format long : les valeurs enregistrées des indicateurs liés à une action
    (ou définis pour la feuille de route) et, dans l'ordre des dates, une ligne vide par période
    sans valeur depuis la première valeur ou la référence jusqu'à la période en cours
    (``missing_periods`` : 2025 pour R1 Lensois quand 2024 est saisi et qu'on est en 2026). Une
    période déjà saisie n'a pas de ligne vide (on corrige la ligne pré-remplie : une ligne vide
    remplie ferait un doublon) ; une ligne laissée vide est ignorée à l'import. Un onglet
    « Définitions »."""
    ov = m.overview(ctx, roadmap_id)
    linked = {link.indicator_id for link in ov.links}
    defs = [d for d in ov.defs if d.id in linked or d.category == "feuille de route"]
    points, steps = m.load_series(ctx, defs)
    names = dict(m.bassin_list(ctx))
    rows: list[list[Any]] = []
    today = ctx.today()
    for d in defs:
        keys = [(d.id, bid) for bid in names] if d.per_bassin else [(d.id, None)]
        for key in keys:
            where = names.get(key[1], ALL_BASSINS) if key[1] is not None else ALL_BASSINS
            series = points.get(key, [])
            # la référence du bassin, ou celle de tous les bassins
            bases = [st.effective_from for st in steps.get(key, []) + (steps.get((d.id, None), []) if key[1] else [])
                     if st.kind == "baseline"]  # fmt: skip
            blanks = missing_periods(d, [p.day for p in series], min(bases, default=None), today)
            found = [(p.day, p.value) for p in series] + [(day, None) for day in blanks]
            rows.extend([d.code, where, day, value] for day, value in sorted(found, key=lambda r: r[0]))
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
