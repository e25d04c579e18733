"""Export du bilan : choisit le format d'après l'extension et appelle l'écrivain (classeur ou
PDF). Les données viennent de ``finance.bilan`` ; les écrivains n'importent que les données,
jamais ce module : aucune boucle d'import entre le bilan et ses exports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from roadmap_app.core.context import AppContext
from roadmap_app.core.errors import UserError, ValidationError
from roadmap_app.core.progress import Progress
from roadmap_app.finance.bilan import collect_bilan

FORMATS = (".xlsx", ".pdf")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    volets: tuple[int, ...]
    expenses: int
    pages: int | None = None  # PDF : nombre de pages ; classeur : nombre de feuilles

    def message(self) -> str:
        what = "page(s)" if self.format == "pdf" else "feuille(s)"
        vol = ", ".join(str(n) for n in self.volets)
        return (
            f"Bilan enregistré : {self.path} — volet(s) {vol}, {self.expenses} dépense(s), "
            f"{self.pages} {what}."
        )


def check_destination(dest: str | Path) -> tuple[Path, str]:
    path = Path(dest)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(
            f"Format non reconnu « {path.suffix or path.name} » : le bilan s'exporte en .xlsx "
            "(classeur) ou en .pdf."
        )
    if path.exists() and path.is_dir():
        raise ValidationError(f"« {path} » est un dossier : indiquez un nom de fichier.")
    return path, suffix.lstrip(".")


def export_bilan(
    ctx: AppContext,
    dest: str | Path,
    *,
    volet: int | None = None,
    roadmap: str | int | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Écrit le bilan (.xlsx ou .pdf selon l'extension), de façon atomique."""
    path, fmt = check_destination(dest)
    data = collect_bilan(ctx, volet, roadmap)
    try:
        if fmt == "xlsx":
            from roadmap_app.finance.bilan_xlsx import write_bilan_xlsx

            pages = write_bilan_xlsx(data, path, progress)
        else:
            from roadmap_app.finance.bilan_pdf import write_bilan_pdf

            pages = write_bilan_pdf(data, path, progress)
    except OSError as err:
        raise UserError(
            f"Écriture impossible de « {path} » : {err.strerror or err}. Le fichier existant "
            "(s'il y en a un) n'a pas été modifié."
        ) from err
    return ExportResult(
        path,
        fmt,
        tuple(data.volet_numbers),
        sum(len(vf.expenses) for vf in data.volets),
        pages,
    )
