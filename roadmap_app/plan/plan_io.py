"""Le plan d'actions en entrée et en sortie : classeur ou CSV à plat, tableau d'annexe Word.

**Export** (``export_plan``) : une ligne par action, des colonnes qu'on peut filtrer, nommées
comme celles de l'export de plan de Territoires en Transitions là où elles se recouvrent :
Numérotation, Titre, Axe, Cible, Description, Actions pré-existantes, un statut par bassin,
En retard, Pilotes, Partenaires, Échéance, Date de fin, indicateurs, Commentaires. L'axe et la
cible s'écrivent « EP – Entrée en parcours », « EP-1 – Inscrire… » (code, tiret, titre).

**Import** (``plan_import`` puis ``apply_plan_import``) : depuis un tel classeur (.xlsx, .csv)
ou depuis les tableaux d'une annexe Word disposée comme l'annexe 1 bis (Cible opérationnelle /
Actions pré-existantes / Plan d'actions / Échéances / Pilotes / Commentaires, axes en lignes
fusionnées sur toute la largeur). Les colonnes sont reconnues par leur en-tête, où qu'elles
soient ; les autres sont ignorées et listées. Une colonne obligatoire absente, un statut, un
code ou un texte invalide est une erreur située (tableau ou feuille, ligne, colonne) et refuse
le fichier entier. L'aperçu liste chaque action ajoutée, modifiée (champ : avant → après) et
absente du fichier (laissée telle quelle) ; rien n'est écrit avant ``apply_plan_import``, qui
écrit tout en une transaction, une seule opération journalisée et annulable (Ctrl+Z).

Rapprochement : par la numérotation quand le fichier en a une ; sinon (annexe Word) les codes
sont ceux du document lu dans l'ordre — EP, EP-1, EP-1.1… — une action sans code est d'abord
rapprochée d'une action de la même cible au même texte, puis de la suivante dans l'ordre.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from db.models import Action, ActionBassin, Axe, Bassin, Cible, Roadmap
from roadmap_app.core import links, ops
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import UserError, ValidationError
from roadmap_app.core.files import atomic_output
from roadmap_app.core.limits import (
    MAX_COLUMNS,
    FileLimitError,
    check_row_count,
    check_zip,
    column_letter,
    csv_error,
    load_workbook_streaming,
    read_csv_text,
    sheet_rows,
)
from roadmap_app.core.text import clean_text, first_line, fold
from roadmap_app.export.cells import safe_text
from roadmap_app.plan import statuses as status_rules
from roadmap_app.plan.edit_actions import (
    ECHEANCE_MAX,
    INTITULE_MAX,
    PILOTES_MAX,
    TEXT_FIELDS,
    ActionFields,
    _field_values,
    active_bassins,
    set_applicable,
)
from roadmap_app.plan.edit_structure import AXE_TITLE_MAX, suggest_axe_code
from roadmap_app.plan.editing import CODE_MAX, EditResult, Operation, next_code, now
from roadmap_app.plan.read import load_plan, roadmap_ref
from roadmap_app.plan.roadmaps import NAME_MAX, suggest_code

#: Libellé écrit pour un bassin où l'action ne s'applique pas.
NOT_APPLICABLE = "Non concernée"
SEP = " – "

#: Colonnes de l'export, dans l'ordre (le statut par bassin s'insère après « Actions pré-existantes »).
HEAD_CODE, HEAD_TITLE, HEAD_AXE, HEAD_CIBLE = "Numérotation", "Titre", "Axe", "Cible"
HEAD_DESC, HEAD_PRE = "Description", "Actions pré-existantes"
HEAD_LATE, HEAD_PILOTES, HEAD_PARTNERS = "En retard", "Pilotes", "Partenaires"
HEAD_DUE, HEAD_END = "Échéance", "Date de fin"
HEAD_TDB, HEAD_OTHER, HEAD_COMMENTS = (
    "Indicateurs (TDB national)",
    "Indicateurs (autres)",
    "Commentaires",
)

#: Champ → libellé dans l'aperçu.
FIELD_NAMES = {
    "axe": "axe",
    "cible": "cible",
    "intitule": "titre",
    "plan_actions": "description (plan d'actions)",
    "actions_preexistantes": "actions pré-existantes",
    "indicateurs_tdb": "indicateurs (TDB national)",
    "indicateurs_autres": "indicateurs (autres)",
    "echeance_label": "échéance",
    "pilotes_label": "pilotes",
    "organisations": "partenaires",
    "commentaires": "commentaires",
}


class PlanImportError(UserError):
    """Fichier refusé ; le message liste les erreurs avec leur emplacement. Rien n'est écrit."""


def _key(text: Any) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(str(text or ""))))


# -- export ---------------------------------------------------------------------------------
def export_columns(bassin_names: Iterable[str]) -> list[str]:
    return [HEAD_CODE, HEAD_TITLE, HEAD_AXE, HEAD_CIBLE, HEAD_DESC, HEAD_PRE,
            *(f"Statut – {name}" for name in bassin_names),
            HEAD_LATE, HEAD_PILOTES, HEAD_PARTNERS, HEAD_DUE, HEAD_END, HEAD_TDB, HEAD_OTHER,
            HEAD_COMMENTS]  # fmt: skip


