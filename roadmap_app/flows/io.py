"""Import et export des flux : modèle de l'application (un onglet par bassin) et format « long ».

Import tout ou rien : d'abord un aperçu (nouveau / modifié / inchangé) ; la moindre erreur
(bassin ou indicateur inconnu, nombre illisible ou négatif, ligne en double, part qui dépasse son
total, fichier illisible) est signalée avec sa feuille, sa ligne et sa colonne, et rien n'est écrit.
Une cellule vide ne change rien.

Tolérant sur la forme de ce que les partenaires renvoient : un nombre au format pourcentage
d'Excel (« 45 % » enregistré 0,45) est lu 45 ; une colonne qui n'est pas un indicateur
(« Commentaire ») est ignorée et listée dans l'aperçu ; un onglet « Lensois 2025 » ou
« LENSOIS » est rattaché à son bassin s'il n'en désigne qu'un ; l'onglet des définitions est
ignoré même renommé.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from roadmap_app.core.context import AppContext
from roadmap_app.core.dates import DateParseError, format_month, parse_month
from roadmap_app.core.errors import UserError
from roadmap_app.core.files import atomic_output
from roadmap_app.core.limits import (
    FileLimitError,
    check_zip,
    column_letter,
    load_workbook_streaming,
    read_csv_rows,
    sheet_rows,
)
from roadmap_app.core.located import (
    UNCALCULATED,
    CsvFile,
    Problem,
    Where,
    blank_reason,
    refusal,
    sheet_text,
)
from roadmap_app.core.text import fold
from roadmap_app.flows.catalogue import BY_CODE, INDICATORS, SUMS, find_indicator
from roadmap_app.flows.series import bassins, load_all_series
from roadmap_app.flows.service import FlowChange, write_changes
from roadmap_app.flows.validation import check_month, check_value
from roadmap_app.plan.read import BassinRef

MONTH_HEADER = "Mois"
LONG_HEADERS = ("bassin", "mois", "indicateur", "valeur")
FIRST_MONTH = date(2024, 7, 1)  # début du volet 3


class ImportError_(UserError):
    """Fichier refusé ; le message liste les erreurs avec leur emplacement."""


@dataclass(frozen=True)
class Planned:
    bassin: BassinRef
    month: date
    indicator: str
    old: float | None
    new: float
    where: Where

    @property
    def kind(self) -> str:
        return (
            "nouveau" if self.old is None else ("inchangé" if self.old == self.new else "modifié")
        )


@dataclass
class ImportPlan:
    source: str
    items: list[Planned] = field(default_factory=list)
    #: Colonnes et feuilles ignorées (« feuille « Lensois », colonne D « Commentaire » »).
    ignored: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[Planned]:
        return [p for p in self.items if p.kind != "inchangé"]

    def count(self, kind: str) -> int:
        return sum(1 for p in self.items if p.kind == kind)

    def summary(self) -> str:
        return (f"{self.count('nouveau')} valeur(s) nouvelle(s), {self.count('modifié')} modifiée(s), "
                f"{self.count('inchangé')} inchangée(s)")  # fmt: skip


def _norm(text: Any) -> str:
    return " ".join(fold(str(text or "")).replace("_", " ").split())


def parse_number(raw: Any) -> float | None:
    """Nombre d'une cellule : vide → ``None`` ; « 1 234 », « 12,5 », « 45 % » acceptés ; sinon ``ValueError``."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int | float):
        return float(raw)
    text = str(raw).strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "").rstrip("%")
    if not text:
        return None
    if not re.fullmatch(r"-?\d+(?:[.,]\d+)?", text):
        raise ValueError
    return float(text.replace(",", "."))


def read_number(raw: Any) -> float | None:
    """Un nombre saisi (« 12,5 », « 1 234 ») ou ``None`` s'il est vide ou illisible : pour les
    saisies qui exigent un nombre et le disent avec leur propre message."""
    try:
        return parse_number(raw)
    except ValueError:
        return None


def _words(text: Any) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(str(text or "")))


def _month(raw: Any) -> date:
    if isinstance(raw, datetime | date):
        return date(raw.year, raw.month, 1)
    return parse_month(str(raw))


