"""Ateliers hors ligne : exporter deux paquets, modifier partout, fusionner sans rien perdre."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlmodel import col, select

from db.errors import StaleDataError
from db.models import JournalEntry
from roadmap_app.core.context import open_context
from roadmap_app.plan.read import load_plan
from roadmap_app.plan.status import update_status
from roadmap_app.workshops.ateliers import changes_during, list_ateliers
from roadmap_app.workshops.merge import THEIRS, Resolution, apply_merge, plan_package_merge
from roadmap_app.workshops.package import PackageError, export_package
from tests.conftest import dump_store


def cell(ctx, code, bassin):
    plan = load_plan(ctx)
    return plan.action(code).statuses[plan.bassin(bassin).id]


def on_package(path, author):
    return open_context(path, author=author)


@pytest.fixture
def two_packages(ctx, tmp_path):
    lens, lens_atelier = export_package(ctx, tmp_path / "lens.atelier.sqlite3", "Lensois", day=date(2024, 10, 15),
                                        place="Lens, salle du conseil", participants="CD, FT, délégués")  # fmt: skip
    aud, aud_atelier = export_package(
        ctx, tmp_path / "aud.atelier.sqlite3", "Audomarois", day=date(2024, 10, 16)
    )
    return lens, lens_atelier, aud, aud_atelier


def test_end_to_end_two_workshops_and_the_main_store_change_concurrently(ctx, two_packages):
    lens, lens_atelier, aud, aud_atelier = two_packages
    # atelier du Lensois, sur un portable, hors ligne
    p = on_package(lens, "Animatrice Lens")
    update_status(p, "EP-2.2", "Lensois", status="realise", progress=100, note="Comités arrêtés")
    update_status(p, "AI-3.1", "Lensois", status="en_cours", progress=40)
    update_status(p, "EP-3.1", "Lensois", status="realise")  # sera en conflit
    p.close()
    # atelier de l'Audomarois : la même action, un autre bassin
    p = on_package(aud, "Animateur Audo")
    update_status(p, "EP-2.2", "Audomarois", status="en_cours", note="Plateforme en test")
    p.close()
    # pendant ce temps, la cheffe de projet continue sur la base principale
    update_status(
        ctx, "NU-3.1", "Lensois", note="Tableau de bord consulté", author="Cheffe de projet"
    )
    update_status(ctx, "EP-3.1", "Lensois", status="abandonne", author="Cheffe de projet")

    plan = plan_package_merge(ctx, lens)
    applied = {c.label: (c.mine, c.theirs) for c in plan.to_apply}
    assert applied == {
        "EP-2.2 / Lensois – statut": ("a_lancer", "realise"),
        "EP-2.2 / Lensois – avancement": (None, 100),
        "EP-2.2 / Lensois – note": ("", "Comités arrêtés"),
        "AI-3.1 / Lensois – statut": ("a_lancer", "en_cours"),
        "AI-3.1 / Lensois – avancement": (None, 40),
    }
    [conflict] = plan.conflicts
    assert (conflict.label, conflict.base, conflict.mine, conflict.theirs) == (
        "EP-3.1 / Lensois – statut", "a_lancer", "abandonne", "realise",
    )  # fmt: skip
    assert (
        conflict.theirs_by.author == "Animatrice Lens"
        and conflict.mine_by.author == "Cheffe de projet"
    )

    result = apply_merge(ctx, plan, {conflict.key: Resolution(THEIRS)})
    assert result.applied == 6
    assert (cell(ctx, "EP-2.2", "Lensois").status, cell(ctx, "EP-2.2", "Lensois").progress) == (
        "realise",
        100,
    )
    assert cell(ctx, "EP-2.2", "Lensois").note == "Comités arrêtés"
    assert cell(ctx, "EP-2.2", "Lensois").updated_by == "Animatrice Lens"
    assert cell(ctx, "EP-3.1", "Lensois").status == "realise"
    assert (
        cell(ctx, "NU-3.1", "Lensois").note == "Tableau de bord consulté"
    )  # la base principale garde son changement
    assert cell(ctx, "EP-2.2", "Audomarois").status == "a_lancer"  # pas encore fusionné

    merged = apply_merge(ctx, plan_package_merge(ctx, aud))
    assert merged.applied == 2
    assert (cell(ctx, "EP-2.2", "Audomarois").status, cell(ctx, "EP-2.2", "Audomarois").note) == (
        "en_cours",
        "Plateforme en test",
    )
    assert (
        cell(ctx, "EP-2.2", "Lensois").status == "realise"
    )  # l'autre bassin de la même action est intact

    # chaque changement fusionné garde son auteur, son heure et son atelier au journal
    with ctx.store.session() as s:
        rows = s.exec(
            select(JournalEntry)
            .where(JournalEntry.source == "atelier")
            .order_by(col(JournalEntry.id))
        ).all()
    assert {(r.author, r.atelier_id) for r in rows} == {
        ("Animatrice Lens", lens_atelier.id),
        ("Animateur Audo", aud_atelier.id),
    }
    assert len(changes_during(ctx, lens_atelier.id)) == 6

    # une seconde fusion du même paquet ne change rien
    before = dump_store(ctx.store)
    again = plan_package_merge(ctx, lens)
    assert again.is_noop()
    assert apply_merge(ctx, again).applied == 0
    assert dump_store(ctx.store) == before


def test_a_conflict_kept_as_mine_is_not_asked_again(ctx, two_packages):
    lens = two_packages[0]
    p = on_package(lens, "Atelier")
    update_status(p, "GP-3.1", "Lensois", status="en_cours")
    p.close()
    update_status(ctx, "GP-3.1", "Lensois", status="reporte")
    plan = plan_package_merge(ctx, lens)
    [c] = plan.conflicts
    from roadmap_app.workshops.merge import MINE

    apply_merge(ctx, plan, {c.key: Resolution(MINE)})
    assert cell(ctx, "GP-3.1", "Lensois").status == "reporte"
    again = plan_package_merge(ctx, lens)
    assert again.pending_conflicts == [] and again.is_noop()


def test_unresolved_conflicts_write_nothing(ctx, two_packages):
    lens = two_packages[0]
    p = on_package(lens, "Atelier")
    update_status(p, "GP-3.1", "Lensois", status="en_cours")
    update_status(p, "GP-2.1", "Lensois", status="en_cours")
    p.close()
    update_status(ctx, "GP-3.1", "Lensois", status="reporte")
    before = dump_store(ctx.store)
    from roadmap_app.core.errors import UserError

    with pytest.raises(UserError, match="conflit"):
        apply_merge(ctx, plan_package_merge(ctx, lens))
    assert dump_store(ctx.store) == before


def test_a_package_works_as_a_store_and_knows_where_it_comes_from(ctx, two_packages):
    from roadmap_app.workshops.package import package_info_of

    lens, lens_atelier, _aud, _ = two_packages
    p = on_package(lens, "Atelier")
    info = package_info_of(p)
    assert info is not None and info.bassin_code == "LEN" and info.atelier_id == lens_atelier.id
    assert len(list(load_plan(p).actions())) == 35
    with pytest.raises(PackageError, match="déjà un paquet"):
        export_package(p, lens.parent / "sous-paquet.sqlite3", "Lensois")
    p.close()
    assert package_info_of(ctx) is None
    assert any(
        a.id == lens_atelier.id and a.place == "Lens, salle du conseil" for a in list_ateliers(ctx)
    )


def tamper(path, sql):
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        # modifié sans passer par l'application (pas de trace au journal)
        (
            "UPDATE action_bassin SET status = 'realise' WHERE id = 5",
            "modifié en dehors de l'application",
        ),
        # état de départ ou métadonnées falsifiés
        ("UPDATE workshop_package SET bassin_code = 'MON'", "altéré"),
        ("UPDATE workshop_package SET base_journal_id = base_journal_id + 5", "altéré"),
        ("UPDATE alembic_version SET version_num = '9999'", "version plus récente"),
        ("DELETE FROM workshop_package", "pas un paquet"),
    ],
)
def test_altered_packages_are_refused_and_nothing_is_written(ctx, two_packages, sql, message):
    lens = two_packages[0]
    tamper(lens, sql)
    before = dump_store(ctx.store)
    with pytest.raises(PackageError, match=message):
        plan_package_merge(ctx, lens)
    assert dump_store(ctx.store) == before


def test_a_package_from_another_store_or_a_garbage_file_is_refused(ctx, two_packages, tmp_path):
    other = open_context(tmp_path / "autre-poste.sqlite3", author="Ailleurs")
    foreign, _ = export_package(other, tmp_path / "etranger.atelier.sqlite3", "Lensois")
    other.close()
    before = dump_store(ctx.store)
    with pytest.raises(PackageError, match="autre base"):
        plan_package_merge(ctx, foreign)
    garbage = tmp_path / "faux.atelier.sqlite3"
    garbage.write_bytes(b"PK\x03\x04 classeur")
    with pytest.raises(PackageError, match="pas un paquet"):
        plan_package_merge(ctx, garbage)
    truncated = tmp_path / "coupe.atelier.sqlite3"
    truncated.write_bytes(two_packages[0].read_bytes()[:8192])
    with pytest.raises(PackageError, match=r"endommagé|illisible"):
        plan_package_merge(ctx, truncated)
    with pytest.raises(PackageError, match="introuvable"):
        plan_package_merge(ctx, tmp_path / "absent.sqlite3")
    assert dump_store(ctx.store) == before


def test_the_merge_can_be_undone_as_one_operation(ctx, two_packages):
    from roadmap_app.core.ops import undo_last

    lens = two_packages[0]
    p = on_package(lens, "Atelier")
    update_status(p, "ME-2.1", "Lensois", status="en_cours", progress=10)
    p.close()
    apply_merge(ctx, plan_package_merge(ctx, lens))
    assert cell(ctx, "ME-2.1", "Lensois").status == "en_cours"
    undo_last(ctx)
    assert (cell(ctx, "ME-2.1", "Lensois").status, cell(ctx, "ME-2.1", "Lensois").progress) == (
        "a_lancer",
        None,
    )


def test_a_row_changed_here_between_preview_and_merge_stops_the_whole_merge(ctx, two_packages):
    """Les statuts s'écrivent par lots (une requête pour toutes les lignes) : une seule ligne
    changée depuis l'aperçu suffit à tout refuser, rien n'est écrit."""
    lens = two_packages[0]
    p = on_package(lens, "Animatrice Lens")
    update_status(p, "EP-2.2", "Lensois", status="realise")
    update_status(p, "AI-3.1", "Lensois", status="en_cours", progress=40)
    p.close()
    plan = plan_package_merge(ctx, lens)
    assert len(plan.to_apply) == 3
    update_status(ctx, "AI-3.1", "Lensois", note="Changée pendant l'aperçu")
    before = dump_store(ctx.store)
    with pytest.raises(StaleDataError, match="modifiée pendant la fusion"):
        apply_merge(ctx, plan)
    assert dump_store(ctx.store) == before
    apply_merge(ctx, plan_package_merge(ctx, lens))  # relancée, elle passe
    assert (cell(ctx, "EP-2.2", "Lensois").status, cell(ctx, "AI-3.1", "Lensois").progress) == ("realise", 40)
    assert cell(ctx, "AI-3.1", "Lensois").note == "Changée pendant l'aperçu"