def export_rows(
    ctx: AppContext, roadmap: str | int | None = None
) -> tuple[str, list[str], list[list[Any]]]:
    """(nom de la feuille de route, en-têtes, lignes) : une ligne par action non archivée."""
    plan = load_plan(ctx, roadmap)
    bassins = plan.bassins
    rows: list[list[Any]] = []
    for a in plan.actions():
        statuses = []
        for b in bassins:
            cell = a.statuses.get(b.id)
            statuses.append(NOT_APPLICABLE if cell is None else status_rules.label(cell.status))
        rows.append([
            a.code, a.intitule, f"{a.axe_code}{SEP}{a.axe_title}", f"{a.cible_code}{SEP}{a.cible_title}",
            a.plan_actions, a.actions_preexistantes, *statuses, "oui" if a.overdue() else "non",
            a.pilotes_label, ", ".join(a.pilotes), a.echeance.label, a.echeance.end,
            a.indicateurs_tdb, a.indicateurs_autres, a.commentaires,
        ])  # fmt: skip
    return plan.roadmap.name, export_columns(b.name for b in bassins), rows


def export_plan(ctx: AppContext, destination: str | Path, roadmap: str | int | None = None) -> Path:
    """Écrit le plan (.xlsx par la boîte à outils des classeurs, ou .csv UTF-8 avec BOM et « ; »)."""
    dest = Path(destination)
    name, header, rows = export_rows(ctx, roadmap)
    suffix = dest.suffix.lower()
    if suffix == ".csv":
        with atomic_output(dest) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(header)
            for row in rows:
                w.writerow([_csv_value(v) for v in row])
        return dest
    if suffix != ".xlsx":
        raise ValidationError(
            f"« {dest.name} » : format non pris en charge pour l'export du plan (attendu : .xlsx ou .csv)."
        )
    from roadmap_app.export.cells import FMT_DATE
    from roadmap_app.export.xlsx import Book

    widths = {HEAD_CODE: 15, HEAD_TITLE: 40, HEAD_AXE: 24, HEAD_CIBLE: 40, HEAD_DESC: 70,
              HEAD_PRE: 40, HEAD_LATE: 10, HEAD_PILOTES: 22, HEAD_PARTNERS: 14, HEAD_DUE: 18,
              HEAD_END: 12, HEAD_TDB: 30, HEAD_OTHER: 30, HEAD_COMMENTS: 50}  # fmt: skip
    book = Book(title=f"Plan d'actions — {name}", creator=ctx.author)
    sh = book.sheet("Plan d'actions", [widths.get(h, 16) for h in header], header_row=1,
                    freeze="C2", max_lines=8)  # fmt: skip
    sh.header(header)
    end_col = header.index(HEAD_END) + 1
    for row in rows:
        sh.values(row, {end_col: FMT_DATE})
    sh.auto_filter(1)
    return book.save(dest)


def _csv_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, date):
        return f"{v:%d/%m/%Y}"
    return safe_text(v) if isinstance(v, str) else v


# -- lecture --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    table: str  # « feuille « Plan » », « tableau 2 »
    row: int
    column: int | None = None
    header: str = ""

    def __str__(self) -> str:
        text = f"{self.table}, ligne {self.row}"
        if self.column is not None:
            text += f", colonne {column_letter(self.column)}"
            if self.header:
                text += f" ({self.header})"
        return text


@dataclass
class ReadAction:
    """Une action lue dans le fichier (textes tels qu'écrits, nettoyés)."""

    place: Place
    axe_code: str | None
    axe_title: str
    cible_code: str | None
    cible_title: str
    code: str | None
    titre: str | None  # None : colonne absente
    texts: dict[str, str]  # champs présents seulement
    organisations: list[str] | None
    statuses: dict[int, str | None]  # bassin → statut, None : non concernée


#: Colonnes reconnues : champ → en-têtes (forme repliée, début de l'en-tête).
_HEADERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("code", ("numerotation", "numero", "n", "no", "code")),
    ("titre", ("titre", "intitule")),
    ("axe", ("axe",)),
    ("cible", ("cible operationnelle", "cible", "cibles operationnelles")),
    ("plan_actions", ("description", "plan d actions", "plan d action")),
    ("actions_preexistantes", ("actions pre existantes", "actions preexistantes", "action pre existante")),
    ("late", ("en retard",)),
    ("pilotes_label", ("pilotes", "pilote")),
    ("organisations", ("partenaires",)),
    ("echeance_label", ("echeances", "echeance", "echeance estimee")),
    ("end", ("date de fin",)),
    ("indicateurs_tdb", ("indicateurs tdb national", "tdb national")),
    ("indicateurs_autres", ("indicateurs autres", "autres indicateurs", "autres")),
    ("commentaires", ("commentaires", "commentaire")),
)  # fmt: skip
_DERIVED = {"late", "end"}  # calculés : relus pour rien


def _field_of(header: str) -> str | None:
    key = _key(header)
    if not key:
        return None
    if key.startswith("statut"):
        return "statut"
    for name, forms in _HEADERS:
        for form in forms:
            if key == form or (len(form) >= 3 and key.startswith(form + " ")):
                return name
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value)).strip()


_CODED = re.compile(rf"^([A-Za-z0-9][A-Za-z0-9._-]{{0,{CODE_MAX - 1}}})\s+[–—-]\s+(.+)$", re.S)