class _Reader:
    def __init__(self, ctx: AppContext) -> None:
        self.bassins = bassins(ctx)
        self.errors: list[Problem] = []
        self.ignored: list[str] = []
        self.values: dict[tuple[int, date, str], tuple[float, Where]] = {}

    def uncalculated(self, raw: Any, where: Where) -> bool:
        """Une formule sans valeur calculée : erreur notée (ce n'est pas une cellule vide)."""
        if blank_reason(raw) == UNCALCULATED:
            self.errors.append((where, f"{UNCALCULATED}."))
            return True
        return False

    def bassin(self, raw: Any, where: Where) -> BassinRef | None:
        if self.uncalculated(raw, where):
            return None
        key = _norm(raw)
        for b in self.bassins:
            if key in (_norm(b.name), _norm(b.code)):
                return b
        self.errors.append(
            (where, f"bassin « {raw} » inconnu (bassins : {', '.join(b.name for b in self.bassins)}).")
        )
        return None

    def sheet_bassin(self, name: str, where: str) -> BassinRef | None:
        """Bassin d'un onglet : son nom ou son code, tel quel ou parmi les mots du nom de l'onglet
        (« Lensois 2025 », « LENSOIS », « Bassin_Lensois ») ; refusé s'il en désigne plusieurs."""
        key = _norm(name)
        for b in self.bassins:
            if key in (_norm(b.name), _norm(b.code)):
                return b
        words = " " + " ".join(_words(name)) + " "
        found = [
            b
            for b in self.bassins
            if any(f" {' '.join(_words(k))} " in words for k in (b.name, b.code) if _words(k))
        ]
        if len(found) == 1:
            return found[0]
        if found:
            self.errors.append((where, f"le nom de l'onglet « {name} » désigne plusieurs bassins "
                                f"({', '.join(b.name for b in found)}) ; renommez-le avec un seul."))  # fmt: skip
            return None
        self.errors.append(
            (where, f"bassin « {name} » inconnu (bassins : {', '.join(b.name for b in self.bassins)}).")
        )
        return None

    def month(self, raw: Any, where: Where) -> date | None:
        """Mois d'une cellule ; ``None`` (erreur notée) s'il est illisible ou manquant."""
        reason = blank_reason(raw)
        if reason:
            self.errors.append((where, f"{reason}."))
            return None
        try:
            return _month(raw)
        except (DateParseError, ValueError) as err:
            self.errors.append((where, str(err)))
            return None

    def add(self, bassin: BassinRef, month: date, code: str, raw: Any, where: Where) -> None:
        if self.uncalculated(raw, where):
            return
        try:
            value = parse_number(raw)
        except ValueError:
            self.errors.append((where, f"« {raw} » n'est pas un nombre."))
            return
        if value is None:
            return
        msg = check_value(code, value)
        if msg:
            self.errors.append((where, msg))
            return
        key = (bassin.id, month, code)
        if key in self.values:
            first = self.values[key][1]
            self.errors.append((where, f"valeur en double pour {bassin.name}, {format_month(month)}, "
                                f"« {BY_CODE[code].label} » (déjà en {first})."))  # fmt: skip
            return
        self.values[key] = (value, where)

    def wide(
        self, sheet: str, rows: list[list[Any]], bassin: BassinRef | None, header_row: int
    ) -> None:
        """Onglet du modèle : Mois | indicateurs… (et, en CSV, une colonne Bassin)."""
        header = rows[header_row - 1]
        columns: dict[int, str] = {}
        bassin_col = None
        month_col = None
        for i, h in enumerate(header, 1):
            name = _norm(h)
            if not name:
                continue
            if name == "mois":
                month_col = i
            elif name == "bassin":
                bassin_col = i
            else:
                ind = find_indicator(str(h))
                if ind is None:
                    self.ignored.append(
                        f"{sheet_text(sheet)}, colonne {column_letter(i)} « {str(h).strip()} » "
                        "(pas un indicateur)"
                    )
                else:
                    columns[i] = ind.code
        if month_col is None:
            self.errors.append((Where(sheet, header_row), "colonne « Mois » absente."))
            return
        for r, row in enumerate(rows[header_row:], header_row + 1):
            cells = list(row) + [None] * (len(header) - len(row))
            if all(c in (None, "") for c in cells):
                continue
            b = bassin
            if bassin_col is not None:
                b = self.bassin(cells[bassin_col - 1], Where(sheet, r, bassin_col))
            month = self.month(cells[month_col - 1], Where(sheet, r, month_col))
            if month is None:
                continue
            if b is None:
                continue
            for col, code in columns.items():
                self.add(b, month, code, cells[col - 1], Where(sheet, r, col))

    def long(self, sheet: str, rows: list[list[Any]], header_row: int) -> None:
        header = [_norm(h) for h in rows[header_row - 1]]
        pos = {name: header.index(name) + 1 for name in LONG_HEADERS if name in header}
        for i, (name, raw) in enumerate(zip(header, rows[header_row - 1], strict=False), 1):
            if name and i not in pos.values():
                self.ignored.append(
                    f"{sheet_text(sheet)}, colonne {column_letter(i)} « {str(raw).strip()} »"
                )
        for r, row in enumerate(rows[header_row:], header_row + 1):
            cells = list(row) + [None] * (len(header) - len(row))
            if all(c in (None, "") for c in cells):
                continue
            b = self.bassin(cells[pos["bassin"] - 1], Where(sheet, r, pos["bassin"]))
            month = self.month(cells[pos["mois"] - 1], Where(sheet, r, pos["mois"]))
            if month is None:
                continue
            if self.uncalculated(cells[pos["indicateur"] - 1], Where(sheet, r, pos["indicateur"])):
                continue
            ind = find_indicator(str(cells[pos["indicateur"] - 1] or ""))
            if ind is None:
                self.errors.append(
                    (Where(sheet, r, pos["indicateur"]), f"indicateur « {cells[pos['indicateur'] - 1]} » inconnu.")
                )
                continue
            if b is not None:
                self.add(
                    b, month, ind.code, cells[pos["valeur"] - 1], Where(sheet, r, pos["valeur"])
                )

    def sheet(self, name: str, rows: list[list[Any]], *, csv_file: bool = False) -> None:
        """Reconnaît l'en-tête (dans les 10 premières lignes) : format long ou modèle ; l'onglet
        des définitions (« Code », « Définition »…), même renommé, est ignoré."""
        for i, row in enumerate(rows[:10], 1):
            names = {_norm(c) for c in row if c not in (None, "")}
            if set(LONG_HEADERS) <= names:
                self.long(name, rows, i)
                return
            if "mois" in names:
                bassin = None
                if "bassin" not in names:
                    where = (
                        f"« {name} » (nom du fichier)"
                        if csv_file
                        else f"feuille « {name} » (nom de l'onglet)"
                    )
                    bassin = self.sheet_bassin(name, where)
                    if bassin is None:
                        return
                self.wide(name, rows, bassin, i)
                return
            if "definition" in names and names & {"code", "indicateur"}:
                self.ignored.append(f"{sheet_text(name)} (définitions des indicateurs)")
                return
        if any(any(c not in (None, "") for c in row) for row in rows):
            self.errors.append((Where(name), "en-tête introuvable (« Mois » et les indicateurs, ou "
                                "« bassin ; mois ; indicateur ; valeur »)."))  # fmt: skip


