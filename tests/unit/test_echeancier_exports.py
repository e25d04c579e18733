"""Échéancier hors de l'écran : calendrier iCalendar (relu), ``chart echeancier``,
``actions list --due-within``, page et feuille du pack de comité."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta

import pytest

from roadmap_app.cli.main import main

UNDATED = {"AI-6.2", "ME-2.1", "ME-3.2", "GP-2.1", "GP-3.1", "GP-4.1"}


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def read_ics(path):
    from icalendar import Calendar

    cal = Calendar.from_ical(path.read_bytes())
    return [c for c in cal.walk("VEVENT")]


# -- calendrier -----------------------------------------------------------------------------------


def test_ics_has_every_dated_echeance_per_bassin_and_the_key_dates(
    capsys, db_path, tmp_path
) -> None:
    from roadmap_app.core.context import open_context
    from roadmap_app.plan.read import load_plan

    out = tmp_path / "echeances.ics"
    code, text, err = run(capsys, "--db", str(db_path), "export", "ics", str(out))
    assert code == 0, err
    assert "Calendrier écrit" in text and "6 action(s) sans date" in text
    events = read_ics(out)
    ctx = open_context(db_path, author="Testeur")
    try:
        plan = load_plan(ctx)
    finally:
        ctx.close()
    by_summary = {str(e["SUMMARY"]): e for e in events}
    expected = 0
    for a in plan.active_actions():
        if a.echeance.end is None:
            assert not any(s.startswith(f"{a.code} — ") for s in by_summary), a.code
            continue
        for b in plan.bassins:
            if b.id not in a.statuses:
                continue
            expected += 1
            ev = by_summary[f"{a.code} — {a.intitule} ({b.name})"]
            # journée entière, le dernier jour de la période
            assert ev.decoded("DTSTART") == a.echeance.end
            assert ev.decoded("DTEND") == a.echeance.end + timedelta(days=1)
    assert expected == 29 * 3
    semester = by_summary[f"ME-2.2 — {plan.action('ME-2.2').intitule} (Lensois)"]
    desc = str(semester["DESCRIPTION"])
    assert "« 2nd semestre 2024 »" in desc and "du 01/07/2024 au 31/12/2024" in desc
    assert "Lensois : " in desc and "Montreuillois : " in desc and "Pilotes : " in desc
    assert "Exporté de roadmap-app" in desc and "le 15/10/2024" in desc
    dates = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events}
    assert dates["Fin du volet 3"] == date(2025, 12, 31)
    assert date(2026, 3, 31) in dates.values() and date(2025, 3, 31) in dates.values()
    # et les dates clés : deux délibérations, la fin du volet 3, deux bilans
    assert len(events) == expected + 5
    # lignes repliées à 75 octets (RFC 5545)
    assert all(len(line) <= 75 for line in out.read_bytes().split(b"\r\n"))


def test_ics_uids_are_stable_across_exports_and_unique(capsys, db_path, tmp_path) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    assert run(capsys, "--db", str(db_path), "export", "ics", str(first))[0] == 0
    # une action insérée avant les autres ne change pas les identifiants des autres
    run(capsys, "--db", str(db_path), "actions", "add", "--cible", "EP-1", "--before", "EP-1.1",
        "--intitule", "Nouvelle action",
        "--echeance", "1er semestre 2025")  # fmt: skip
    assert run(capsys, "--db", str(db_path), "export", "ics", str(second))[0] == 0
    uids_a = {str(e["SUMMARY"]): str(e["UID"]) for e in read_ics(first)}
    uids_b = {str(e["SUMMARY"]): str(e["UID"]) for e in read_ics(second)}
    assert len(set(uids_a.values())) == len(uids_a)
    for summary, uid in uids_a.items():
        assert uids_b[summary] == uid


def test_ics_filters_by_bassin_and_pilote(capsys, db_path, tmp_path) -> None:
    out = tmp_path / "lens.ics"
    assert run(capsys, "--db", str(db_path), "export", "ics", str(out), "--bassin", "Lensois",
               "--pilote", "FT")[0] == 0  # fmt: skip
    actions = [e for e in read_ics(out) if "Statut par bassin" in str(e["DESCRIPTION"])]
    assert actions and all(str(e["SUMMARY"]).endswith("(Lensois)") for e in actions)
    code, _out, err = run(
        capsys, "--db", str(db_path), "export", "ics", str(out), "--pilote", "XYZ"
    )
    assert code == 2 and "Pilote « XYZ » inconnu" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root écrit partout")
def test_ics_to_an_unwritable_folder_gives_a_french_line_and_no_file(
    capsys, db_path, tmp_path
) -> None:
    locked = tmp_path / "protégé"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, _out, err = run(capsys, "--db", str(db_path), "export", "ics", str(locked / "c.ics"))
    finally:
        locked.chmod(0o700)
    assert code == 2 and err.startswith("Erreur : Impossible d'écrire") and err[-1] == "\n"
    assert list(locked.iterdir()) == []


def test_ics_to_a_missing_folder_or_wrong_extension(capsys, db_path, tmp_path) -> None:
    code, _out, err = run(capsys, "--db", str(db_path), "export", "ics", "/proc/nulle-part/c.ics")
    assert code == 2 and "Impossible d'écrire" in err and "Traceback" not in err
    code, _out, err = run(capsys, "--db", str(db_path), "export", "ics", str(tmp_path / "c.txt"))
    assert code == 2 and "extension .ics" in err
    assert not (tmp_path / "c.txt").exists()


def test_ics_write_failure_leaves_the_previous_file(monkeypatch, ctx, tmp_path) -> None:
    from roadmap_app.core.errors import UserError
    from roadmap_app.plan import ics

    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "cal.ics"
    out.write_text("ancien", encoding="utf-8")

    def full_disk(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pathlib.Path.write_bytes", full_disk)
    with pytest.raises(UserError, match="Impossible d'écrire"):
        ics.export_ics(ctx, out)
    assert out.read_text(encoding="utf-8") == "ancien"
    assert [p.name for p in folder.iterdir()] == ["cal.ics"]


# -- graphique et liste ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_chart_echeancier(capsys, db_path, tmp_path, suffix) -> None:
    run(capsys, "--db", str(db_path), "snapshot", "create", "COPIL 1", "--date", "2024-09-20")
    out = tmp_path / f"e.{suffix}"
    code, _text, err = run(capsys, "--db", str(db_path), "chart", "echeancier", "--bassin",
                          "Lensois", "--snapshot", "COPIL 1", "--out", str(out))  # fmt: skip
    assert code == 0, err
    data = out.read_bytes()
    assert data[:4] in (b"\x89PNG", b"%PDF") or b"<svg" in data[:400]
    if suffix == "svg":
        svg = data.decode("utf-8")
        assert "EP-1.1" in svg and "Lensois" in svg


def test_chart_echeancier_unknown_snapshot(capsys, db_path, tmp_path) -> None:
    code, _o, err = run(capsys, "--db", str(db_path), "chart", "echeancier", "--snapshot", "X",
                        "--out", str(tmp_path / "e.png"))  # fmt: skip
    assert code == 2 and "Instantané « X » introuvable" in err


def test_actions_list_due_within_is_the_list_of_the_band(capsys, db_path, monkeypatch) -> None:
    from roadmap_app.core.context import open_context
    from roadmap_app.plan.read import load_plan
    from roadmap_app.plan.reminders import due_within

    monkeypatch.setenv("ROADMAP_APP_TODAY", "2024-12-10")
    code, out, _ = run(capsys, "--db", str(db_path), "actions", "list", "--due-within", "30",
                       "--format", "json")  # fmt: skip
    assert code == 0
    rows = json.loads(out)
    assert rows and all("2024-12-10" <= r["echeance"] <= "2025-01-09" for r in rows)
    ctx = open_context(db_path, author="Testeur")
    try:
        band = due_within(load_plan(ctx), 30)
    finally:
        ctx.close()
    assert {r["code"] for r in rows} == {r.action.code for r in band}
    assert {(r["code"], r["bassin"]) for r in rows} == {
        (r.action.code, b) for r in band for b in r.bassins
    }
    code, _o, err = run(capsys, "--db", str(db_path), "actions", "list", "--due-within", "-3")
    assert code == 2 and "--due-within" in err


# -- pack de comité -------------------------------------------------------------------------------


def test_pack_pdf_has_an_echeancier_page_and_the_xlsx_a_sheet(capsys, db_path, tmp_path) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    run(capsys, "--db", str(db_path), "snapshot", "create", "COPIL 1", "--date", "2024-09-20")
    pdf, xlsx = tmp_path / "pack.pdf", tmp_path / "pack.xlsx"
    assert (
        run(capsys, "--db", str(db_path), "export", "pdf", str(pdf), "--snapshot", "COPIL 1")[0]
        == 0
    )
    assert (
        run(capsys, "--db", str(db_path), "export", "xlsx", str(xlsx), "--snapshot", "COPIL 1")[0]
        == 0
    )
    pages = [p.extract_text() for p in PdfReader(str(pdf)).pages]
    found = [t for t in pages if "Échéancier" in t and "EP-2.1" in t]
    assert found, "page Échéancier absente"
    assert "retard" in found[0] and "Aujourd" in found[0]
    wb = load_workbook(xlsx)
    assert "Échéancier" in wb.sheetnames
    sheet = wb["Échéancier"]
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    flat = " ".join(str(v) for row in values for v in row if v is not None)
    assert "EP-2.1" in flat and "En retard" in flat and "2nd semestre 2024" in flat
