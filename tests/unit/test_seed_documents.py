"""Le jeu initial confronté aux documents sources, là où la machine peut le vérifier.

Chaque citation « … » d'une note, d'une source ou d'une définition doit se trouver (mot pour mot,
à l'ordre près : l'extraction du texte mélange parfois les colonnes) dans les lignes qu'elle cite ;
les statuts sont ceux que la règle enregistrée lit dans le texte de chaque action ; les chiffres
contradictoires sont gardés tous les deux avec leur source. Sauté si ``../shared/seeds`` manque.
"""

from __future__ import annotations

import re

import pytest

from db.seed import read_seed_file
from roadmap_app.plan.statuses import least_advanced, stated_statuses
from tests.seed_documents import lines, needs_seeds, normalized, quotes, references, tokens

pytestmark = needs_seeds

DOC0, DOC3, DOC4 = (
    "000_dab05ea08fd3d5d5.txt",
    "003_03dd4568f3343d24.txt",
    "004_45402f372af52b9b.txt",
)
PLAN = read_seed_file("feuille_de_route_2024.json")
CONV = read_seed_file("convention.json")
TERR = read_seed_file("bassins.json")
FLUX = read_seed_file("flux.json")
ACTIONS = {a["code"]: a for ax in PLAN["axes"] for c in ax["cibles"] for a in c["actions"]}


def cited_words(refs: dict[str, set[int]]) -> set[str]:
    return set().union(*(tokens(lines(doc)[n - 1]) for doc, ns in refs.items() for n in ns))


def _sourced_texts() -> list[tuple[str, str]]:
    """(où, texte) : les textes du jeu initial qui citent les documents avec leurs lignes."""
    out = []
    for f in TERR["figures"]:
        out.append((f"chiffre {f['bassin']}/{f['key']}", f"{f['source']} {f['note']}"))
    for t in FLUX["targets"]:
        out.append((f"cible {t['indicator']}/{t['bassin']}", f"{t['source']} {t['label']}"))
    for p in FLUX["portfolios"]:
        out.append((f"moyens {p['bassin']}/{p['organisme']}", p["source"]))
    for v in CONV["volets"]:
        out.append((f"volet {v['number']}", f"{v['source']} {v.get('cofinancing_source', '')}"))
        for ln in v["lines"]:
            out.append((f"volet {v['number']} / {ln['objet'][:30]}", ln["note"]))
    for i in CONV["indicators"]:
        out.append((f"indicateur {i['code']}", f"{i['source']} {i['definition']}"))
    for a in CONV["ateliers"]:
        out.append((f"atelier {a['bassin']} {a['date']}", f"{a['source']} {a['notes']}"))
    for o in PLAN["organisations"]:
        out.append((f"organisation {o['code']}", o["description"]))
    for code, a in ACTIONS.items():
        statut = a["statut"] or {}
        out.append((f"action {code}", f"{a['source']} {a['note_transcription']} {statut.get('reading', '')} "
                    f"{a.get('echeance_flag', '')}"))  # fmt: skip
    return out


@pytest.mark.parametrize(
    ("where", "text"), _sourced_texts(), ids=lambda v: v if len(v) < 40 else ""
)
def test_every_quote_is_in_the_lines_it_cites(where, text):
    refs = references(text, DOC0)
    for quote in quotes(text):
        if not refs:
            continue  # citation d'un libellé de l'application, sans renvoi aux documents
        missing = tokens(quote) - cited_words(refs)
        assert not missing, f"{where} : « {quote} » — absent des lignes citées : {sorted(missing)}"


def test_cited_line_ranges_frame_their_section():
    """Les plages de lignes des bassins et des plans de financement commencent et finissent où le
    document les commence et les finit (relecture : elles étaient décalées de quelques lignes)."""
    doc = lines(DOC0)
    by_bassin = {f["bassin"]: f["source"] for f in TERR["figures"] if f["key"] == "brsa_stock"}
    for bassin, heading in (
        ("MON", "BASSIN MONTREUILLOIS"),
        ("AUD", "BASSIN AUDOMAROIS"),
        ("LEN", "AGGLO LENS"),
    ):
        numbers = sorted(references(by_bassin[bassin], DOC0)[DOC0])
        assert heading in doc[numbers[0] - 1], bassin
        assert doc[numbers[-1] - 1].startswith("Couverture du territoire"), bassin
    for v in CONV["volets"]:
        numbers = sorted(n for n in references(v["source"], DOC0)[DOC0] if n > 600)
        first, last = doc[numbers[0] - 1], doc[numbers[-1] - 1]
        assert first.startswith(f"Construction du plan de financement - VOLET {v['number']}"), v[
            "number"
        ]
        assert last.startswith(f"TOTAL BESOINS DEPARTEMENTAUX AU TITRE DU VOLET {v['number']}"), v[
            "number"
        ]
    for at in CONV["ateliers"]:
        numbers = sorted(references(at["source"], DOC0)[DOC0])
        assert doc[numbers[0] - 1].startswith("Journées de « lancement »")


