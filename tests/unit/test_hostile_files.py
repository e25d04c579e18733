"""Fichiers hostiles construits dans le test : chacun est refusé en moins de 5 s et de 300 Mo, avec
un message en français (lecteur lancé dans un processus à part, mémoire virtuelle plafonnée à
1 Gio pour qu'un lecteur sans limite échoue vite au lieu d'épuiser la machine)."""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[2]
MAX_SECONDS = 5.0
MAX_MB = 300
AS_LIMIT = 1 << 30

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="resource.setrlimit")


def read_in_child(kind: str, path: Path, db: Path) -> dict:
    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))

    result = subprocess.run(
        [sys.executable, "-m", "tests.hostile_reader", kind, str(path), str(db)],
        capture_output=True, text=True, cwd=ROOT, timeout=60, preexec_fn=limit,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"\n{kind} {path.name} : {report['seconds']:.2f} s, {report['peak_mb']:.0f} Mo")
    assert report["seconds"] < MAX_SECONDS and report["peak_mb"] < MAX_MB
    assert report["error"], "le fichier aurait dû être refusé"
    return report


def small_workbook(path: Path, title: str = "Lensois") -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(["Mois", "Entrants"])
    ws.append(["janv. 2025", 12])
    wb.save(path)


def rewrite_member(path: Path, member: str, transform) -> None:
    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            if info.filename == member:
                transform(dst, info)
            else:
                dst.writestr(info, data)


def test_a_tiny_workbook_claiming_the_whole_sheet_is_refused_without_allocating_it(
    db_path, tmp_path
):
    """1,6 Ko qui annoncent « A1:XFD1048576 » avec une cellule tout en bas à droite : openpyxl
    complèterait chaque ligne jusqu'à la colonne XFD et chaque ligne manquante jusqu'à la
    1 048 576e (22 s et 5,6 Go avant la correction)."""
    path = tmp_path / "dimension.xlsx"
    small_workbook(path)
    src_bytes = path.read_bytes()

    def claim(dst, info):
        xml = zipfile.ZipFile(io.BytesIO(src_bytes)).read(info.filename).decode()
        xml, claimed = re.subn(
            r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', xml
        )
        assert claimed == 1
        xml = xml.replace(
            "</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
        )
        dst.writestr(info, xml)

    rewrite_member(path, "xl/worksheets/sheet1.xml", claim)
    assert path.stat().st_size < 8000
    for kind in ("flows", "indicators"):
        report = read_in_child(kind, path, db_path)
        assert "lignes, refusé" in report["error"]
    report = read_in_child("workbook", path, db_path)
    assert "dimension.xlsx" in report["error"]


def test_a_workbook_zip_bomb_is_refused_before_decompression(db_path, tmp_path):
    path = tmp_path / "bombe.xlsx"
    small_workbook(path)

    def bomb(dst, info):
        with dst.open(info.filename, "w", force_zip64=True) as fh:
            fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                     b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')  # fmt: skip
            block = b"A" * (16 << 20)
            for _ in range(16):  # 256 Mio de texte
                fh.write(block)
            fh.write(b"</t></is></c></row></sheetData></worksheet>")

    rewrite_member(path, "xl/worksheets/sheet1.xml", bomb)
    assert path.stat().st_size < 3 << 20
    for kind in ("flows", "indicators"):
        report = read_in_child(kind, path, db_path)
        assert (
            "se décompresse en plus de" in report["error"]
            or "anormalement compressé" in report["error"]
        )
    report = read_in_child("workbook", path, db_path)
    assert "bombe.xlsx" in report["error"]


def test_a_sheet_with_too_many_rows_stops_at_the_row_limit(db_path, tmp_path):
    path = tmp_path / "lignes.xlsx"
    small_workbook(path)

    def many_rows(dst, info):
        with dst.open(info.filename, "w") as fh:
            fh.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            fh.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>Mois</t></is></c></row>')
            fh.write(
                b"".join(
                    b'<row r="%d"><c r="B%d"><v>1</v></c></row>' % (r, r) for r in range(2, 400_000)
                )
            )
            fh.write(b"</sheetData></worksheet>")

    rewrite_member(path, "xl/worksheets/sheet1.xml", many_rows)
    for kind in ("flows", "indicators"):
        report = read_in_child(kind, path, db_path)
        assert "lignes" in report["error"] and "refusé" in report["error"]


def test_an_endless_formula_sheet_stops_at_the_row_limit(db_path, tmp_path):
    """Formules sans valeur calculée sur 400 000 lignes : lues une à une (``Uncalculated``),
    arrêtées au plafond de lignes comme des valeurs."""
    path = tmp_path / "formules.xlsx"
    small_workbook(path)

    def formulas(dst, info):
        with dst.open(info.filename, "w") as fh:
            fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            fh.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>indicateur</t></is></c></row>')
            fh.write(b"".join(b'<row r="%d"><c r="D%d"><f>1+1</f></c></row>' % (r, r) for r in range(2, 400_000)))
            fh.write(b"</sheetData></worksheet>")

    rewrite_member(path, "xl/worksheets/sheet1.xml", formulas)
    for kind in ("flows", "indicators"):
        report = read_in_child(kind, path, db_path)
        assert "plus de 40 000 lignes" in report["error"].replace("\u202f", " ").replace("\xa0", " ")


