"""Le plan en entrée et en sortie : export à plat, import d'un classeur, d'un CSV ou d'une annexe Word.

Classeurs et documents fabriqués ici à partir des lignes du jeu initial
(``resources/seed/feuille_de_route_2024.json``) : colonnes déplacées, colonne absente, cellules
fusionnées (xlsx et Word), statut illisible ; aller-retour sans changement ; écriture journalisée
(source « cli ») et annulable.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from roadmap_app.cli.main import main
from roadmap_app.core.ops import undo_last
from roadmap_app.plan.plan_io import (
    PlanImportError,
    apply_plan_import,
    export_plan,
    plan_import,
)
from roadmap_app.plan.read import load_plan
from tests.conftest import dump_store

SEED = Path(__file__).resolve().parents[2] / "resources" / "seed" / "feuille_de_route_2024.json"
SEEDED = "FDR-2024-V3"


def seed_axes():
    return json.loads(SEED.read_text(encoding="utf-8"))["axes"]


def snapshot(ctx, roadmap):
    """Ce qu'une annexe Word porte de chaque action (sans les statuts)."""
    plan = load_plan(ctx, roadmap)
    return [
        (a.code, a.axe_code, a.axe_title, a.cible_code, a.cible_title, a.custom_intitule,
         a.actions_preexistantes, a.plan_actions, a.indicateurs_tdb, a.indicateurs_autres,
         a.echeance.label, a.pilotes_label, a.pilotes, a.commentaires)
        for a in plan.actions()
    ]  # fmt: skip


# -- export ---------------------------------------------------------------------------------
def test_export_writes_flat_filterable_columns_like_territoires_en_transitions(ctx, tmp_path):
    out = export_plan(ctx, tmp_path / "plan.xlsx")
    ws = load_workbook(out)["Plan d'actions"]
    header = [c.value for c in ws[1]]
    assert header == [
        "Numérotation", "Titre", "Axe", "Cible", "Description", "Actions pré-existantes",
        "Statut – Montreuillois", "Statut – Audomarois", "Statut – Lensois", "En retard",
        "Pilotes", "Partenaires", "Échéance", "Date de fin", "Indicateurs (TDB national)",
        "Indicateurs (autres)", "Commentaires",
    ]  # fmt: skip
    assert ws.auto_filter.ref.startswith("A1:Q")
    rows = {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=2) if r[0].value}
    assert len(rows) == 35
    ep21 = rows["EP-2.1"]
    assert ep21[2] == "EP – Entrée en parcours"
    assert ep21[3].startswith("EP-2 – Orienter dès la notification du droit")
    assert ep21[6] == "En cours"
    csv_out = export_plan(ctx, tmp_path / "plan.csv")
    raw = csv_out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 avec BOM (Excel)
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert lines[0][:3] == ["Numérotation", "Titre", "Axe"]


def test_formula_like_text_is_neutralised_in_the_csv(ctx, tmp_path):
    from roadmap_app.plan.edit_actions import ActionFields, edit_action

    edit_action(ctx, "EP-1.1", ActionFields(commentaires='=HYPERLINK("http://x")'))
    out = export_plan(ctx, tmp_path / "plan.csv")
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8-sig")
    # et l'import relit le texte tel qu'il a été saisi
    assert plan_import(ctx, out).is_noop


