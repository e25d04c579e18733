"""Pages de la fenêtre principale. Chaque page est un module ; elles sont créées à la première visite.

Pour ajouter une page : une entrée dans ``PAGES`` (module et classe importés paresseusement,
pour ne pas charger matplotlib ou openpyxl au démarrage).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    icon: str
    target: str  # « module:Classe »
    tooltip: str = ""


PAGES: list[PageSpec] = [
    PageSpec(
        "dashboard",
        "Tableau de bord",
        "dashboard",
        "ui.pages.dashboard_page:DashboardPage",
        "Chaque bassin face à ses cibles, échéances proches, retards, dates clés",
    ),
    PageSpec(
        "roadmap",
        "Feuille de route",
        "roadmap",
        "ui.pages.roadmap_page:RoadmapPage",
        "Axes, cibles et actions ; statut par bassin",
    ),
    PageSpec(
        "flows",
        "Flux BRSA",
        "flows",
        "ui.pages.flows_page:FlowsPage",
        "Saisie mensuelle par bassin, import, graphiques, charge par référent",
    ),
    PageSpec(
        "committees",
        "Comités",
        "committee",
        "ui.pages.committees_page:CommitteesPage",
        "Instantanés, comparaison avec le comité précédent, pack classeur et PDF",
    ),
    PageSpec(
        "workshops",
        "Ateliers",
        "workshop",
        "ui.pages.workshops_page:WorkshopsPage",
        "Revue en séance, paquets pour un portable hors ligne, fusion, classeurs partenaires",
    ),
    PageSpec(
        "finance",
        "Financement",
        "finance",
        "ui.pages.finance_page:FinancePage",
        "Plan de financement, dépenses, versements de l'État et bilan",
    ),
    PageSpec(
        "echeancier",
        "Échéancier",
        "timeline",
        "ui.pages.echeancier_page:EcheancierPage",
        "Le plan sur une ligne de temps : échéances, retards, dates clés, glissements",
    ),
    PageSpec(
        "indicators",
        "Indicateurs",
        "indicators",
        "ui.pages.indicators_page:IndicatorsPage",
        "Indicateurs de suivi : actions mesurées, référence, cible, dernière valeur par bassin",
    ),
]
