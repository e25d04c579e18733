"""Indicateurs mensuels suivis par bassin (agrégats ; aucune donnée personnelle).

Les définitions reprennent l'annexe 4 de l'instruction nationale (indicateurs du volet 3 et
indicateurs de transition du volet 2) et la feuille de route (portefeuilles, intensité).
"""

from __future__ import annotations

from dataclasses import dataclass

from roadmap_app.core.text import fold

COUNT, PERCENT, DAYS, HOURS = "nombre", "%", "jours", "heures"


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    short: str
    unit: str
    definition: str
    parent: str | None = None  # une part ne peut pas dépasser ce total
    annexe: str = ""  # code de l'indicateur national correspondant (annexe 4)

    @property
    def is_count(self) -> bool:
        return self.unit == COUNT


INDICATORS: tuple[Indicator, ...] = (
    Indicator("entrants", "Nouveaux entrants (ARSA)", "Entrants", COUNT,
              "Allocataires entrés dans le mois : droit versable, soumis (ou de nouveau soumis) aux droits et devoirs, "
              "sans suivi en cours (définition DREES de l'annexe 4).", annexe="M1a / V2-1"),
    Indicator("orientes", "Orientés (total)", "Orientés", COUNT,
              "Nouveaux entrants dont l'orientation a été notifiée dans le mois, tous organismes référents confondus."),
    Indicator("orientes_ft", "dont orientés vers France Travail", "vers FT", COUNT,
              "Part des orientations vers l'opérateur France Travail (tendance attendue : 50 %).", parent="orientes"),
    Indicator("orientes_cd_emploi", "dont délégués du Département – parcours emploi", "CD emploi", COUNT,
              "Orientations vers un délégué du Département en parcours emploi.", parent="orientes", annexe="M3"),
    Indicator("orientes_cd_equilibre", "dont délégués du Département – équilibré socio-professionnel", "CD équilibré", COUNT,
              "Orientations vers un délégué du Département en parcours équilibré social et professionnel.",
              parent="orientes", annexe="M3"),
    Indicator("orientes_cd_remobilisation", "dont délégués du Département – remobilisation sociale", "CD remob.", COUNT,
              "Orientations vers un délégué du Département en parcours de remobilisation sociale.",
              parent="orientes", annexe="M3"),
    Indicator("orientes_15j", "Orientés en 15 jours et moins", "≤ 15 j", COUNT,
              "Nouveaux entrants orientés en 15 jours et moins, de la réception de la notification CAF/MSA à la "
              "notification de l'orientation (un mois si les 15 jours ne peuvent pas être calculés).",
              parent="orientes", annexe="V2-2"),
    Indicator("delai_premier_entretien", "Délai moyen ouverture du droit → premier entretien", "Délai 1er RDV", DAYS,
              "Nombre moyen de jours entre l'ouverture du droit et le premier entretien avec le référent.", annexe="M2"),
    Indicator("delai_premiere_action", "Délai moyen premier entretien → première action", "Délai 1re action", DAYS,
              "Nombre moyen de jours entre le premier entretien de diagnostic et la première action d'accompagnement.",
              annexe="M4"),
    Indicator("contrats_signes", "CER / PPAE / contrats d'engagement signés", "Contrats", COUNT,
              "Contrats d'engagement (CER, PPAE) signés dans le mois.", annexe="M1c"),
    Indicator("sortants", "Sortants", "Sortants", COUNT, "Bénéficiaires sortis du dispositif dans le mois.", annexe="M1b"),
    Indicator("accompagnement_intensif", "Bénéficiaires en accompagnement intensif", "Intensif", PERCENT,
              "Part des bénéficiaires suivis en accompagnement intensif (15 heures d'activité hebdomadaires).", annexe="M5"),
    Indicator("heures_activite", "Heures d'activité hebdomadaires moyennes", "Heures/sem.", HOURS,
              "Intensité moyenne d'activité des bénéficiaires en accompagnement intensif (cible : 15 heures par semaine)."),
    Indicator("retours_emploi", "Retours à l'emploi", "Emploi", COUNT,
              "Bénéficiaires ayant repris un emploi dans le mois (tous types de contrat).", annexe="R2"),
    Indicator("stock", "Stock de BRSA", "Stock", COUNT, "Nombre total de bénéficiaires du RSA du bassin en fin de mois."),
    Indicator("suivis_ft", "ARSA suivis par France Travail (portefeuilles)", "Suivis FT", COUNT,
              "Allocataires suivis en fin de mois dans les portefeuilles France Travail du bassin ; divisé par le "
              "nombre de portefeuilles, donne la charge par référent (au plus 70)."),
    Indicator("suivis_cd", "ARSA suivis par les délégués du Département", "Suivis CD", COUNT,
              "Allocataires suivis en fin de mois par les délégués du Département ; divisé par les ETP, donne la "
              "charge par référent (au plus 70)."),
)  # fmt: skip

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}
#: Parts dont la somme ne peut dépasser le total (« dont »).
SUMS: dict[str, tuple[str, ...]] = {
    "orientes": (
        "orientes_ft",
        "orientes_cd_emploi",
        "orientes_cd_equilibre",
        "orientes_cd_remobilisation",
    ),
}


def find_indicator(text: str) -> Indicator | None:
    """Par code ou libellé, sans tenir compte des accents, de la casse ni des espaces."""
    key = " ".join(fold(text).replace("_", " ").split())
    for ind in INDICATORS:
        if key in (
            fold(ind.code).replace("_", " "),
            " ".join(fold(ind.label).split()),
            " ".join(fold(ind.short).split()),
        ):
            return ind
    return None
