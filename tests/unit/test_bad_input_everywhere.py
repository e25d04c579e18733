"""Entrées invalides partout : chaque lecteur refuse en français, ne plante pas, ne modifie rien."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.errors import StoreError
from roadmap_app.core.dates import DateParseError, parse_day, parse_month
from roadmap_app.core.errors import UserError
from roadmap_app.finance.money import parse_cents, parse_quantity_milli
from roadmap_app.finance.period import parse_period
from roadmap_app.plan.status import validate_progress
from tests.conftest import dump_store
from tests.garbage import write_cases

FRENCH = ("«", "invalide", "illisible", "impossible", "inconnu", "attendu", "manquant", "vide", "Mois", "Date",
          "Année", "trop", "positif", "chiffres", "n'est pas", "hors limites", "compris")  # fmt: skip


def french(message: str) -> bool:
    return any(word in message for word in FRENCH)


@given(st.text(max_size=30))
def test_parse_day_either_reads_a_date_or_explains_in_french(text):
    try:
        d = parse_day(text)
    except DateParseError as err:
        assert french(str(err)), str(err)
    else:
        assert isinstance(d, date)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)))
def test_parse_day_reads_back_every_french_formatted_date(d):
    assert parse_day(f"{d:%d/%m/%Y}") == d
    assert parse_day(d.isoformat()) == d


@given(st.text(alphabet=string.printable + "éûôàçÉ.", max_size=25))
def test_parse_month_either_reads_a_month_or_explains(text):
    try:
        m = parse_month(text)
    except DateParseError as err:
        assert french(str(err)), str(err)
    else:
        assert m.day == 1


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=2000, max_value=2099))
def test_parse_month_reads_the_usual_french_forms(month, year):
    from roadmap_app.core.dates import MONTH_LABELS, MONTH_SHORT

    expected = date(year, month, 1)
    for text in (f"{month:02d}/{year}", f"{MONTH_LABELS[month - 1]} {year}", f"{MONTH_SHORT[month - 1]} {year}",
                 f"{year}-{month:02d}", f"{MONTH_SHORT[month - 1].upper()} {year % 100:02d}"):  # fmt: skip
        assert parse_month(text) == expected, text


@given(
    st.one_of(
        st.text(max_size=12), st.integers(), st.floats(allow_nan=True), st.none(), st.booleans()
    )
)
def test_progress_is_an_integer_0_100_or_a_french_refusal(value):
    try:
        p = validate_progress(value)
    except UserError as err:
        assert french(str(err)), str(err)
    else:
        assert p is None or 0 <= p <= 100


@given(st.text(alphabet="0123456789 ,.-€\u202f\u00a0abc", max_size=20))
def test_money_is_exact_cents_or_a_french_refusal(text):
    for parser in (
        lambda t: parse_cents(t, field="Montant", allow_empty=True),
        lambda t: parse_quantity_milli(t, field="Nombre"),
    ):
        try:
            value = parser(text)
        except UserError as err:
            assert french(str(err)), str(err)
        else:
            assert value is None or isinstance(value, int)


@given(st.text(max_size=40))
def test_periods_are_read_or_refused(text):
    try:
        parse_period(text)
    except UserError as err:
        assert french(str(err)), str(err)


WORDS = ["actions", "list", "set", "snapshot", "diff", "create", "export", "xlsx", "pdf", "bilan", "workshop",
         "merge", "backup", "restore", "bassins", "roadmaps", "db", "info", "--bassin", "--status", "--format",
         "json", "csv", "--progress", "-5", "999", "EP-1.1", "ZZ", "Lensois", "Nulle-part", "--current",
         "--overdue", "--date", "32/13/2024", "--volet", "7", "--roadmap", "1999", "", "é", "--dry-run"]  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    command=st.sampled_from(
        ["actions", "snapshot", "export", "workshop", "backup", "bassins", "roadmaps", "db"]
    ),
    args=st.lists(st.sampled_from(WORDS), max_size=6),
)
def test_random_command_lines_never_crash_with_a_traceback(
    command, args, capsys, db_path, tmp_path
):
    from roadmap_app.cli.main import main

    args = [command, *args]  # sans commande, c'est l'interface graphique qui s'ouvrirait

    argv = ["--db", str(db_path)] + [a.replace("FICHIER", str(tmp_path / "x")) for a in args]
    if "restore" in args or "set" in args or "create" in args or "merge" in args:
        argv = [
            a for a in argv if a not in ("restore", "set", "create", "merge")
        ]  # pas d'écriture ici
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    _out, err = capsys.readouterr()
    assert code in (0, 1, 2, 3, None), (argv, code, err)
    assert "Traceback" not in err
    if code not in (0, None):
        assert "rreur" in err or "usage" in err, (argv, err)


def test_garbage_files_as_a_store_a_package_a_workbook_or_a_restore(ctx, db_path, tmp_path):
    from roadmap_app.core.backup import restore_file
    from roadmap_app.core.context import open_context
    from roadmap_app.workshops.merge import plan_package_merge
    from roadmap_app.workshops.workbook import export_workbook, plan_workbook_merge

    workbook = export_workbook(ctx, tmp_path / "vrai.xlsx", "Lensois").read_bytes()
    before = dump_store(ctx.store)
    tried = 0
    for _name, path in write_cases(tmp_path / "paquets", ".sqlite3", db_path.read_bytes()):
        with pytest.raises((UserError, StoreError)):
            plan_package_merge(ctx, path)
        tried += 1
    for _name, path in write_cases(tmp_path / "classeurs", ".xlsx", workbook):
        with pytest.raises((UserError, StoreError)):
            plan_workbook_merge(ctx, path)
        tried += 1
    for name, path in write_cases(tmp_path / "bases", ".sqlite3", db_path.read_bytes()):
        data = path.read_bytes()
        try:
            other = open_context(path)
        except StoreError as err:
            assert french(str(err)) or "endommagée" in str(err), (name, str(err))
        else:
            other.close()
        assert name not in ("vide", "texte", "pdf", "zip-vide") or path.read_bytes() == data
        tried += 1
    ctx.close()
    for _name, path in write_cases(tmp_path / "sauvegardes", ".sqlite3", None):
        with pytest.raises(UserError):
            restore_file(db_path, path)
        tried += 1
    assert dump_store(db_path) == before
    assert tried >= 50


@given(
    st.one_of(st.text(max_size=20), st.floats(allow_nan=True, allow_infinity=True), st.integers())
)
def test_a_monthly_figure_is_read_or_refused_in_french(raw):
    """Une cellule de flux : un nombre accepté, ou un refus clair (jamais une autre exception)."""
    from roadmap_app.flows.io import parse_number
    from roadmap_app.flows.validation import check_value

    try:
        value = parse_number(raw)
    except ValueError:
        return  # « n'est pas un nombre » : message construit par l'appelant, avec la cellule
    message = check_value("entrants", value)
    assert message is None or french(message) or "négatif" in message or "entier" in message, (
        message
    )
    if message is None and value is not None:
        assert 0 <= value <= 10_000_000 and value == int(value)


_CELLS = st.one_of(st.text(max_size=12), st.sampled_from(["Lensois", "LEN", "entrants", "janv. 2025", "01/2025",
                                                          "2025-13", "12,5", "-3", "1e400", "9" * 30, ""]))  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(_CELLS, _CELLS, _CELLS, _CELLS), min_size=1, max_size=6))
def test_random_flow_files_are_planned_or_refused_and_nothing_is_written(
    ctx, tmp_path_factory, rows
):
    from roadmap_app.flows.io import plan_import

    path = tmp_path_factory.mktemp("flux") / "flux.csv"
    body = "\n".join(";".join(c.replace(";", ",").replace("\n", " ") for c in r) for r in rows)
    path.write_text("bassin;mois;indicateur;valeur\n" + body, encoding="utf-8")
    before = dump_store(ctx.store)
    try:
        plan = plan_import(ctx, path)
    except UserError as err:
        assert french(str(err)) or "ligne" in str(err), str(err)
    else:
        for p in plan.changes:
            assert p.new is None or 0 <= p.new <= 10_000_000
    assert dump_store(ctx.store) == before