def _split_coded(text: str) -> tuple[str | None, str]:
    """« EP-1 – Inscrire… » → (« EP-1 », « Inscrire… ») ; sans code : (None, texte)."""
    m = _CODED.match(text)
    if m and re.search(r"[A-Z]", m[1]) and m[1] == m[1].upper():
        return m[1], m[2].strip()
    return None, text


def _axe_title(text: str) -> str:
    """« Feuille de route Entrée en parcours » → « Entrée en parcours »."""
    t = text.strip()
    for prefix in ("feuille de route ", "axe "):
        if fold(t).startswith(prefix) and len(t) > len(prefix):
            rest = t[len(prefix) :].strip()
            return re.sub(r"^\d+\s*[:.–-]\s*", "", rest) if prefix == "axe " else rest
    return t


class _Reader:
    def __init__(self, bassins: list[Bassin], source: str) -> None:
        self.bassins = bassins
        self.source = source
        self.errors: list[str] = []
        self.ignored: list[str] = []
        self.actions: list[ReadAction] = []
        self.found_table = False

    def status_bassin(self, header: str, place: Place) -> list[Bassin] | None:
        """Bassins d'une colonne de statut : « Statut – Lensois » ; « Statut » seul (export de
        Territoires en Transitions) vaut pour tous les bassins."""
        rest = _key(header).removeprefix("statut").strip()
        if not rest:
            return list(self.bassins)
        words = f" {rest} "
        found = [
            b
            for b in self.bassins
            if any(f" {_key(k)} " in words for k in (b.name, b.code) if _key(k))
        ]
        if len(found) == 1:
            return found
        names = ", ".join(b.name for b in self.bassins)
        self.errors.append(
            f"{place} : « {header} » ne désigne {'pas un' if not found else 'pas un seul'} "
            f"bassin (« Statut – Lensois » ; bassins : {names})."
        )
        return None

    def table(self, name: str, rows: list[list[Any]], heading: str = "") -> None:
        """Une feuille, un CSV ou un tableau Word : en-tête cherché dans les 10 premières lignes."""
        header_at = None
        for i, row in enumerate(rows[:10]):
            fields_ = {_field_of(c) for c in row if c not in (None, "")} - {None}
            if len(fields_) >= 2 and fields_ & {"cible", "plan_actions", "titre", "code"}:
                header_at = i
                break
        if header_at is None:
            if any(any(c not in (None, "") for c in r) for r in rows):
                self.ignored.append(
                    f"{name} (pas d'en-tête du plan : « Cible », « Plan d'actions »…)"
                )
            return
        self.found_table = True
        header = list(rows[header_at])
        # en-tête sur plusieurs lignes (annexe Word : « Indicateurs… » puis « TDB national | Autres »)
        body_at = header_at + 1
        while body_at < len(rows) and rows[body_at] and rows[body_at][0] == header[0] and header[0]:
            for c, v in enumerate(rows[body_at]):
                if c < len(header) and v not in (None, "") and v != header[c]:
                    header[c] = v if _field_of(v) else header[c]
            body_at += 1
        cols: dict[str, int] = {}
        statuses: dict[int, list[Bassin]] = {}
        for c, raw in enumerate(header, 1):
            if raw in (None, ""):
                continue
            place = Place(name, header_at + 1, c, str(raw).strip())
            f = _field_of(raw)
            if f == "statut":
                b = self.status_bassin(str(raw), place)
                if b is not None:
                    statuses[c] = b
            elif f is None:
                self.ignored.append(f"{name}, colonne {column_letter(c)} « {str(raw).strip()} »")
            elif f in cols:
                self.ignored.append(
                    f"{name}, colonne {column_letter(c)} « {str(raw).strip()} » (en double)"
                )
            else:
                cols[f] = c
        missing = [label for f, label in (("cible", "Cible"),) if f not in cols]
        if not ({"plan_actions", "titre", "actions_preexistantes"} & cols.keys()):
            missing.append("Plan d'actions (ou Description, ou Titre)")
        if missing:
            self.errors.append(
                f"{name}, ligne {header_at + 1} : colonne(s) {', '.join(f'« {m} »' for m in missing)} absente(s)."
            )
            return
        has_axe = "axe" in cols
        axe = _axe_title(heading) if heading and not has_axe else ""
        axe_code: str | None = None
        cible, cible_code = "", None
        for r in range(body_at, len(rows)):
            row = list(rows[r]) + [None] * (len(header) - len(rows[r]))
            n = r + 1
            filled = [c for c, v in enumerate(row, 1) if _text(v)]
            if not filled:
                continue

            def val(f: str, row: list[Any] = row) -> str:
                return _text(row[cols[f] - 1]) if f in cols else ""

            def where(f: str, n: int = n) -> Place:
                return Place(name, n, cols.get(f), header[cols[f] - 1] if f in cols else "")

            if not has_axe and filled == [1] and _row_merged(rows[r]):
                axe_code, axe = _split_coded(_axe_title(_text(row[filled[0] - 1])))
                cible, cible_code = "", None
                continue
            if has_axe and val("axe"):
                axe_code, axe = _split_coded(val("axe"))
            if val("cible"):
                new_code, new_title = _split_coded(val("cible"))
                if (new_code, new_title) != (cible_code, cible):
                    cible_code, cible = new_code, new_title
            if not axe:
                self.errors.append(f"{where('axe') if has_axe else Place(name, n)} : axe inconnu "
                                   "(ni colonne « Axe », ni ligne d'axe au-dessus).")  # fmt: skip
                continue
            if not cible:
                self.errors.append(f"{where('cible')} : cible opérationnelle vide.")
                continue
            texts = {
                f: val(f)
                for f in ("plan_actions", *TEXT_FIELDS, "echeance_label", "pilotes_label")
                if f in cols
            }
            titre = val("titre") if "titre" in cols else None
            if not (titre or texts.get("plan_actions") or texts.get("actions_preexistantes")):
                if set(filled) <= {cols.get("cible"), cols.get("axe")}:
                    continue  # cible seule (ligne fusionnée en hauteur, sans action)
                self.errors.append(f"{Place(name, n)} : action sans titre ni plan d'actions.")
                continue
            code = val("code") or None
            for f, limit, what in (("echeance_label", ECHEANCE_MAX, "échéance"),
                                   ("pilotes_label", PILOTES_MAX, "pilotes")):  # fmt: skip
                if len(texts.get(f, "")) > limit:
                    self.errors.append(
                        f"{where(f)} : {what} trop longue ({len(texts[f])} caractères, au plus {limit})."
                    )
            if titre and len(titre) > INTITULE_MAX and titre != _derived_title(texts):
                self.errors.append(
                    f"{where('titre')} : titre trop long ({len(titre)} caractères, au plus {INTITULE_MAX})."
                )
            if axe and len(axe) > AXE_TITLE_MAX:
                self.errors.append(
                    f"{where('axe')} : titre d'axe trop long (au plus {AXE_TITLE_MAX})."
                )
            if (code is not None and not re.fullmatch(r"[A-Z0-9][A-Z0-9._-]*", code.upper())) or (
                code and len(code) > CODE_MAX
            ):
                self.errors.append(
                    f"{where('code')} : numérotation « {code} » invalide (lettres, chiffres, points, tirets)."
                )
                continue
            orgs = None
            if "organisations" in cols:
                # vide : lues dans le libellé des pilotes (nouvelle action) ou inchangées
                parts = re.split(r"[,;/]", val("organisations"))
                orgs = [p.strip() for p in parts if p.strip()] or None
            st: dict[int, str | None] = {}
            for c, group in statuses.items():
                raw = _text(row[c - 1])
                if not raw:
                    continue
                if _key(raw) in ("non concernee", "non concerne", "sans objet", "na", "n a"):
                    st.update({b.id: None for b in group if b.id is not None})
                    continue
                try:
                    value = status_rules.parse_status(raw).value
                    st.update({b.id: value for b in group if b.id is not None})
                except ValueError:
                    valid = ", ".join(status_rules.label(s) for s in status_rules.ORDERED)
                    self.errors.append(f"{Place(name, n, c, str(header[c - 1]))} : « {raw} » n'est pas "
                                       f"un statut ({valid}, ou « {NOT_APPLICABLE} »).")  # fmt: skip
            self.actions.append(ReadAction(Place(name, n), axe_code, axe, cible_code, cible,
                                           code.upper() if code else None, titre, texts, orgs, st))  # fmt: skip


