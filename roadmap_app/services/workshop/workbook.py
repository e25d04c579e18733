"""Classeur verrouillé pour les partenaires sans l'application, et son retour par les règles de fusion.

Codes et textes protégés ; statut en liste déroulante ; avancement (0 à 100) et note modifiables.
Une feuille très cachée « _fusion » porte l'état de départ et son empreinte.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from db.types import utcnow
from roadmap_app.errors import UserError
from roadmap_app.reporting.cells import safe_text
from roadmap_app.reporting.files import atomic_output
from roadmap_app.rules import status as status_rules
from roadmap_app.services.context import AppContext
from roadmap_app.services.plan import find_bassin, load_plan
from roadmap_app.services.workshop.ateliers import create_atelier
from roadmap_app.services.workshop.merge import MergePlan, plan_three_way
from roadmap_app.services.workshop.package import PackageError
from roadmap_app.services.workshop.state import (
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
LETTERS = "ABCDEFGHI"


@dataclass(frozen=True)
class WorkbookError:
    row: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"feuille « {SHEET} », ligne {self.row}, colonne {LETTERS[self.column - 1]} ({COLUMNS[self.column - 1]}) : {self.message}"


def export_workbook(ctx: AppContext, destination: str | Path, bassin: str | int) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

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
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = safe_text(f"Feuille de route volet 3 — bassin {ref.name}")
    ws["A1"].font = Font(bold=True, size=14, color="14325C")
    ws["A2"] = safe_text(
        "Renseignez le statut (liste), l'avancement (0 à 100) et une note ; les autres colonnes sont protégées. "
        "Renvoyez le fichier à la chefferie de projet sans le renommer ni ajouter de lignes."
    )
    ws["A2"].font = Font(italic=True, color="667085")
    for i, label in enumerate(COLUMNS, 1):
        c = ws.cell(HEADER_ROW, i, label)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="14325C")
        c.alignment = Alignment(wrap_text=True, vertical="top")
    editable = PatternFill("solid", fgColor="FFF8DB")
    r = HEADER_ROW
    for action in plan.actions():
        cell = action.statuses.get(ref.id)
        if cell is None:
            continue
        r += 1
        values = [action.code, action.axe_code, action.cible_code, action.intitule, action.echeance.label,
                  action.pilotes_label, status_rules.label(cell.status), cell.progress, cell.note]  # fmt: skip
        for col, value in enumerate(values, 1):
            c = ws.cell(r, col, safe_text(value) if isinstance(value, str) else value)
            c.alignment = Alignment(wrap_text=col in (4, 9), vertical="top")
            if col >= COL_STATUS:
                c.protection = Protection(locked=False)
                c.fill = editable
        prefix = f"{action.code}@{rid}"
        for field, value in (
            ("status", cell.status),
            ("progress", cell.progress),
            ("note", cell.note),
        ):
            base[cell_key(prefix, ref.code, field)] = value
    last = r
    labels = ",".join(status_rules.label(s) for s in status_rules.ORDERED)
    dv_status = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=False, showErrorMessage=True,
                               errorTitle="Statut", error="Choisissez un statut dans la liste.")  # fmt: skip
    dv_progress = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
                                 showErrorMessage=True, errorTitle="Avancement", error="Un entier de 0 à 100.")  # fmt: skip
    ws.add_data_validation(dv_status)
    ws.add_data_validation(dv_progress)
    dv_status.add(f"G{HEADER_ROW + 1}:G{last}")
    dv_progress.add(f"H{HEADER_ROW + 1}:H{last}")
    for letter, width in zip(LETTERS, (9, 6, 8, 60, 16, 22, 14, 12, 50), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.password = "atelier"

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
    meta_ws = wb.create_sheet(META_SHEET)
    meta_ws.sheet_state = "veryHidden"
    meta_ws["A1"] = json.dumps(meta, ensure_ascii=False)
    raw = canonical(base)
    meta_ws["A2"] = raw.decode("utf-8")
    meta_ws["A3"] = digest(canonical(meta), raw)
    meta_ws.protection.sheet = True
    dest = Path(destination)
    with atomic_output(dest) as tmp:
        wb.save(tmp)
    return dest


def read_workbook(path: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], Provenance]:
    """(méta, état de départ, valeurs saisies, provenance) ; lève ``PackageError`` avec lignes et colonnes."""
    from openpyxl import load_workbook

    if not path.is_file():
        raise PackageError(f"Classeur introuvable : « {path} ».")
    # Frontière avec un fichier venu d'ailleurs : un classeur tronqué ou altéré peut lever presque
    # n'importe quoi dans zipfile, zlib ou le lecteur XML (EOFError, zlib.error…) ; tout devient un refus.
    try:
        wb = load_workbook(path)
    except Exception as err:
        raise PackageError(
            f"« {path.name} » n'est pas un classeur Excel (.xlsx) lisible ({type(err).__name__} : {err})."
        ) from None
    if SHEET not in wb.sheetnames or META_SHEET not in wb.sheetnames:
        raise PackageError(
            f"« {path.name} » n'est pas un classeur d'atelier roadmap-app (feuilles attendues absentes)."
        )
    meta_ws = wb[META_SHEET]
    try:
        meta = json.loads(str(meta_ws["A1"].value))
        raw = str(meta_ws["A2"].value).encode("utf-8")
        base = json.loads(raw)
    except (TypeError, ValueError):
        raise PackageError(
            f"Le classeur « {path.name} » est endommagé (informations de fusion illisibles)."
        ) from None
    if digest(canonical(meta), raw) != meta_ws["A3"].value:
        raise PackageError(
            f"Le classeur « {path.name} » a été altéré (empreinte incorrecte) : fusion refusée."
        )
    ws = wb[SHEET]
    header = [ws.cell(HEADER_ROW, i).value for i in range(1, len(COLUMNS) + 1)]
    if header != list(COLUMNS):
        raise PackageError(
            f"Le classeur « {path.name} » a été réorganisé (en-têtes de la ligne {HEADER_ROW} modifiés)."
        )
    rid, bassin = meta["roadmap_id"], meta["bassin_code"]
    errors: list[WorkbookError] = []
    theirs: dict[str, Any] = {}
    seen: set[str] = set()
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        code = ws.cell(r, 1).value
        if code is None and all(
            ws.cell(r, c).value in (None, "") for c in range(1, len(COLUMNS) + 1)
        ):
            continue
        prefix = f"{code}@{rid}"
        if cell_key(prefix, bassin, "status") not in base:
            errors.append(
                WorkbookError(r, 1, f"code d'action « {code} » inconnu (ligne ajoutée ?)")
            )
            continue
        if code in seen:
            errors.append(WorkbookError(r, 1, f"action « {code} » en double"))
            continue
        seen.add(str(code))
        raw_status = ws.cell(r, COL_STATUS).value
        try:
            theirs[cell_key(prefix, bassin, "status")] = status_rules.parse_status(
                str(raw_status or "")
            ).value
        except ValueError:
            valid = ", ".join(status_rules.label(s) for s in status_rules.ORDERED)
            errors.append(
                WorkbookError(
                    r, COL_STATUS, f"« {raw_status or ''} » n'est pas un statut ({valid})"
                )
            )
        raw_progress = ws.cell(r, COL_PROGRESS).value
        progress = _progress(raw_progress)
        if progress == "invalid":
            errors.append(
                WorkbookError(r, COL_PROGRESS, f"« {raw_progress} » n'est pas un entier de 0 à 100")
            )
        else:
            theirs[cell_key(prefix, bassin, "progress")] = progress
        note = ws.cell(r, COL_NOTE).value
        theirs[cell_key(prefix, bassin, "note")] = (
            "" if note is None else str(note).strip().removeprefix("'")
        )
    if errors:
        shown = "\n".join(f"- {e}" for e in errors[:20])
        more = f"\n… et {len(errors) - 20} autre(s)." if len(errors) > 20 else ""
        raise PackageError(f"Classeur « {path.name} » refusé, rien n'a été écrit :\n{shown}{more}")
    props = wb.properties
    author = (props.lastModifiedBy or "").strip() or "Partenaire"
    modified = props.modified if isinstance(props.modified, datetime) else None
    ts = modified.replace(tzinfo=UTC) if modified and modified.tzinfo is None else modified
    return meta, base, theirs, Provenance(f"{author} (classeur partenaire)", ts or utcnow())


def _progress(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "invalid"
    if isinstance(value, int | float) and float(value).is_integer() and 0 <= value <= 100:
        return int(value)
    if isinstance(value, str) and value.strip().rstrip("%").strip().isdigit():
        n = int(value.strip().rstrip("%"))
        return n if 0 <= n <= 100 else "invalid"
    return "invalid"


def plan_workbook_merge(ctx: AppContext, path: Path) -> MergePlan:
    meta, base, theirs, prov = read_workbook(Path(path))
    with ctx.store.session() as s:
        if meta["source_store_uuid"] != store_uuid(s):
            raise PackageError(
                "Ce classeur vient d'une autre base : il ne peut pas être fusionné ici. Rien n'a été écrit."
            )
    if not isinstance(theirs, dict):
        raise UserError("Classeur illisible.")
    return plan_three_way(
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