def read_file(ctx: AppContext, path: Path) -> _Reader:
    reader = _Reader(ctx)
    if not path.is_file():
        raise ImportError_(f"Fichier introuvable : « {path} ».")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        check_zip(path, "un import de flux")  # tailles annoncées, avant toute décompression
        # Frontière avec un fichier non maîtrisé : toute erreur de lecture devient un refus clair.
        try:
            wb = load_workbook_streaming(path, data_only=True)
        except Exception as err:
            raise ImportError_(
                f"« {path.name} » n'est pas un classeur Excel (.xlsx) lisible ({type(err).__name__})."
            ) from None
        try:
            for ws in wb.worksheets:
                if ws.title.startswith("_"):
                    continue
                if _norm(ws.title).startswith("definition"):
                    reader.ignored.append(f"feuille « {ws.title} » (définitions des indicateurs)")
                    continue
                rows = list(sheet_rows(ws, f"feuille « {ws.title} »", percent=True, formulas=True))
                reader.sheet(ws.title, rows)
        except (ImportError_, FileLimitError):
            raise
        except Exception as err:
            raise ImportError_(
                f"« {path.name} » est un classeur endommagé ({type(err).__name__})."
            ) from None
        finally:
            wb.close()
    elif suffix == ".csv":
        rows = list(read_csv_rows(path, "un import de flux", ImportError_))
        if not rows:
            raise ImportError_(f"« {path.name} » est vide.")
        reader.sheet(CsvFile(path), rows, csv_file=True)
    else:
        raise ImportError_(
            f"« {path.name} » : format non pris en charge (attendu : .xlsx ou .csv)."
        )
    if not reader.values and not reader.errors:
        skipped = f" (ignoré : {' ; '.join(reader.ignored[:5])})" if reader.ignored else ""
        reader.errors.append((None, f"« {path.name} » ne contient aucune valeur à importer{skipped}."))
    return reader