def _row_merged(row: list[Any]) -> bool:
    """Ligne d'axe : un texte en première colonne, rien ensuite (cellule fusionnée sur la largeur ;
    une cellule Word simplement vide se lit « », une cellule couverte par la fusion ``None``)."""
    return all(v is None for v in row[1:])


def _derived_title(texts: dict[str, str]) -> str:
    return first_line(texts.get("plan_actions", "")) or first_line(
        texts.get("actions_preexistantes", "")
    )


def read_plan_file(ctx: AppContext, path: Path) -> _Reader:
    if not path.is_file():
        raise PlanImportError(f"Fichier introuvable : « {path} ».")
    with ctx.store.session() as s:
        bassins = active_bassins(s)
        for b in bassins:
            s.expunge(b)
    reader = _Reader(bassins, path.name)
    suffix = path.suffix.lower()
    what = "un import de plan"
    if suffix == ".xlsx":
        check_zip(path, what)
        try:
            wb = load_workbook_streaming(path, data_only=True)
        except Exception as err:
            raise PlanImportError(
                f"« {path.name} » n'est pas un classeur Excel (.xlsx) lisible ({type(err).__name__})."
            ) from None
        try:
            for ws in wb.worksheets:
                if ws.sheet_state != "visible":
                    continue
                where = f"feuille « {ws.title} »"
                reader.table(where, list(sheet_rows(ws, where)))
        except (PlanImportError, FileLimitError):
            raise
        except Exception as err:
            raise PlanImportError(
                f"« {path.name} » est un classeur endommagé ({type(err).__name__})."
            ) from None
        finally:
            wb.close()
    elif suffix == ".csv":
        text = read_csv_text(path, what, PlanImportError)
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        rows: list[list[Any]] = []
        csv_rows = csv.reader(io.StringIO(text), delimiter=delimiter)
        try:
            for r in csv_rows:
                rows.append([_uncsv(v) for v in r[: MAX_COLUMNS + 1]])
                check_row_count(len(rows), f"« {path.name} »")
        except csv.Error as err:
            raise PlanImportError(csv_error(path, csv_rows.line_num, err)) from None
        reader.table(f"« {path.name} »", rows)
    elif suffix == ".docx":
        from roadmap_app.plan.plan_docx import read_docx_tables

        try:
            tables = read_docx_tables(path, what)
        except FileLimitError:
            raise
        except Exception as err:
            raise PlanImportError(
                f"« {path.name} » n'est pas un document Word (.docx) lisible ({type(err).__name__})."
            ) from None
        for t in tables:
            reader.table(f"tableau {t.number}", t.rows, t.heading)
    else:
        raise PlanImportError(
            f"« {path.name} » : format non pris en charge (attendu : .xlsx, .csv ou .docx)."
        )
    if not reader.found_table and not reader.errors:
        reader.errors.append(
            f"« {path.name} » : aucun tableau du plan (en-têtes « Cible » et « Plan d'actions » "
            "ou « Titre » attendus)."
        )
    return reader