def test_a_huge_csv_is_refused_before_reading(db_path, tmp_path):
    path = tmp_path / "flux.csv"
    with path.open("wb") as fh:
        fh.write(b"bassin;mois;indicateur;valeur\n")
        fh.seek(200 << 20)
        fh.write(b"\n")
    for kind in ("flows", "indicators"):
        report = read_in_child(kind, path, db_path)
        assert "trop volumineux" in report["error"]


def _zlib_bomb(gigabytes: int) -> bytes:
    """Flux zlib valide de ``gigabytes`` Gio de zéros (≈ 1 Mo par Gio), construit en 0,1 s."""
    co = zlib.compressobj(9)
    first = co.compress(b"\0" * (16 << 20)) + co.flush(zlib.Z_FULL_FLUSH)
    block = co.compress(b"\0" * (16 << 20)) + co.flush(zlib.Z_FULL_FLUSH)
    return first + block * (64 * gigabytes - 1) + co.flush()


@pytest.mark.parametrize("checksum", ["recomputed", "left"])
def test_a_package_with_a_zlib_bomb_in_its_state_is_refused(ctx, db_path, tmp_path, checksum):
    from roadmap_app.workshops.package import export_package

    package, _ = export_package(ctx, tmp_path / "lens.atelier.sqlite3", "Lensois")
    ctx.close()
    conn = sqlite3.connect(package)
    with conn:
        conn.execute("UPDATE workshop_package SET base_state = ?", (_zlib_bomb(4),))
        if checksum == "recomputed":  # un attaquant recalcule l'empreinte : la limite tient
            from db.models import WorkshopPackage
            from roadmap_app.workshops.package import state_digest

            row = conn.execute(
                "SELECT package_uuid, source_store_uuid, bassin_code, atelier_id, created_at, "
                "created_by, app_version, schema_revision, base_journal_id, base_state FROM workshop_package"
            ).fetchone()
            fake = WorkshopPackage(
                package_uuid=row[0], source_store_uuid=row[1], bassin_code=row[2], atelier_id=row[3],
                created_at=__import__("datetime").datetime.fromisoformat(row[4]), created_by=row[5],
                app_version=row[6], schema_revision=row[7], base_journal_id=row[8], base_state=row[9],
                checksum="",
            )  # fmt: skip
            conn.execute("UPDATE workshop_package SET checksum = ?", (state_digest(fake),))
    conn.close()
    assert package.stat().st_size < 16 << 20
    report = read_in_child("package", package, db_path)
    assert "lens.atelier.sqlite3" in report["error"]


def test_a_huge_file_given_as_a_backup_or_package_is_refused_at_once(db_path, tmp_path):
    fake = tmp_path / "sauvegarde.sqlite3"
    with fake.open("wb") as fh:
        fh.write(b"SQLite format 3\x00")
        fh.seek(2 << 30)  # fichier creux de 2 Gio
        fh.write(b"\0")
    before = db_path.read_bytes()
    report = read_in_child("restore", fake, db_path)
    assert "trop volumineux" in report["error"] and db_path.read_bytes() == before
    report = read_in_child("package", fake, db_path)
    assert "trop volumineux" in report["error"]


# -- import du plan (classeur, annexe Word) --------------------------------------------------
def _small_docx(path: Path, rows: int = 2) -> None:
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=rows, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Cible opérationnelle", "Plan d'actions"
    doc.save(path)


def test_plan_import_refuses_workbook_bombs_and_endless_sheets(db_path, tmp_path):
    path = tmp_path / "plan.xlsx"
    small_workbook(path, "Plan")

    def bomb(dst, info):
        with dst.open(info.filename, "w", force_zip64=True) as fh:
            fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                     b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')  # fmt: skip
            for _ in range(16):
                fh.write(b"A" * (16 << 20))
            fh.write(b"</t></is></c></row></sheetData></worksheet>")

    rewrite_member(path, "xl/worksheets/sheet1.xml", bomb)
    report = read_in_child("plan", path, db_path)
    assert "plan.xlsx" in report["error"] and "Rien n'a été lu" in report["error"]


def test_plan_import_refuses_a_word_bomb_and_a_table_without_end(db_path, tmp_path):
    path = tmp_path / "annexe.docx"
    _small_docx(path)

    def bomb(dst, info):
        with dst.open(info.filename, "w", force_zip64=True) as fh:
            fh.write(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                     b"<w:body><w:p><w:r><w:t>")  # fmt: skip
            for _ in range(4):
                fh.write(b"A" * (16 << 20))
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")

    rewrite_member(path, "word/document.xml", bomb)
    report = read_in_child("plan", path, db_path)
    assert "annexe.docx" in report["error"] and "Rien n'a été lu" in report["error"]

    # un tableau sans fin (sous les limites de taille) : lu vite, refusé au nombre de lignes
    path = tmp_path / "tableau.docx"
    _small_docx(path)
    original = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")

    def many_rows(dst, info):
        data = original
        cell = "<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
        head, _, tail = data.partition("</w:tbl>")
        with dst.open(info.filename, "w") as fh:
            fh.write(head.encode())
            for n in range(45_000):
                fh.write(f"<w:tr>{cell.format(n)}{cell.format(n * 7919)}</w:tr>".encode())
            fh.write(("</w:tbl>" + tail).encode())

    rewrite_member(path, "word/document.xml", many_rows)
    report = read_in_child("plan", path, db_path)
    assert "plus de 5000 lignes de tableau, refusé" in report["error"], report["error"]