def test_export_then_import_changes_nothing(ctx, db_path, tmp_path, capsys):
    for name in ("plan.xlsx", "plan.csv"):
        out = export_plan(ctx, tmp_path / name)
        plan = plan_import(ctx, out)
        assert plan.is_noop, [(c.code, c.fields) for c in plan.changes]
        assert plan.count("absente") == 0 and len(plan.targets) == 35
    ctx.close()
    out = tmp_path / "cli.xlsx"
    assert main(["--db", str(db_path), "plan", "export", str(out)]) == 0
    assert main(["--db", str(db_path), "plan", "import", str(out), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "0 action(s) ajoutée(s), 0 modifiée(s), 0 absente(s)" in text
    assert "Aucun changement." in text


# -- import d'un classeur -------------------------------------------------------------------
def rewrite(src, dest, transform):
    """Recopie le classeur exporté en appliquant ``transform`` à la liste des lignes."""
    rows = [[c.value for c in r] for r in load_workbook(src)["Plan d'actions"].iter_rows()]
    rows = transform(rows)
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    for r in rows:
        ws.append(r)
    wb.save(dest)
    return dest


def test_moved_columns_are_found_by_their_header_and_changes_are_listed(ctx, tmp_path):
    out = export_plan(ctx, tmp_path / "plan.xlsx")

    def shuffle(rows):
        order = list(range(len(rows[0])))[::-1]  # toutes les colonnes à l'envers
        rows = [[r[i] if i < len(r) else None for i in order] for r in rows]
        code = rows[0].index("Numérotation")
        due = rows[0].index("Échéance")
        for r in rows:
            if r[code] == "EP-2.2":
                r[due] = "2nd semestre 2025"
        rows[0].append("Remarque interne")
        return rows

    plan = plan_import(ctx, rewrite(out, tmp_path / "moved.xlsx", shuffle))
    assert [(c.code, c.kind, c.fields) for c in plan.changes] == [
        ("EP-2.2", "modifiée", [("échéance", "« 1er juin 2024 »", "« 2nd semestre 2025 »")])
    ]
    assert plan.ignored == ["feuille « Plan », colonne R « Remarque interne »"]


def test_a_missing_required_column_is_a_located_error(ctx, tmp_path):
    out = export_plan(ctx, tmp_path / "plan.xlsx")

    def drop_cible(rows):
        i = rows[0].index("Cible")
        return [r[:i] + r[i + 1 :] for r in rows]

    before = dump_store(ctx.store)
    with pytest.raises(PlanImportError) as err:
        plan_import(ctx, rewrite(out, tmp_path / "sans-cible.xlsx", drop_cible))
    assert "feuille « Plan », ligne 1 : colonne(s) « Cible » absente(s)." in str(err.value)
    assert "rien n'a été écrit" in str(err.value)
    assert dump_store(ctx.store) == before


def test_bad_cells_are_located_and_refuse_the_whole_file(ctx, tmp_path):
    out = export_plan(ctx, tmp_path / "plan.xlsx")

    def spoil(rows):
        st = rows[0].index("Statut – Lensois")
        code = rows[0].index("Numérotation")
        rows[3][st] = "Presque fini"
        rows[5][code] = "EP 2/2"
        rows[0].append("Statut – Calaisis")
        return rows

    with pytest.raises(PlanImportError) as err:
        plan_import(ctx, rewrite(out, tmp_path / "abime.xlsx", spoil))
    msg = str(err.value)
    assert (
        "feuille « Plan », ligne 4, colonne I (Statut – Lensois) : « Presque fini » n'est pas un statut"
        in msg
    )
    assert (
        "feuille « Plan », ligne 6, colonne A (Numérotation) : numérotation « EP 2/2 » invalide"
        in msg
    )
    assert (
        "feuille « Plan », ligne 1, colonne R (Statut – Calaisis) : « Statut – Calaisis » ne désigne pas un bassin"
        in msg
    )


def test_statuses_texts_and_structure_are_written_in_one_undoable_cli_operation(ctx, tmp_path):
    out = export_plan(ctx, tmp_path / "plan.xlsx")

    def edit(rows):
        h = rows[0]
        for r in rows[1:]:
            if r[h.index("Numérotation")] == "EP-1.1":
                r[h.index("Statut – Lensois")] = "Réalisé"
                r[h.index("Statut – Montreuillois")] = "Non concernée"
                r[h.index("Commentaires")] = "Validé en comité"
        rows.append([None] * len(h))
        new = rows[-1]
        new[h.index("Axe")] = "EP – Entrée en parcours"
        new[h.index("Cible")] = "EP-1 – Inscrire 100% des ARSA à France Travail"
        new[h.index("Description")] = "Relancer les ARSA non inscrits\nchaque mois"
        new[h.index("Échéance")] = "2nd semestre 2025"
        new[h.index("Pilotes")] = "CD/FT"
        return rows

    plan = plan_import(ctx, rewrite(out, tmp_path / "maj.xlsx", edit))
    kinds = {c.code: (c.kind, c.fields) for c in plan.changes}
    assert kinds["EP-1.2"] == ("ajoutée", [])
    assert ("statut – Lensois", "En cours", "Réalisé") in kinds["EP-1.1"][1] or any(
        f[0] == "statut – Lensois" and f[2] == "Réalisé" for f in kinds["EP-1.1"][1]
    )
    assert any(
        f[0] == "statut – Montreuillois" and f[2] == "Non concernée" for f in kinds["EP-1.1"][1]
    )
    result = apply_plan_import(ctx, plan, source="cli")
    after = load_plan(ctx)
    ep11 = after.action("EP-1.1")
    lens = after.bassin("Lensois").id
    mont = after.bassin("Montreuillois").id
    assert ep11.statuses[lens].status == "realise" and mont not in ep11.statuses
    assert ep11.commentaires == "Validé en comité"
    new = after.action("EP-1.2")
    assert new.plan_actions == "Relancer les ARSA non inscrits\nchaque mois" and new.pilotes == (
        "CD",
        "FT",
    )
    with ctx.store.session() as s:
        from sqlmodel import select

        from db.models import JournalEntry

        sources = {
            e.source
            for e in s.exec(
                select(JournalEntry).where(JournalEntry.operation_id == result.operation_id)
            ).all()
        }
    assert sources == {"cli"}
    undo_last(ctx)
    assert load_plan(ctx).action("EP-1.1").commentaires != "Validé en comité"
    assert "EP-1.2" not in {a.code for a in load_plan(ctx).actions()}


# -- annexe Word -----------------------------------------------------------------------------
HEAD = ["Cible opérationnelle", "Actions pré - existantes", "Plan d'actions 2024",
        "Indicateur de suivi ou de pilotage 2024 mobilisables", None, "Échéance estimée",
        "Pilotes", "Commentaires"]  # fmt: skip


def annex_docx(path, axes, *, order=None):
    """Le tableau de l'annexe 1 bis : en-tête sur deux lignes (« TDB national | Autres »), une
    ligne d'axe fusionnée sur toute la largeur, la cible fusionnée en hauteur sur ses actions."""
    doc = Document()
    doc.add_paragraph("ANNEXE 1 bis – Plan d'action – Feuille de route (volet 3)")
    head = list(HEAD)
    sub = [None, None, None, "TDB national", "Autres", None, None, None]
    order = order or list(range(len(head)))
    n = 2 + len(axes) + sum(len(c["actions"]) for a in axes for c in a["cibles"])
    table = doc.add_table(rows=n, cols=len(head))
    for c, src in enumerate(order):
        if head[src]:
            table.cell(0, c).text = head[src]
        if sub[src]:
            table.cell(1, c).text = sub[src]
    ind = order.index(3)
    table.cell(0, ind).merge(table.cell(0, order.index(4)))
    table.cell(0, ind).text = HEAD[3]
    for c, src in enumerate(order):
        if src not in (3, 4):
            table.cell(0, c).merge(table.cell(1, c))
    r = 2
    for axe in axes:
        row = table.rows[r]
        merged = row.cells[0].merge(row.cells[-1])
        merged.text = f"Feuille de route {axe['title']}"
        r += 1
        for cible in axe["cibles"]:
            first = r
            for action in cible["actions"]:
                values = [None, action["actions_preexistantes"], action["plan_actions"],
                          action["indicateurs_tdb"], action["indicateurs_autres"], action["echeance"],
                          action["pilotes"], action["commentaires"]]  # fmt: skip
                for c, src in enumerate(order):
                    if src:
                        table.cell(r, c).text = values[src] or ""
                r += 1
            col0 = order.index(0)
            top = table.cell(first, col0)
            if r - 1 > first:
                top = top.merge(table.cell(r - 1, col0))
            top.text = cible["title"]
    assert r == n
    doc.save(path)
    return path


def annex_docx_per_axe(path, axes):
    """La mise en page du document source : un tableau par axe, précédé de « Feuille de route
    Entrée en parcours », en-tête sur trois lignes (« Indicateur… » / « (CD – OFT) » / « TDB
    national | Autres »), cible écrite sur la première ligne seulement, cellules suivantes vides."""
    doc = Document()
    for axe in axes:
        doc.add_paragraph(f"Feuille de route {axe['title']}")
        doc.add_paragraph("")
        n = 3 + sum(len(c["actions"]) for c in axe["cibles"])
        table = doc.add_table(rows=n, cols=8)
        for c, text in enumerate(HEAD):
            if text:
                table.cell(0, c).text = text
        table.cell(0, 3).merge(table.cell(0, 4)).text = HEAD[3]
        table.cell(1, 3).merge(table.cell(1, 4)).text = "(CD – OFT)"
        table.cell(2, 3).text, table.cell(2, 4).text = "TDB national", "Autres"
        for c in (0, 1, 2, 5, 6, 7):
            table.cell(0, c).merge(table.cell(2, c))
        r = 3
        for cible in axe["cibles"]:
            for i, action in enumerate(cible["actions"]):
                values = [cible["title"] if i == 0 else "", action["actions_preexistantes"],
                          action["plan_actions"], action["indicateurs_tdb"], action["indicateurs_autres"],
                          action["echeance"], action["pilotes"], action["commentaires"]]  # fmt: skip
                for c, v in enumerate(values):
                    table.cell(r, c).text = v or ""
                r += 1
    doc.save(path)
    return path


def test_the_source_layout_one_table_per_axe_imports_equal_to_the_seeded_one(ctx, tmp_path):
    path = annex_docx_per_axe(tmp_path / "annexe-source.docx", seed_axes())
    plan = plan_import(ctx, path, "Relecture de l'annexe")
    assert plan.count("ajoutée") == 35 and not plan.ignored
    apply_plan_import(ctx, plan)
    assert snapshot(ctx, "Relecture de l'annexe") == snapshot(ctx, SEEDED)


def test_a_word_annex_built_from_the_seed_imports_into_a_roadmap_equal_to_the_seeded_one(
    ctx, tmp_path
):
    path = annex_docx(tmp_path / "annexe-1-bis.docx", seed_axes())
    plan = plan_import(ctx, path, "Avenant 2025", year=2025)
    assert plan.roadmap_id is None
    assert plan.count("ajoutée") == 35 and plan.count("modifiée") == 0
    assert "Nouvel axe EP – Entrée en parcours" in plan.structure
    result = apply_plan_import(ctx, plan, source="cli")
    assert result.operation_id is not None
    imported = snapshot(ctx, "Avenant 2025")
    seeded = snapshot(ctx, SEEDED)
    assert len(imported) == 35
    for got, want in zip(imported, seeded, strict=True):
        assert got == want
    cells = [c for a in load_plan(ctx, "Avenant 2025").actions() for c in a.statuses.values()]
    assert len(cells) == 35 * 3 and {c.status for c in cells} == {"a_lancer"}
    # une seconde lecture de la même annexe ne change plus rien
    assert plan_import(ctx, path, "Avenant 2025").is_noop
    # annuler archive la feuille de route créée
    undo_last(ctx)
    from roadmap_app.plan.roadmap_list import list_roadmaps

    assert "Avenant 2025" not in {r.name for r in list_roadmaps(ctx)}


def test_a_word_annex_with_moved_columns_updates_the_seeded_roadmap(ctx, tmp_path):
    axes = seed_axes()
    axes[0]["cibles"][0]["actions"][0]["echeance"] = "1er septembre 2024"
    order = [
        0,
        2,
        1,
        6,
        5,
        3,
        4,
        7,
    ]  # Plan d'actions avant Actions pré-existantes, Pilotes avant Échéance
    path = annex_docx(tmp_path / "avenant.docx", axes, order=order)
    plan = plan_import(ctx, path, SEEDED)
    was = load_plan(ctx, SEEDED).action("EP-1.1").echeance.label
    assert [(c.code, c.kind, c.fields) for c in plan.changes] == [
        ("EP-1.1", "modifiée", [("échéance", f"« {was} »", "« 1er septembre 2024 »")])
    ]


def test_a_word_annex_without_plan_column_is_refused_with_its_place(ctx, tmp_path):
    doc = Document()
    t = doc.add_table(rows=3, cols=3)
    for c, text in enumerate(["Cible opérationnelle", "Échéances", "Pilotes"]):
        t.cell(0, c).text = text
    t.cell(1, 0).merge(t.cell(1, 2)).text = "Numérique"
    t.cell(2, 0).text = "Une cible"
    doc.save(tmp_path / "a.docx")
    with pytest.raises(PlanImportError) as err:
        plan_import(ctx, tmp_path / "a.docx", "Nouvelle")
    assert ("tableau 1, ligne 1 : colonne(s) « Plan d'actions (ou Description, ou Titre) » "
            "absente(s).") in str(err.value)  # fmt: skip


def test_merged_cells_in_a_workbook_laid_out_like_the_annex(ctx, tmp_path):
    axes = seed_axes()[:2]
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "Cible opérationnelle",
            "Actions pré-existantes",
            "Plan d'actions",
            "Échéances",
            "Pilotes",
            "Commentaires",
        ]
    )
    for axe in axes:
        ws.append([f"Feuille de route {axe['title']}"])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=6)
        for cible in axe["cibles"]:
            first = ws.max_row + 1
            for action in cible["actions"]:
                ws.append([cible["title"] if ws.max_row + 1 == first else None, action["actions_preexistantes"],
                           action["plan_actions"], action["echeance"], action["pilotes"], action["commentaires"]])  # fmt: skip
            if ws.max_row > first:
                ws.merge_cells(start_row=first, start_column=1, end_row=ws.max_row, end_column=1)
    wb.save(tmp_path / "annexe.xlsx")
    plan = plan_import(ctx, tmp_path / "annexe.xlsx", "Essai")
    apply_plan_import(ctx, plan)
    got = [
        (a.code, a.cible_title, a.plan_actions, a.echeance.label)
        for a in load_plan(ctx, "Essai").actions()
    ]
    want = [(a.code, a.cible_title, a.plan_actions, a.echeance.label) for a in load_plan(ctx, SEEDED).actions()
            if a.axe_code in ("EP", "AI")]  # fmt: skip
    assert got == want