def test_stated_statuses_follow_the_recorded_rule():
    """La règle enregistrée (``status_note.rule``) appliquée au texte de chaque action donne le statut
    seedé ; là où le mot ne porte que sur une étape, la lecture est écrite et cite sa ligne."""
    assert "En attente" in PLAN["status_note"]["rule"] and "étape" in PLAN["status_note"]["rule"]
    doc = lines(DOC0)
    for code, a in ACTIONS.items():
        found = stated_statuses(f"{a['plan_actions']}\n{a['commentaires']}")
        by_rule = least_advanced([s for s, _w in found])
        statut = a["statut"]
        seeded = statut["value"] if statut else "a_lancer"
        if statut and statut.get("reading"):
            assert by_rule == "realise" and seeded == "en_cours", code
            (line,) = references(statut["reading"], DOC0)[DOC0]
            assert "REALISE" in doc[line - 1] and line in references(a["source"], DOC0)[DOC0], code
        else:
            assert seeded == by_rule, (code, found)
        if statut:
            source_text = " ".join(doc[n - 1] for n in references(a["source"], DOC0)[DOC0])
            assert normalized(statut["evidence"]) in normalized(source_text), code
    lower = {
        code: ACTIONS[code]["statut"]["value"] for code in ("AI-4.1", "AI-5.1", "NU-2.2", "GP-3.1")
    }
    assert lower == {
        "AI-4.1": "en_cours",
        "AI-5.1": "en_cours",
        "NU-2.2": "a_securiser",
        "GP-3.1": "a_securiser",
    }


def test_the_delegates_contradiction_is_kept_with_both_sources():
    doc = lines(DOC0)
    assert doc[337 - 1] == "Délégués du CD : 21 ETP"
    for line, etp in ((379, "3,5 ETP"), (422, "4,5 ETP"), (469, "13 ETP")):
        assert etp in doc[line - 1]
    assert (
        "11 ETP soit 275 000 sur 6 mois" in doc[725 - 1]
        and "21 ETP soit 525 000 sur 6 mois" in doc[725 - 1]
    )
    figures = {(f["bassin"], f["key"]): f for f in TERR["figures"]}
    assert figures[(None, "etp_delegues_cd")]["value"] == 21
    assert figures[(None, "etp_delegues_cd_existant_volet3")]["value"] == 11
    assert figures[(None, "etp_delegues_cd_cible_volet3")]["value"] == 21
    for key in ((None, "etp_delegues_cd"), ("MON", "etp_delegues_cd"), ("LEN", "etp_delegues_cd")):
        assert "À confirmer" in figures[key]["note"] and "l. 725" in figures[key]["note"]
    cd = [p for p in FLUX["portfolios"] if p["organisme"] == "CD"]
    assert cd and all(
        p["source"].startswith("À confirmer : ") and "l. 725" in p["source"] for p in cd
    )


def test_the_807_000_line_is_the_action_2_of_both_tables():
    v2 = CONV["volets"][1]["lines"]
    action2 = next(ln for ln in v2 if ln["montant"] == "807000.00")
    assert action2["precisions"] == "Action 2: Amplifier la politique d'accès à l'emploi pour tous"
    assert action2["objet"].startswith("Solutions d'accompagnement complémentaires")
    d4 = lines(DOC4)
    assert normalized(" ".join(d4[9439 - 1 : 9443])).startswith("Action 2: Amplifier la politique")
    assert "807 000,00 €" in d4[9445 - 1] and "FSE - 100000€" in d4[9445 - 1]
    assert "807 000€" in d4[8149 - 1]  # fiche action 2.5 : État 807 000 €
    d0 = lines(DOC0)
    assert "Action 2: Amplifier la politique d'accès à l'emploi pour tous" in d0[691 - 1]
    assert (
        d0[692 - 1].split("\t")[1] == "ETP d'accompagnement (CD, PE...)"
        and "807 000,00 €" in d0[692 - 1]
    )
    objets = [(ln["objet"][:20], ln["precisions"][:8], ln["montant"]) for ln in v2[:4]]
    assert objets == [
        ("Solutions d'accompag", "Action 1", "1650000.00"),
        ("Solutions d'accompag", "Action 2", "807000.00"),
        ("Solutions d'accompag", "Action 3", None),
        ("ETP d'accompagnement", "", None),
    ]