def _uncsv(value: str) -> str:
    """L'apostrophe ajoutée par l'export CSV devant un texte qui ressemble à une formule."""
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return value[1:]
    return value


# -- aperçu ---------------------------------------------------------------------------------
@dataclass
class ActionChange:
    kind: str  # « ajoutée », « modifiée », « absente »
    code: str
    title: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (champ, avant, après)
    place: Place | None = None
    action_id: int | None = None  # action enregistrée (absente : à archiver sur demande)


@dataclass
class _Target:
    """Ce que l'import écrira pour une action (codes résolus)."""

    read: ReadAction
    axe_code: str
    cible_code: str
    code: str
    existing_id: int | None
    values: dict[str, Any]  # intitule + textes
    organisations: list[str] | None


@dataclass
class PlanImport:
    source: str
    roadmap_name: str
    roadmap_id: int | None  # None : feuille de route à créer
    year: int
    changes: list[ActionChange] = field(default_factory=list)
    structure: list[str] = field(default_factory=list)  # axes et cibles ajoutés ou retitrés
    ignored: list[str] = field(default_factory=list)
    targets: list[_Target] = field(default_factory=list)
    axes: dict[str, str] = field(default_factory=dict)  # code → titre, dans l'ordre du fichier
    cibles: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (axe, titre)
    #: Archiver les actions absentes du fichier (un avenant qui retire des actions).
    archive_missing: bool = False

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def is_noop(self) -> bool:
        written = (
            ("ajoutée", "modifiée", "absente") if self.archive_missing else ("ajoutée", "modifiée")
        )
        return not self.structure and not any(c.kind in written for c in self.changes)

    def summary(self) -> str:
        head = (
            f"nouvelle feuille de route « {self.roadmap_name} » : "
            if self.roadmap_id is None
            else ""
        )
        return (f"{head}{self.count('ajoutée')} action(s) ajoutée(s), {self.count('modifiée')} modifiée(s), "
                f"{self.count('absente')} absente(s) du fichier "
                f"({'archivées' if self.archive_missing else 'laissées telles quelles'}), "
                f"{len(self.targets) - self.count('ajoutée') - self.count('modifiée')} inchangée(s)")  # fmt: skip


def _show(v: Any) -> str:
    if v is None:
        return "(vide)"
    if isinstance(v, list | tuple):
        return ", ".join(str(x) for x in v) or "(aucun)"
    text = str(v)
    if not text:
        return "(vide)"
    # en entier (l'interface l'élide dans la cellule et le montre en infobulle ; la ligne de
    # commande le raccourcit) ; les retours à la ligne deviennent « ⏎ »
    text = " ⏎ ".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    return f"« {text} »"


def clip(text: str, limit: int = 120) -> str:
    """Valeur d'aperçu raccourcie pour un terminal (« … » au milieu de la fin gardée)."""
    return text if len(text) <= limit else text[: limit - 3] + "…" + text[-2:]


def plan_import(
    ctx: AppContext,
    path: str | Path,
    roadmap: str | None = None,
    *,
    year: int | None = None,
    archive_missing: bool = False,
) -> PlanImport:
    """Lit le fichier et prépare l'import (rien n'est écrit) ; ``PlanImportError`` à la moindre erreur.

    ``roadmap`` : la feuille de route à mettre à jour (code ou nom), créée si elle n'existe pas ;
    par défaut celle du contexte. ``archive_missing`` : les actions absentes du fichier seront
    archivées (sinon laissées telles quelles)."""
    path = Path(path)
    reader = read_plan_file(ctx, path)
    with ctx.store.session() as s:
        rm = _find_roadmap(s, ctx, roadmap)
        if rm is None and roadmap is not None:
            name = clean_text(roadmap).strip()
            if not name or len(name) > NAME_MAX:
                reader.errors.append(
                    f"Nom de feuille de route « {roadmap} » invalide (1 à {NAME_MAX} caractères)."
                )
            result = PlanImport(path.name, name, None, year or ctx.today().year)
        else:
            assert rm is not None
            if rm.archived:
                raise PlanImportError(
                    f"La feuille de route « {rm.name} » est archivée : elle ne peut plus être modifiée."
                )
            result = PlanImport(path.name, rm.name, rm.id, rm.year)
        result.ignored = reader.ignored
        result.archive_missing = archive_missing
        _resolve(s, result, rm, reader)
    if reader.errors:
        shown = "\n".join(f"- {e}" for e in reader.errors[:25])
        more = f"\n… et {len(reader.errors) - 25} autre(s)." if len(reader.errors) > 25 else ""
        raise PlanImportError(
            f"Import de « {path.name} » refusé, rien n'a été écrit :\n{shown}{more}"
        )
    return result