def plan_import(ctx: AppContext, path: str | Path) -> ImportPlan:
    """Lit le fichier et prépare l'import (rien n'est écrit) ; lève ``ImportError_`` s'il y a la moindre erreur."""
    path = Path(path)
    reader = read_file(ctx, path)
    all_series = load_all_series(ctx)
    refs = {b.id: b for b in reader.bassins}
    plan = ImportPlan(path.name, ignored=list(reader.ignored))
    for (bassin_id, month, code), (value, where) in sorted(
        reader.values.items(), key=lambda kv: (kv[0][0], kv[0][1])
    ):
        plan.items.append(
            Planned(
                refs[bassin_id], month, code, all_series[bassin_id].value(month, code), value, where
            )
        )
    # parts et totaux : valeurs du fichier combinées aux valeurs déjà enregistrées
    by_month: dict[tuple[int, date], dict[str, float | None]] = {}
    for p in plan.items:
        by_month.setdefault((p.bassin.id, p.month), all_series[p.bassin.id].month_values(p.month))[
            p.indicator
        ] = p.new
    positions = {(p.bassin.id, p.month, p.indicator): p.where for p in plan.items}
    for (bassin_id, month), values in by_month.items():
        for err in check_month(refs[bassin_id].name, month, values):
            involved = _involved(err.indicator, err.message)
            in_file = [positions[k] for c in involved if (k := (bassin_id, month, c)) in positions]
            place = (
                positions.get((bassin_id, month, err.indicator))
                or (in_file[0] if in_file else None)
                or next(
                    (w for (b, m, _c), w in positions.items() if (b, m) == (bassin_id, month)),
                    None,
                )
            )
            detail = ""
            if len(involved) > 1:
                parts = []
                for c in involved:
                    if values.get(c) is None:
                        continue
                    w = positions.get((bassin_id, month, c))
                    label = BY_CODE[c].label
                    if w is not None:
                        parts.append(f"« {label} » en {w}")
                    else:
                        parts.append(
                            f"« {label} » = {_num(values[c])}, valeur déjà enregistrée "
                            f"({refs[bassin_id].name}, {format_month(month)})"
                        )
                detail = " Cellules en cause : " + " ; ".join(parts) + "."
            reader.errors.append((place, f"{err.message}{detail}") if place else (None, f"{err}{detail}"))
    if reader.errors:
        raise ImportError_(refusal(path.name, reader.errors))
    return plan


def _num(v: float | None) -> str:
    return "" if v is None else f"{v:g}".replace(".", ",")


def _involved(code: str, message: str) -> list[str]:
    """Indicateurs en cause dans une erreur de ``check_month`` : la part et son total, ou le
    total et ses parts détaillées."""
    if code in SUMS and message.startswith("la somme"):
        return [code, *SUMS[code]]
    parent = BY_CODE[code].parent if code in BY_CODE else None
    if parent and "dépasse le total" in message:
        return [code, parent]
    return [code] if code else []


def apply_import(ctx: AppContext, plan: ImportPlan, *, source: str = "import") -> int:
    changes = [FlowChange(p.bassin.id, p.month, p.indicator, p.new) for p in plan.changes]
    if changes:
        write_changes(
            ctx, changes, label=f"Import des flux ({plan.source}) : {plan.summary()}", source=source
        )
    return len(changes)


def export_template(ctx: AppContext, destination: str | Path, until: date | None = None) -> Path:
    """Le modèle de saisie : un onglet par bassin (mois × indicateurs, pré-rempli), et les définitions."""
    last = (until or ctx.today()).replace(day=1)
    all_series = load_all_series(ctx)
    dest = Path(destination)
    if dest.suffix.lower() == ".csv":
        with atomic_output(dest) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(["bassin", "mois", "indicateur", "valeur"])
            for series in all_series.values():
                for (month, code), cell in sorted(series.cells.items()):
                    if cell.value is not None:
                        w.writerow(
                            [
                                series.bassin.name,
                                format_month(month),
                                code,
                                f"{cell.value:g}".replace(".", ","),
                            ]
                        )
        return dest
    from roadmap_app.export.xlsx import Book

    months: list[date] = []
    stored = [mm for s in all_series.values() for mm in s.months]
    end = max([last, *stored]) if stored else last
    m = min([FIRST_MONTH, *stored]) if stored else FIRST_MONTH
    while m <= end:
        months.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    book = Book(title="Flux BRSA — modèle de saisie", creator=ctx.author)
    for series in all_series.values():
        sh = book.sheet(series.bassin.name, [12] + [14] * len(INDICATORS), freeze="B4",
                        print_rows="3:3")  # fmt: skip
        sh.title(
            f"Flux BRSA — {series.bassin.name} (valeurs agrégées du mois ; cellule vide : non renseigné)",
            size=12,
        )
        sh.skip()
        header = [sh.cell(MONTH_HEADER, bold=True, fill="14325C", color="FFFFFF", wrap=True)]
        header += [sh.cell(ind.label, bold=True, fill="14325C", color="FFFFFF", wrap=True,
                           comment=ind.definition) for ind in INDICATORS]  # fmt: skip
        sh.append(header, height=60)
        for month in months:
            values: list[Any] = [sh.cell(format_month(month))]
            for ind in INDICATORS:
                v = series.value(month, ind.code)
                values.append(sh.cell(None if v is None else int(v) if ind.is_count else v))
            sh.append(values)
    defs = book.sheet("Définitions", [14, 50, 12, 100, 30], header_row=1)
    defs.header(["Code", "Indicateur", "Unité", "Définition", "Indicateur national (annexe 4)"])
    for ind in INDICATORS:
        defs.values([ind.code, ind.label, ind.unit, ind.definition, ind.annexe], border=False)
    return book.save(dest)