def test_files_that_are_not_plans_are_refused(ctx, tmp_path):
    bad = tmp_path / "faux.docx"
    bad.write_bytes(b"PK\x03\x04 pas un document")
    with pytest.raises(PlanImportError, match="n'est pas un document Word"):
        plan_import(ctx, bad)
    other = tmp_path / "plan.ods"
    other.write_text("x")
    with pytest.raises(PlanImportError, match="format non pris en charge"):
        plan_import(ctx, other)
    empty = tmp_path / "vide.xlsx"
    Workbook().save(empty)
    with pytest.raises(PlanImportError, match="aucun tableau du plan"):
        plan_import(ctx, empty)


def test_garbage_files_are_refused_in_french_and_write_nothing(ctx, tmp_path):
    from roadmap_app.core.errors import StoreError, UserError
    from tests.garbage import write_cases

    xlsx = export_plan(ctx, tmp_path / "vrai.xlsx").read_bytes()
    docx = annex_docx(tmp_path / "vrai.docx", seed_axes()[:1]).read_bytes()
    csv_bytes = export_plan(ctx, tmp_path / "vrai.csv").read_bytes()
    before = dump_store(ctx.store)
    tried = 0
    for suffix, sample in ((".xlsx", xlsx), (".docx", docx), (".csv", csv_bytes)):
        for name, path in write_cases(tmp_path / suffix[1:], suffix, sample):
            try:
                plan = plan_import(ctx, path, "Essai poubelle")
            except (UserError, StoreError) as err:
                assert "Traceback" not in str(err) and str(err).strip(), name
            else:  # une variante encore lisible : l'aperçu est cohérent, rien n'est écrit
                assert plan.roadmap_id is None
            tried += 1
    assert tried >= 30
    assert dump_store(ctx.store) == before