def _find_roadmap(s: Session, ctx: AppContext, roadmap: str | None) -> Roadmap | None:
    from roadmap_app.core.errors import NotFoundError

    try:
        ref = roadmap_ref(s, roadmap if roadmap is not None else ctx.roadmap_id)
    except NotFoundError:
        if roadmap is None:
            raise
        return None
    return s.get(Roadmap, ref.id)


def _resolve(s: Session, result: PlanImport, rm: Roadmap | None, reader: _Reader) -> None:
    """Codes des axes, cibles et actions ; différences avec la feuille de route enregistrée."""
    axes = cibles = actions = []
    if rm is not None:
        axes = list(
            s.exec(select(Axe).where(Axe.roadmap_id == rm.id).order_by(col(Axe.position))).all()
        )
        cibles = list(
            s.exec(
                select(Cible).where(Cible.roadmap_id == rm.id).order_by(col(Cible.position))
            ).all()
        )
        actions = list(s.exec(select(Action).where(Action.roadmap_id == rm.id)
                              .order_by(col(Action.cible_id), col(Action.position), col(Action.id))).all())  # fmt: skip
    axe_by_code = {a.code: a for a in axes}
    cible_by_code = {c.code: c for c in cibles}
    axe_code_of = {a.id: a.code for a in axes}
    action_by_code = {a.code: a for a in actions}
    live_axes = [a for a in axes if not a.archived]
    live_cibles = {c.id: c for c in cibles if not c.archived}
    taken_axes = set(axe_by_code)
    taken_cibles = set(cible_by_code)
    taken_actions = set(action_by_code)
    used_codes: dict[str, Place] = {}
    # 1. axes et cibles
    axe_of_title: dict[str, str] = {}
    for ra in reader.actions:
        code = ra.axe_code
        if code is None:
            code = axe_of_title.get(fold(ra.axe_title))
        if code is None:
            hit = next((a for a in live_axes if fold(a.title) == fold(ra.axe_title)), None)
            code = (
                hit.code if hit else suggest_axe_code(ra.axe_title, taken_axes | set(result.axes))
            )
        axe_of_title.setdefault(fold(ra.axe_title), code)
        prev = result.axes.get(code)
        if prev is not None and fold(prev) != fold(ra.axe_title):
            reader.errors.append(
                f"{ra.place} : l'axe {code} porte deux titres dans le fichier (« {prev} », « {ra.axe_title} »)."
            )
        result.axes.setdefault(code, ra.axe_title)
        ra.axe_code = code
    cible_of_title: dict[tuple[str, str], str] = {}
    for ra in reader.actions:
        assert ra.axe_code is not None
        code = ra.cible_code
        key = (ra.axe_code, fold(ra.cible_title))
        if code is None:
            code = cible_of_title.get(key)
        if code is None:
            axe_row = axe_by_code.get(ra.axe_code)
            found = next((c for c in live_cibles.values() if axe_row is not None and c.axe_id == axe_row.id
                        and fold(c.title) == fold(ra.cible_title) and c.code not in result.cibles), None)  # fmt: skip
            code = (
                found.code
                if found
                else next_code(taken_cibles | set(result.cibles), f"{ra.axe_code}-")
            )
        cible_of_title.setdefault(key, code)
        prev2 = result.cibles.get(code)
        if prev2 is not None and (
            prev2[0] != ra.axe_code or fold(prev2[1]) != fold(ra.cible_title)
        ):
            reader.errors.append(
                f"{ra.place} : la cible {code} porte deux titres ou deux axes dans le fichier."
            )
        result.cibles.setdefault(code, (ra.axe_code, ra.cible_title))
        ra.cible_code = code
    for code, title in result.axes.items():
        row = axe_by_code.get(code)
        if row is None:
            result.structure.append(f"Nouvel axe {code}{SEP}{title}")
        elif row.title != title:
            result.structure.append(f"Axe {code} : titre {_show(row.title)} → {_show(title)}")
        elif row.archived:
            result.structure.append(f"Axe {code} restauré")
    for code, (axe, title) in result.cibles.items():
        crow = cible_by_code.get(code)
        if crow is None:
            result.structure.append(f"Nouvelle cible {code}{SEP}{title}")
        else:
            if crow.title != title:
                result.structure.append(
                    f"Cible {code} : titre {_show(crow.title)} → {_show(title)}"
                )
            if axe_code_of.get(crow.axe_id) != axe:
                result.structure.append(
                    f"Cible {code} : axe {axe_code_of.get(crow.axe_id)} → {axe}"
                )
            if crow.archived:
                result.structure.append(f"Cible {code} restaurée")
    # 2. actions : par code, sinon par texte dans la cible, sinon dans l'ordre
    by_cible: dict[str, list[Action]] = {}
    cible_code_of = {c.id: c.code for c in cibles}
    for a in actions:
        if not a.archived and a.cible_id in live_cibles:
            by_cible.setdefault(cible_code_of[a.cible_id], []).append(a)
    claimed = {ra.code for ra in reader.actions if ra.code}
    for ra in reader.actions:
        assert ra.cible_code is not None and ra.axe_code is not None
        existing = action_by_code.get(ra.code) if ra.code else None
        code = ra.code
        if code is None:
            pool = [a for a in by_cible.get(ra.cible_code, []) if a.code not in claimed]
            existing = next(
                (
                    a
                    for a in pool
                    if fold(a.plan_actions) == fold(ra.texts.get("plan_actions", "\0"))
                ),
                None,
            )
            if existing is None and pool:
                existing = pool[0]
            if existing is not None:
                code = existing.code
            else:
                code = next_code(taken_actions | claimed, f"{ra.cible_code}.")
            claimed.add(code)
        if code in used_codes:
            reader.errors.append(
                f"{ra.place} : action {code} en double (déjà en {used_codes[code]})."
            )
            continue
        used_codes[code] = ra.place
        if existing is not None and existing.archived:
            reader.errors.append(
                f"{ra.place} : l'action {code} est archivée dans « {result.roadmap_name} » : restaurez-la d'abord."
            )
            continue
        values = _values(ra, existing)
        target = _Target(
            ra,
            ra.axe_code,
            ra.cible_code,
            code,
            existing.id if existing else None,
            values,
            ra.organisations,
        )
        result.targets.append(target)
        title = (
            values.get("intitule")
            or _derived_title(
                {
                    **({} if existing is None else {"plan_actions": existing.plan_actions}),
                    **ra.texts,
                }
            )
            or code
        )
        if existing is None:
            result.changes.append(ActionChange("ajoutée", code, title, place=ra.place))
            continue
        diffs = _diffs(s, existing, target, cible_code_of, axe_code_of, live_cibles)
        if diffs:
            result.changes.append(ActionChange("modifiée", code, title, diffs, ra.place))
    for a in actions:
        if not a.archived and a.cible_id in live_cibles and a.code not in used_codes:
            result.changes.append(
                ActionChange(
                    "absente", a.code, a.intitule or first_line(a.plan_actions), action_id=a.id
                )
            )


