"""Classeur verrouillé pour les partenaires sans l'application, et son retour par les règles de fusion.

Codes et textes protégés ; statut en liste déroulante ; avancement (0 à 100) et note modifiables.
Une feuille très cachée « _fusion » porte l'état de départ et son empreinte : A1 les
informations (JSON, dont ``parts``), A2 l'empreinte, puis l'état de départ découpé en morceaux
de ``STATE_CHUNK`` caractères (A3, A4…) — une cellule de tableur tient au plus 32 767 caractères,
l'état de 35 notes de 1 000 caractères ne tiendrait pas dans une seule. Les classeurs écrits
avant ce découpage (A2 l'état, A3 l'empreinte) se relisent toujours.

Relecture tolérante à ce que les partenaires font du classeur : les colonnes sont reconnues par
leur en-tête (une colonne ajoutée, « Commentaire », est ignorée et listée dans l'aperçu ; une
colonne attendue absente est une erreur située) ; « 45 % » (nombre au format pourcentage ou
texte) est lu 45 ; la feuille « Actions » renommée est retrouvée si elle est la seule.

Relecture en continu (``openpyxl`` en lecture seule), sous les limites de ``roadmap_app.core.limits`` :
un classeur altéré ou hostile est refusé vite, sans épuiser la mémoire.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from db.types import utcnow
from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import UserError
from roadmap_app.core.limits import (
    FileLimitError,
    check_zip,
    column_letter,
    load_workbook_streaming,
    sheet_rows,
)
from roadmap_app.core.text import clean_text, fold
from roadmap_app.export.cells import cell_text, safe_text
from roadmap_app.export.xlsx import Book
from roadmap_app.plan import statuses as status_rules
from roadmap_app.plan.read import find_bassin, load_plan
from roadmap_app.workshops.ateliers import create_atelier
from roadmap_app.workshops.merge import MergePlan, plan_three_way
from roadmap_app.workshops.package import PackageError
from roadmap_app.workshops.state import (
    Provenance,
    canonical,
    cell_key,
    digest,
    max_journal_id,
    store_uuid,
)

SHEET = "Actions"
META_SHEET = "_fusion"
HEADER_ROW = 4
COLUMNS = (
    "Code",
    "Axe",
    "Cible",
    "Action",
    "Échéance",
    "Pilotes",
    "Statut",
    "Avancement (%)",
    "Note",
)
COL_STATUS, COL_PROGRESS, COL_NOTE = 7, 8, 9  # colonnes G, H, I (1 = A)
EDITABLE = "FFF8DB"  # fond des cellules à remplir
LETTERS = "ABCDEFGHI"
#: Taille d'un morceau de l'état de départ (sous la limite de 32 767 caractères d'une cellule).
STATE_CHUNK = 30_000


#: Colonnes lues au retour (les autres sont des rappels protégés).
READ_COLUMNS = ("Code", "Statut", "Avancement (%)", "Note")


def _header_key(text: Any) -> str:
    return " ".join(fold(str(text or "")).replace("(%)", "").split())


@dataclass(frozen=True)
class WorkbookError:
    row: int
    column: int
    message: str
    sheet: str = SHEET
    name: str = ""

    def __str__(self) -> str:
        name = self.name or (COLUMNS[self.column - 1] if self.column <= len(COLUMNS) else "")
        return (
            f"feuille « {self.sheet} », ligne {self.row}, colonne {column_letter(self.column)} "
            f"({name}) : {self.message}"
        )


def export_workbook(ctx: AppContext, destination: str | Path, bassin: str | int) -> Path:
    plan = load_plan(ctx)
    ref = find_bassin(plan.bassins, bassin)
    atelier = create_atelier(
        ctx, ref.id, ctx.today(), title="Retour partenaire (classeur)", kind="classeur"
    )
    with ctx.store.session() as s:
        base_journal = max_journal_id(s)
        source_uuid = store_uuid(s)
    rid = plan.roadmap.id
    base: dict[str, Any] = {}
    book = Book(title=f"Feuille de route volet 3 — bassin {ref.name}", creator=ctx.author)
    sh = book.sheet(SHEET, (9, 6, 8, 60, 16, 22, 14, 12, 50), header_row=HEADER_ROW)
    sh.title(f"Feuille de route volet 3 — bassin {ref.name}")
    sh.note(
        "Renseignez le statut (liste), l'avancement (0 à 100) et une note ; les autres colonnes sont protégées. "
        "Renvoyez le fichier à la chefferie de projet sans le renommer ni ajouter de lignes."
    )
    sh.skip(HEADER_ROW - sh.row - 1)
    sh.header(COLUMNS)
    for action in plan.actions():
        cell = action.statuses.get(ref.id)
        if cell is None:
            continue
        values = [action.code, action.axe_code, action.cible_code, action.intitule, action.echeance.label,
                  action.pilotes_label, status_rules.label(cell.status), cell.progress, cell.note]  # fmt: skip
        sh.append([
            sh.cell(value, wrap=col in (4, 9), locked=col < COL_STATUS,
                    fill=EDITABLE if col >= COL_STATUS else None)
            for col, value in enumerate(values, 1)
        ])  # fmt: skip
        prefix = f"{action.code}@{rid}"
        for field, value in (
            ("status", cell.status),
            ("progress", cell.progress),
            ("note", cell.note),
        ):
            base[cell_key(prefix, ref.code, field)] = value
    last = max(sh.row, HEADER_ROW + 1)
    labels = ",".join(status_rules.label(s) for s in status_rules.ORDERED)
    sh.validate(f"G{HEADER_ROW + 1}:G{last}", type="list", formula1=f'"{labels}"', allow_blank=False,
                showErrorMessage=True, errorTitle="Statut", error="Choisissez un statut dans la liste.")  # fmt: skip
    sh.validate(f"H{HEADER_ROW + 1}:H{last}", type="whole", operator="between", formula1="0", formula2="100",
                allow_blank=True, showErrorMessage=True, errorTitle="Avancement", error="Un entier de 0 à 100.")  # fmt: skip
    sh.protect("atelier")

    meta = {
        "package_uuid": str(uuid.uuid4()),
        "source_store_uuid": source_uuid,
        "bassin_code": ref.code,
        "roadmap_id": rid,
        "atelier_id": atelier.id,
        "base_journal_id": base_journal,
        "created_by": ctx.author,
        "created_at": utcnow().replace(microsecond=0).isoformat(),
    }
    raw = canonical(base)
    text = raw.decode("utf-8")
    chunks = [text[i : i + STATE_CHUNK] for i in range(0, len(text), STATE_CHUNK)] or [""]
    meta["parts"] = len(chunks)
    meta_sh = book.sheet(META_SHEET, [20])
    meta_sh.ws.sheet_state = "veryHidden"
    meta_sh.protect()
    # JSON : aucun caractère de contrôle ; un morceau qui commence par « = » reste du texte
    for value in (json.dumps(meta, ensure_ascii=False), digest(canonical(meta), raw), *chunks):
        meta_sh.append([meta_sh.cell(value)])
    return book.save(destination)


def read_workbook(
    path: Path, ignored: list[str] | None = None
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], Provenance]:
    """(méta, état de départ, valeurs saisies, provenance) ; lève ``PackageError`` avec lignes et
    colonnes. ``ignored`` reçoit les colonnes ignorées (« feuille « Actions », colonne J « Commentaire » »)."""
    if not path.is_file():
        raise PackageError(f"Classeur introuvable : « {path} ».")
    check_zip(path, "un classeur partenaire")  # tailles annoncées, avant toute décompression
    # Frontière avec un fichier venu d'ailleurs : un classeur tronqué ou altéré peut lever presque
    # n'importe quoi dans zipfile, zlib ou le lecteur XML (EOFError, zlib.error…) ; tout devient un refus.
    try:
        wb = load_workbook_streaming(path)
    except Exception as err:
        raise PackageError(
            f"« {path.name} » n'est pas un classeur Excel (.xlsx) lisible ({type(err).__name__} : {err})."
        ) from None
    try:
        return _read_open_workbook(path, wb, [] if ignored is None else ignored)
    except (PackageError, FileLimitError):
        raise
    except Exception as err:
        raise PackageError(
            f"Le classeur « {path.name} » est endommagé ({type(err).__name__})."
        ) from None
    finally:
        wb.close()


def _state_of(path: Path, wb: Any) -> tuple[dict[str, Any], bytes]:
    """Informations et état de départ (vérifié par son empreinte) de la feuille « _fusion »."""
    column = [
        row[0] if row else None for row in sheet_rows(wb[META_SHEET], f"feuille « {META_SHEET} »")
    ]
    try:
        meta = json.loads(str(column[0]))
        if not isinstance(meta, dict):
            raise TypeError
        if "parts" in meta:  # morceaux A3, A4…
            parts = int(meta["parts"])
            expected, pieces = column[1], column[2 : 2 + parts]
            if len(pieces) != parts or any(not isinstance(p, str) for p in pieces):
                raise ValueError
            raw = "".join(str(p) for p in pieces).encode("utf-8")
        else:  # classeur écrit avant le découpage : A2 l'état, A3 l'empreinte
            raw, expected = str(column[1]).encode("utf-8"), column[2]
    except (TypeError, ValueError, IndexError):
        raise PackageError(
            f"Le classeur « {path.name} » est endommagé (informations de fusion illisibles)."
        ) from None
    if digest(canonical(meta), raw) != expected:
        raise PackageError(
            f"Le classeur « {path.name} » a été altéré (empreinte incorrecte) : fusion refusée."
        )
    return meta, raw


def _actions_sheet(path: Path, wb: Any) -> str:
    """La feuille des actions : « Actions », ou la seule feuille visible si elle a été renommée."""
    if SHEET in wb.sheetnames:
        return SHEET
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    if META_SHEET in wb.sheetnames and len(visible) == 1:
        return str(visible[0])
    raise PackageError(
        f"« {path.name} » n'est pas un classeur d'atelier roadmap-app (feuilles attendues absentes)."
    )


def _columns(path: Path, sheet: str, header: list[Any], ignored: list[str]) -> dict[str, int]:
    """Position (1 = A) de chaque colonne lue, reconnue par son en-tête ; les autres sont ignorées."""
    known = {_header_key(c): c for c in COLUMNS}
    found: dict[str, int] = {}
    for i, raw in enumerate(header, 1):
        key = _header_key(raw)
        if not key:
            continue
        name = known.get(key)
        if name is None:
            ignored.append(
                f"feuille « {sheet} », colonne {column_letter(i)} « {str(raw).strip()} »"
            )
        elif name not in found:
            found[name] = i
    missing = [c for c in READ_COLUMNS if c not in found]
    if missing:
        raise PackageError(
            f"Classeur « {path.name} » refusé, rien n'a été écrit : feuille « {sheet} », ligne "
            f"{HEADER_ROW} : colonne(s) {', '.join(f'« {c} »' for c in missing)} absente(s) "
            "(en-têtes modifiés)."
        )
    return found


def _read_open_workbook(
    path: Path, wb: Any, ignored: list[str]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], Provenance]:
    sheet = _actions_sheet(path, wb)
    if META_SHEET not in wb.sheetnames:
        raise PackageError(
            f"« {path.name} » n'est pas un classeur d'atelier roadmap-app (feuilles attendues absentes)."
        )
    meta, raw = _state_of(path, wb)
    try:
        base = json.loads(raw)
        rid, bassin = meta["roadmap_id"], meta["bassin_code"]
    except (ValueError, KeyError, TypeError):
        raise PackageError(
            f"Le classeur « {path.name} » est endommagé (informations de fusion illisibles)."
        ) from None
    errors: list[WorkbookError] = []
    theirs: dict[str, Any] = {}
    seen: set[str] = set()
    pos: dict[str, int] = {}

    def err(r: int, name: str, message: str) -> WorkbookError:
        return WorkbookError(r, pos[name], message, sheet, name)

    for r, values in enumerate(sheet_rows(wb[sheet], f"feuille « {sheet} »", percent=True), 1):
        if r < HEADER_ROW:
            continue
        if r == HEADER_ROW:
            pos = _columns(path, sheet, values, ignored)
            continue
        width = max(pos.values())
        row = values + [None] * width
        cells = {name: row[i - 1] for name, i in pos.items()}
        code = cells["Code"]
        if code is None and all(row[i - 1] in (None, "") for i in pos.values()):
            continue
        prefix = f"{code}@{rid}"
        if cell_key(prefix, bassin, "status") not in base:
            errors.append(err(r, "Code", f"code d'action « {code} » inconnu (ligne ajoutée ?)"))
            continue
        if code in seen:
            errors.append(err(r, "Code", f"action « {code} » en double"))
            continue
        seen.add(str(code))
        raw_status = cells["Statut"]
        try:
            theirs[cell_key(prefix, bassin, "status")] = status_rules.parse_status(
                str(raw_status or "")
            ).value
        except ValueError:
            valid = ", ".join(status_rules.label(s) for s in status_rules.ORDERED)
            errors.append(err(r, "Statut", f"« {raw_status or ''} » n'est pas un statut ({valid})"))
        raw_progress = cells["Avancement (%)"]
        progress = _progress(raw_progress)
        if progress == "invalid":
            errors.append(
                err(r, "Avancement (%)", f"« {raw_progress} » n'est pas un entier de 0 à 100")
            )
        else:
            theirs[cell_key(prefix, bassin, "progress")] = progress
        key = cell_key(prefix, bassin, "note")
        theirs[key] = _note(cells["Note"], base.get(key))
    if errors:
        shown = "\n".join(f"- {e}" for e in errors[:20])
        more = f"\n… et {len(errors) - 20} autre(s)." if len(errors) > 20 else ""
        raise PackageError(f"Classeur « {path.name} » refusé, rien n'a été écrit :\n{shown}{more}")
    props = wb.properties
    author = (props.lastModifiedBy or "").strip() or "Partenaire"
    modified = props.modified if isinstance(props.modified, datetime) else None
    ts = modified.replace(tzinfo=UTC) if modified and modified.tzinfo is None else modified
    return meta, base, theirs, Provenance(f"{author} (classeur partenaire)", ts or utcnow())


def _note(value: Any, original: Any) -> str:
    """Note relue : telle qu'elle a été écrite (raccourcie à la limite d'une cellule, ou, dans un
    classeur plus ancien, préfixée d'une apostrophe), c'est la note de départ, inchangée ; sinon la
    saisie du partenaire."""
    text = "" if value is None else str(value)
    # classeurs d'avant le style « quotePrefix » : la note y était écrite « '=… »
    if isinstance(original, str) and text in (cell_text(original), safe_text(original)):
        return original
    return clean_text(text).strip().removeprefix("'")


def _progress(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "invalid"
    if isinstance(value, str):  # « 45 % », « 45,0 % », espaces insécables
        text = "".join(value.split()).removesuffix("%").replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            return "invalid"
    if isinstance(value, int | float) and float(value).is_integer() and 0 <= value <= 100:
        return int(value)
    return "invalid"


def plan_workbook_merge(ctx: AppContext, path: Path) -> MergePlan:
    ignored: list[str] = []
    meta, base, theirs, prov = read_workbook(Path(path), ignored)
    with ctx.store.session() as s:
        if meta["source_store_uuid"] != store_uuid(s):
            raise PackageError(
                "Ce classeur vient d'une autre base : il ne peut pas être fusionné ici. Rien n'a été écrit."
            )
    if not isinstance(theirs, dict):
        raise UserError("Classeur illisible.")
    plan = plan_three_way(
        ctx,
        package_uuid=meta["package_uuid"],
        kind="classeur",
        source_name=Path(path).name,
        atelier_id=meta["atelier_id"],
        base=base,
        theirs=theirs,
        theirs_by=lambda _key: prov,
        base_journal_id=meta["base_journal_id"],
    )
    plan.ignored = ignored
    return plan