def test_cli_import_asks_for_confirmation_and_journals_with_source_cli(
    ctx, db_path, tmp_path, capsys
):
    path = annex_docx(tmp_path / "annexe.docx", seed_axes())
    ctx.close()
    args = [
        "--db",
        str(db_path),
        "plan",
        "import",
        str(path),
        "--roadmap",
        "Avenant 2025",
        "--year",
        "2025",
    ]
    assert main(args) == 2  # hors d'un terminal, sans --yes : rien n'est écrit
    out = capsys.readouterr()
    assert "35 action(s) ajoutée(s)" in out.out and "confirmez avec --yes" in out.err
    assert main([*args, "--yes"]) == 0
    assert (
        "Enregistré — Import du plan « annexe.docx » dans « Avenant 2025 »"
        in capsys.readouterr().out
    )
    from roadmap_app.core.context import open_context

    again = open_context(db_path)
    try:
        assert len(list(load_plan(again, "Avenant 2025").actions())) == 35
        with again.store.session() as s:
            from sqlmodel import col, select

            from db.models import JournalEntry

            last = s.exec(select(JournalEntry).order_by(col(JournalEntry.id).desc())).first()
        assert last.source == "cli"
    finally:
        again.close()
    assert main(["--db", str(db_path), "plan", "import", str(tmp_path / "absent.docx")]) == 2
    assert "Fichier introuvable" in capsys.readouterr().err