def _values(ra: ReadAction, existing: Action | None) -> dict[str, Any]:
    values: dict[str, Any] = dict(ra.texts)
    if ra.titre is not None:
        texts = {"plan_actions": existing.plan_actions if existing else "",
                 "actions_preexistantes": existing.actions_preexistantes if existing else "", **ra.texts}  # fmt: skip
        derived = _derived_title(texts) or ra.cible_title  # comme la lecture du plan
        if ra.titre and ra.titre != derived:
            values["intitule"] = ra.titre
        elif existing is not None and existing.intitule == ra.titre:
            values["intitule"] = existing.intitule
        else:
            values["intitule"] = None
    return values


def _diffs(s: Session, row: Action, t: _Target, cible_code_of: dict[Any, str], axe_code_of: dict[Any, str],
           live_cibles: dict[Any, Cible]) -> list[tuple[str, str, str]]:  # fmt: skip
    out: list[tuple[str, str, str]] = []
    if cible_code_of.get(row.cible_id) != t.cible_code:
        out.append((FIELD_NAMES["cible"], cible_code_of.get(row.cible_id, ""), t.cible_code))
    for name, new in t.values.items():
        old = getattr(row, name)
        if (old or "").strip() != (new or "").strip():
            out.append((FIELD_NAMES.get(name, name), _show(old), _show(new)))
    if t.organisations is not None:
        assert row.id is not None
        current = links.organisation_codes(s, row.id)
        wanted = [o.upper() for o in t.organisations]
        if sorted(current) != sorted(wanted):
            out.append((FIELD_NAMES["organisations"], _show(current), _show(wanted)))
    if t.read.statuses:
        cells = {
            c.bassin_id: c
            for c in s.exec(select(ActionBassin).where(ActionBassin.action_id == row.id)).all()
        }
        names = {b.id: b.name for b in s.exec(select(Bassin)).all()}
        for bid, status in t.read.statuses.items():
            cell = cells.get(bid)
            old = None if cell is None or cell.archived else cell.status
            if old != status:
                show = lambda v: NOT_APPLICABLE if v is None else status_rules.label(v)  # noqa: E731
                out.append((f"statut – {names.get(bid, bid)}", show(old), show(status)))
    return out