def test_volet_2_cofinancing_rule_is_stored_with_its_sources():
    v2 = CONV["volets"][1]
    assert v2["cofinancing_rate_pct"] == 50
    assert "Un co-financement à hauteur de 50 % de la part du Département est fixé sur la globalité des actions " \
           "du volet 2" in lines(DOC0)[846 - 1]  # fmt: skip
    assert "50% du coût total des actions inscrites au volet 2" in lines(DOC4)[5821 - 1]
    assert [v["cofinancing_rate_pct"] for v in CONV["volets"]] == [None, 50, None]


def test_indicators_are_quoted_as_written():
    d3 = normalized("\n".join(lines(DOC3)))
    ind = {i["code"]: i for i in CONV["indicators"]}
    for code in ("R1", "R2", "R3", "M1", "M2", "M3", "M4", "M5", "M6", "V2-1", "V2-2"):
        assert normalized(ind[code]["label"]) in d3, code
    assert ind["R2"]["label"] == "Taux de retour à l'emploi (pour différents types de contrat)"
    assert (
        "(indicateur ancien)" in ind["V2-1"]["label"]
        and "/ indicateur ajusté" in ind["V2-2"]["label"]
    )
    for code in ("V2-1", "V2-2"):  # définitions : les lignes du paramétrage, mot pour mot
        for line in ind[code]["definition"].split("\n"):
            assert normalized(line.removeprefix("- ")) in d3, (code, line)
    assert "Ce périmètre exclut :" in ind["V2-1"]["definition"]
    assert "type de parcours (social, socio-professionnel, professionnel)" in lines(DOC3)[1010 - 1]
    assert "fiche action 2.6" in ind["R1"]["source"] and "l. 8535-8552" in ind["R1"]["source"]
    assert "Action 2.6" in lines(DOC4)[8171 - 1]  # la fiche qui précède la ligne 8535


def test_workshops_are_written_as_in_the_document():
    d0 = lines(DOC0)
    for at in CONV["ateliers"]:
        for line in at["notes"].split("\n"):
            if line.startswith("Créneau écrit"):
                continue
            assert normalized(line.removeprefix("- ")) in normalized(" ".join(d0[521 - 1 : 537])), (
                line
            )
        heading, _sep, body = at["participants"].partition(" : ")
        assert heading == "Participants (une trentaine de personnes)" == d0[515 - 1]
        assert body == d0[517 - 1]
    lens = next(a for a in CONV["ateliers"] if a["date"] == "2024-06-05")
    assert "mercredi 05 juin AM" in d0[513 - 1]
    assert lens["moment"] == "AM (matin ou après-midi ?)"  # jamais « AM » seul, lu « après-midi »
    assert all(a["moment"] in ("matin", "après-midi") for a in CONV["ateliers"] if a is not lens)


def test_organisations_invent_nothing():
    text = "\n".join(lines(DOC0))
    orgs = {o["code"]: o["description"] for o in PLAN["organisations"]}
    assert "CAF du Pas-de-Calais" not in text and "MSA Nord-Pas de Calais" not in text
    for code in ("CAF", "MSA"):
        assert "Pas-de-Calais" not in orgs[code] and "Nord" not in orgs[code]
        for n in references(orgs[code], DOC0)[DOC0]:
            assert code in lines(DOC0)[n - 1], (code, n)


def test_doubtful_and_uncertain_readings_are_flagged():
    ai33 = ACTIONS["AI-3.3"]
    assert ai33["echeance"] == "1er janvier 2024" and "1er janvier 2024" in lines(DOC0)[590 - 1]
    assert "interopérable au 1^{er} janvier " in lines(DOC0)[590 - 1]
    assert (
        "lecture probable 1er janvier 2025" in ai33["echeance_flag"]
        and len(ai33["echeance_flag"]) <= 200
    )
    ep21 = ACTIONS["EP-2.1"]
    assert (
        "la taille de PF est 60" in ep21["plan_actions"]
        and "la taille de PF est 60" in lines(DOC0)[555 - 1]
    )
    cap = next(
        t for t in FLUX["targets"] if t["indicator"] == "charge_referent" and t["kind"] == "max"
    )
    assert (
        cap["value"] == 70
        and "la taille de PF est 60" in cap["label"]
        and "l. 555" in cap["source"]
    )


def test_monthly_entrants_targets_are_averages_as_written():
    d0 = lines(DOC0)
    for t in (t for t in FLUX["targets"] if t["indicator"] == "entrants"):
        (line,) = references(t["source"], DOC0)[DOC0]
        assert t["kind"] == "monthly_average"
        assert t["label"] == d0[line - 1].rstrip(".")
        assert re.search(rf"une cible de {t['value']} ARSA par mois en moyenne", d0[line - 1])
