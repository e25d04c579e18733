"""Les domaines qu'une opération peut changer (``core.ops.OpChanges.domains``) ; chaque page de
l'interface déclare ceux qu'elle lit (``ui.pages.base.Page.domains``). Constantes seules : la
fenêtre les lit au démarrage sans charger l'exécuteur des opérations."""

from __future__ import annotations

PLAN = "plan"  # feuilles de route, axes, cibles, actions, bassins, organisations
STATUSES = "statuses"  # statut, avancement, note d'une action dans un bassin
FLOWS = "flows"  # flux mensuels, cibles, moyens
FINANCE = "finance"  # plan de financement, dépenses, versements
WORKSHOPS = "workshops"  # ateliers, fusions de paquets
SNAPSHOTS = "snapshots"  # instantanés de comité
ALL_DOMAINS: frozenset[str] = frozenset({PLAN, STATUSES, FLOWS, FINANCE, WORKSHOPS, SNAPSHOTS})

#: Entité du journal → domaine qu'elle modifie.
ENTITY_DOMAINS: dict[str, str] = {
    "roadmap": PLAN,
    "axe": PLAN,
    "cible": PLAN,
    "action": PLAN,
    "bassin": PLAN,
    "action_bassin": STATUSES,
    "flow_value": FLOWS,
    "flow_target": FLOWS,
    "portfolio": FLOWS,
    "financement_line": FINANCE,
    "expense": FINANCE,
    "state_payment": FINANCE,
    "atelier": WORKSHOPS,
}