# -- écriture -------------------------------------------------------------------------------
def apply_plan_import(
    ctx: AppContext, plan: PlanImport, *, source: str = "gui", author: str | None = None,
    record_undo: bool = True,
) -> EditResult:  # fmt: skip
    """Écrit l'import préparé : une transaction, une opération journalisée et annulable."""
    if plan.is_noop:
        return EditResult(None, "Rien à changer")
    out = ops.Outcome()
    with ops.operation(
        ctx, author=author, source=source, record_undo=record_undo, op_class=Operation, outcome=out
    ) as op:
        s = op.session
        stamp = now()
        origin = f"Import de « {plan.source} » par {op.author}"
        if plan.roadmap_id is None:
            every = s.exec(select(Roadmap)).all()
            if any(fold(r.name) == fold(plan.roadmap_name) for r in every):
                raise ValidationError(
                    f"La feuille de route « {plan.roadmap_name} » existe déjà : recommencez l'import."
                )
            rm = Roadmap(code=suggest_code(plan.year, {r.code for r in every}), name=plan.roadmap_name,
                         year=plan.year, description=f"Importée de « {plan.source} ».", source=origin,
                         created_at=stamp)  # fmt: skip
            s.add(rm)
            s.flush()
            op.created(rm, "roadmap", rm.name)
        else:
            found = s.get(Roadmap, plan.roadmap_id)
            assert found is not None
            rm = found
        assert rm.id is not None
        axes = {a.code: a for a in s.exec(select(Axe).where(Axe.roadmap_id == rm.id)).all()}
        cibles = {c.code: c for c in s.exec(select(Cible).where(Cible.roadmap_id == rm.id)).all()}
        for code, title in plan.axes.items():
            axe = axes.get(code)
            if axe is None:
                axe = Axe(
                    roadmap_id=rm.id, code=code, title=title, position=len(axes) + 1, source=origin
                )
                s.add(axe)
                s.flush()
                op.created(axe, "axe", code)
                axes[code] = axe
            else:
                op.update(axe, "axe", code, {"title": title, "archived": False})
        for code, (axe_code, title) in plan.cibles.items():
            cible = cibles.get(code)
            axe_id = axes[axe_code].id
            assert axe_id is not None
            if cible is None:
                n = sum(1 for c in cibles.values() if c.axe_id == axe_id)
                cible = Cible(
                    roadmap_id=rm.id,
                    axe_id=axe_id,
                    code=code,
                    title=title,
                    position=n + 1,
                    source=origin,
                )
                s.add(cible)
                s.flush()
                op.created(cible, "cible", code)
                cibles[code] = cible
            else:
                op.update(
                    cible, "cible", code, {"title": title, "axe_id": axe_id, "archived": False}
                )
        live = active_bassins(s)
        positions: dict[int, int] = {}
        for t in plan.targets:
            cible = cibles[t.cible_code]
            assert cible.id is not None
            f = ActionFields(**{k: v for k, v in t.values.items() if k != "intitule"})
            if t.existing_id is None:
                values = _field_values(s, rm, f, None, op)
                values["intitule"] = t.values.get("intitule")
                positions[cible.id] = positions.get(cible.id, _count(s, cible.id)) + 1
                action = Action(roadmap_id=rm.id, cible_id=cible.id, code=t.code, position=positions[cible.id],
                                source=origin, created_at=stamp, updated_at=stamp, **values)  # fmt: skip
                s.add(action)
                s.flush()
                assert action.id is not None
                op.created(action, "action", t.code)
                wanted_orgs = t.organisations
                if wanted_orgs is None:
                    wanted_orgs = _orgs_in(t.values.get("pilotes_label", ""))
                links.set_organisation_codes(
                    s, action.id, links.resolve_organisations(s, wanted_orgs)
                )
                for b in live:
                    assert b.id is not None
                    wanted = t.read.statuses.get(b.id, "a_lancer")
                    if wanted is None:  # non concernée
                        continue
                    set_applicable(op, action, b, True)
                    if wanted != "a_lancer":
                        _set_status(op, s, action, b, wanted)
                continue
            row = s.get(Action, t.existing_id)
            assert row is not None and row.id is not None
            values = _field_values(s, rm, f, row, op)
            if "intitule" in t.values:
                values["intitule"] = t.values["intitule"]
            if row.cible_id != cible.id:
                positions[cible.id] = positions.get(cible.id, _count(s, cible.id)) + 1
                values["cible_id"] = cible.id
                values["position"] = positions[cible.id]
            changed = op.update(row, "action", row.code, values, extra={"updated_at": stamp})
            current = links.organisation_codes(s, row.id)
            orgs = None
            if t.organisations is not None:
                orgs = links.resolve_organisations(s, t.organisations)
            elif "pilotes_label" in changed:
                orgs = links.resolve_organisations(s, _orgs_in(values["pilotes_label"]))
            if orgs is not None and orgs != current:
                op.add_change("action", row.id, row.code, "organisations", current, orgs)
                links.set_organisation_codes(s, row.id, orgs)
            for b in live:
                if b.id not in t.read.statuses:
                    continue
                wanted = t.read.statuses[b.id]
                set_applicable(op, row, b, wanted is not None)
                if wanted is not None:
                    _set_status(op, s, row, b, wanted)
        if plan.archive_missing:
            for change in plan.changes:
                gone = s.get(Action, change.action_id) if change.kind == "absente" else None
                if gone is not None and not gone.archived:
                    op.update(
                        gone, "action", gone.code, {"archived": True}, extra={"updated_at": stamp}
                    )
        label = f"Import du plan « {plan.source} » dans « {rm.name} » : {plan.summary()}"
        op.label = label
        rid = rm.id
    return op.finish(out, entity_id=rid, code=rm.code)


def _count(s: Session, cible_id: int) -> int:
    return len(
        s.exec(
            select(Action.id).where(Action.cible_id == cible_id, col(Action.archived).is_(False))
        ).all()
    )


def _orgs_in(label: str) -> list[str]:
    from roadmap_app.plan.pilotes import organisations_in

    return organisations_in(label)


def _set_status(op: Operation, s: Session, action: Action, bassin: Bassin, status: str) -> None:
    cell = s.exec(select(ActionBassin).where(ActionBassin.action_id == action.id,
                                             ActionBassin.bassin_id == bassin.id)).first()  # fmt: skip
    assert cell is not None
    op.update(cell, "action_bassin", f"{action.code} / {bassin.name}", {"status": status},
              extra={"updated_at": now(), "updated_by": op.author})  # fmt: skip
