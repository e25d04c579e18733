"""Mise en forme des listes : tableau aligné, CSV (séparateur « ; »), JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any, TextIO

from roadmap_app.export.cells import safe_text


def write_json(out: TextIO, data: Any) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")


def add_raw_argument(parser: Any) -> None:
    parser.add_argument(
        "--raw",
        action="store_true",
        help="CSV : textes tels qu'enregistrés, pour un programme (par défaut, un texte qui "
        "commence par = + - @ est précédé d'une apostrophe, comme dans les classeurs, pour "
        "qu'un tableur ne l'exécute pas comme une formule)",
    )


def write_csv(
    out: TextIO, headers: Sequence[str], rows: Sequence[Sequence[Any]], *, raw: bool = False
) -> None:
    """CSV (séparateur « ; ») ; les textes sont neutralisés comme dans les classeurs
    (``safe_text`` : « =HYPERLINK(…) » devient « '=HYPERLINK(…) »), sauf ``raw``."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\n")
    writer.writerow(headers)
    for r in rows:
        writer.writerow(
            [
                "" if v is None else (safe_text(v) if isinstance(v, str) and not raw else v)
                for v in r
            ]
        )
    out.write(buf.getvalue())


def write_table(
    out: TextIO,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    max_widths: Sequence[int] | None = None,
) -> None:
    text_rows = [["" if v is None else str(v) for v in r] for r in rows]
    widths = [len(h) for h in headers]
    for r in text_rows:
        for i, v in enumerate(r):
            widths[i] = max(widths[i], len(v))
    if max_widths:  # les données sont coupées « … », jamais l'en-tête : colonnes alignées
        widths = [max(min(w, m), len(h)) for w, m, h in zip(widths, max_widths, headers, strict=False)]

    def fit(v: str, w: int) -> str:
        return v if len(v) <= w else v[: max(w - 1, 0)] + "…"

    out.write("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("─" * w for w in widths) + "\n")
    for r in text_rows:
        out.write(
            "  ".join(fit(v, w).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() + "\n"
        )
    out.write(f"{len(rows)} ligne(s)\n")