def test_a_single_status_column_like_territoires_en_transitions_applies_to_every_bassin(
    ctx, tmp_path
):
    out = export_plan(ctx, tmp_path / "plan.xlsx")

    def tet(rows):
        keep = [i for i, h in enumerate(rows[0]) if not str(h).startswith("Statut")]
        rows = [[r[i] if i < len(r) else None for i in keep] for r in rows]
        rows[0] = [{"Titre": "Titre de la fiche action", "Date de fin": "Date de fin prévisionnelle"}.get(h, h)
                   for h in rows[0]]  # fmt: skip
        rows[0].append("Statut")
        for r in rows[1:]:
            r.append("En cours" if r[0] == "EP-1.1" else None)
        return rows

    plan = plan_import(ctx, rewrite(out, tmp_path / "tet.xlsx", tet))
    assert [(c.code, c.fields) for c in plan.changes] == [
        (
            "EP-1.1",
            [
                (f"statut – {b}", "À sécuriser", "En cours")
                for b in ("Montreuillois", "Audomarois", "Lensois")
            ],
        )
    ]


def test_actions_missing_from_the_file_are_archived_only_on_request(ctx, tmp_path, db_path, capsys):
    out = export_plan(ctx, tmp_path / "plan.xlsx")
    path = rewrite(
        out,
        tmp_path / "sans-gp.xlsx",
        lambda rows: [r for r in rows if not str(r[0]).startswith("GP-")],
    )
    kept = plan_import(ctx, path)
    assert kept.is_noop and kept.count("absente") == 4
    assert "4 absente(s) du fichier (laissées telles quelles)" in kept.summary()
    plan = plan_import(ctx, path, archive_missing=True)
    assert not plan.is_noop and "4 absente(s) du fichier (archivées)" in plan.summary()
    apply_plan_import(ctx, plan, source="cli")
    codes = {a.code for a in load_plan(ctx).actions()}
    assert len(codes) == 31 and not any(c.startswith("GP-") for c in codes)
    undo_last(ctx)
    assert len(list(load_plan(ctx).actions())) == 35
    ctx.close()
    assert (
        main(["--db", str(db_path), "plan", "import", str(path), "--archive-missing", "--dry-run"])
        == 0
    )
    text = capsys.readouterr().out
    assert "GP-1.1 (absente)" in text and "Simulation : rien n'a été écrit." in text


def test_a_csv_with_a_giant_cell_is_refused_in_french_with_its_line(ctx, tmp_path):
    """Le message disait « (field larger than field limit (131072)) », en anglais, sans ligne."""
    path = tmp_path / "plan.csv"
    path.write_text("Code;Titre\nEP-1.1;" + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(PlanImportError) as err:
        plan_import(ctx, path)
    assert str(err.value) == "« plan.csv » n'est pas un CSV lisible : ligne 2, une cellule dépasse 131\u202f072 caractères."
