"""Statuts d'action : libellés, symboles et couleurs (lisibles aussi sans la couleur)."""

from __future__ import annotations

from dataclasses import dataclass

from db.models.enums import Status


@dataclass(frozen=True)
class StatusInfo:
    status: Status
    label: str
    symbol: str
    color: str  # fond (hex) — palette Okabe-Ito, distinguable par les daltoniens
    text_color: str
    rank: int  # ordre d'avancement pour les tris
    closed: bool  # une action close n'est jamais « en retard »


STATUSES: dict[Status, StatusInfo] = {
    Status.A_LANCER: StatusInfo(Status.A_LANCER, "À lancer", "○", "#E5E7EB", "#1F2937", 0, False),
    Status.EN_COURS: StatusInfo(Status.EN_COURS, "En cours", "◐", "#56B4E9", "#0B2540", 2, False),
    Status.REALISE: StatusInfo(Status.REALISE, "Réalisé", "✔", "#009E73", "#FFFFFF", 4, True),
    Status.A_SECURISER: StatusInfo(
        Status.A_SECURISER, "À sécuriser", "⚠", "#E69F00", "#1F1300", 1, False
    ),
    Status.REPORTE: StatusInfo(Status.REPORTE, "Reporté", "↻", "#CC79A7", "#2A0A1F", 1, False),
    Status.ABANDONNE: StatusInfo(Status.ABANDONNE, "Abandonné", "✖", "#6B7280", "#FFFFFF", 3, True),
}

ORDERED: tuple[Status, ...] = (
    Status.A_LANCER,
    Status.EN_COURS,
    Status.A_SECURISER,
    Status.REPORTE,
    Status.REALISE,
    Status.ABANDONNE,
)


def info(status: str | Status) -> StatusInfo:
    return STATUSES[Status(status)]


def label(status: str | Status) -> str:
    return info(status).label


def parse_status(text: str) -> Status:
    """Accepte le code (``en_cours``) ou le libellé (« En cours », « realise », « A SECURISER »…)."""
    from roadmap_app.core.text import fold

    key = fold(text).strip().replace("-", " ").replace("_", " ")
    key = " ".join(key.split())
    for st, inf in STATUSES.items():
        if key in {fold(inf.label), st.value.replace("_", " ")}:
            return st
    aliases = {"encours": Status.EN_COURS}  # graphie du document (« ENCOURS »)
    if key in aliases:
        return aliases[key]
    valid = ", ".join(f"« {s.value} »" for s in ORDERED)
    raise ValueError(f"Statut inconnu « {text} ». Statuts possibles : {valid}.")


def effective_progress(status: str, progress: int | None) -> int | None:
    """Avancement retenu pour les cumuls : la saisie si elle existe, sinon 100 si réalisé, 0 si à lancer.

    Pour les autres statuts sans saisie, l'avancement est inconnu (``None``) et n'entre pas dans la moyenne.
    Une action abandonnée n'entre jamais dans les cumuls.
    """
    if status == "abandonne":
        return None
    if progress is not None:
        return progress
    if status == "realise":
        return 100
    if status == "a_lancer":
        return 0
    return None


#: Statuts énoncés par les documents (colonnes « Plan d'actions » et « Commentaires » de l'annexe
#: 1 bis), lus sans tenir compte des accents ni des majuscules, sauf « REALISE » qui ne compte
#: qu'écrit en capitales (« réalisé par FT » est un participe, pas un statut). La règle est celle
#: du jeu initial (``resources/seed/feuille_de_route_2024.json``, ``status_note.rule``).
_CAPITALS: tuple[tuple[str, Status], ...] = ((r"\bR[EÉ]ALIS[EÉ]\b", Status.REALISE),)
_FOLDED: tuple[tuple[str, Status], ...] = (
    (r"\ben ?cours\b", Status.EN_COURS),
    (r"(?<![\w'])a securiser\b", Status.A_SECURISER),
    (r"\ben attente\b", Status.A_SECURISER),
    (r"\ba reprogrammer\b", Status.REPORTE),
)


def stated_statuses(text: str) -> list[tuple[Status, str]]:
    """Statuts énoncés dans un texte de l'annexe 1 bis, chacun avec le mot lu (sans accents pour
    les statuts lus en minuscules)."""
    import re

    from roadmap_app.core.text import fold

    found = [
        (m.start(), status, m.group())
        for pattern, status in _CAPITALS
        for m in re.finditer(pattern, text)
    ]
    folded = fold(text)
    found += [
        (m.start(), status, m.group())
        for pattern, status in _FOLDED
        for m in re.finditer(pattern, folded)
    ]
    return [(status, word) for _pos, status, word in sorted(found, key=lambda f: f[0])]


def least_advanced(statuses: list[Status]) -> Status:
    """Plusieurs statuts énoncés pour une action : le moins avancé est retenu ; aucun : à lancer."""
    if not statuses:
        return Status.A_LANCER
    return min(statuses, key=lambda s: STATUSES[s].rank)
