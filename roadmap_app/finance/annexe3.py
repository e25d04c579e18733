"""Trame de bilan financier (annexe 3 de l'instruction, 003_03dd4568f3343d24.txt l. 1461-1556).

Un tableau par volet : « Etat des dépenses contractualisation pour l'insertion et l'emploi 2024 »,
des groupes de dépenses (chacun avec son TOTAL), à l'intérieur des intertitres (« … équipes
locales CD ») et des rubriques (« Postes d'ingénierie ») qui portent un sous-total. Les libellés
sont ceux du document, graphie comprise. Une rubrique sans libellé : les dépenses sont listées
directement sous le groupe (ex. « Structure XXX »).
"""

from __future__ import annotations

from dataclasses import dataclass

from roadmap_app.core.errors import ValidationError
from roadmap_app.core.text import fold

TITLE = "Etat des dépenses contractualisation pour l'insertion et l'emploi 2024"
COLUMNS: tuple[str, ...] = (
    "Nature de la dépense",
    "Unité (si pertinent)",
    "Nombre d'unités",
    "coût unitaire",
    "Date ou période",
    "Objet de la dépense",
    "Montant",
)


@dataclass(frozen=True)
class Subgroup:
    key: str
    label: str
    heading: str = ""
    examples: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        return self.label or self.heading


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    total_label: str
    subgroups: tuple[Subgroup, ...]

    def subgroup(self, key: str) -> Subgroup:
        for sg in self.subgroups:
            if sg.key == key:
                return sg
        raise KeyError(key)


@dataclass(frozen=True)
class VoletTemplate:
    number: int
    groups: tuple[Group, ...]

    @property
    def total_label(self) -> str:
        return f"TOTAL DEPENSES AU TITRE DU VOLET {self.number}"

    def group(self, key: str) -> Group:
        for g in self.groups:
            if g.key == key:
                return g
        raise KeyError(key)

    def choices(self) -> list[tuple[str, str, str]]:
        """(clé du groupe, clé de la rubrique, libellé « Groupe › Rubrique ») dans l'ordre du modèle."""
        out = []
        for g in self.groups:
            for sg in g.subgroups:
                label = short_group_title(g) + (f" › {sg.display}" if sg.display else "")
                out.append((g.key, sg.key, label))
        return out


_CD = "Dépenses relatives au renforcement des équipes locales CD"
_PE = "Dépenses relatives au renforcement des équipes locales PE (le cas échéant)"
_SOL = "Dépenses relatives au renforcement des solutions locales"
_EQUIPES_TITLE = "Dépenses relatives au renforcement des équipes locales CD/PE"
_EQUIPES_TOTAL = "TOTAL DEPENSES RELATIVES AU RENFORCEMENT DES EQUIPES LOCALES"
_SI_TITLE = "Dépenses relatives au développement SI"
_SI_TOTAL = "TOTAL DEPENSES RELATIVES AU DEVELOPPEMENT SI"
_REMUNERATIONS = (
    "Rémunération CIP",
    "Rémunération coach emploi",
    "Rémunération travailleur social",
)

TEMPLATES: dict[int, VoletTemplate] = {
    1: VoletTemplate(
        1,
        (
            Group(
                "equipes_locales",
                _EQUIPES_TITLE,
                _EQUIPES_TOTAL,
                (
                    Subgroup(
                        "cd_ingenierie",
                        "Postes d'Ingénierie",
                        _CD,
                        ("Rémunération chef de projet",),
                    ),
                ),
            ),
            Group(
                "si",
                _SI_TITLE,
                _SI_TOTAL,
                (Subgroup("si", "", "", ("Paramétrage SI en vue de l'interconnexion",)),),
            ),
        ),
    ),
    2: VoletTemplate(
        2,
        (
            Group(
                "accompagnement",
                "Dépenses relatives au renforcement de l'accompagnement",
                "TOTAL DEPENSES RELATIVES AU RENFORCEMENT DE L'ACCOMPAGNEMENT",
                (
                    Subgroup(
                        "solutions_complementaires",
                        "Solutions d'accompagnement complémentaires",
                        _SOL,
                        ("Action 1", "Action 2"),
                    ),
                    Subgroup(
                        "postes_accompagnement",
                        "Postes d'accompagnement",
                        _SOL,
                        ("Rémunération CIP - accompagnement global", *_REMUNERATIONS),
                    ),
                    Subgroup(
                        "remobilisation",
                        "Dépenses relatives à la remobilisation / entrée en parcours",
                        _SOL,
                        ("Action 1", "Action 2"),
                    ),
                ),
            ),
            Group(
                "freins",
                "Dépenses relatives à la levée des freins sociaux",
                "TOTAL DEPENSES LEVÉE DES FREINS SOCIAUX",
                (Subgroup("freins", "", "", ("Structure XXX",)),),
            ),
            Group(
                "referencement",
                "Dépenses relatives au référencement de l'offre de solutions locales d'accompagnement",
                "TOTAL DEPENSES RELATIVES AU REFERENCEMENT DE L'OFFRE DE SOLUTIONS LOCALES D'ACCOMPAGNEMENT",
                (Subgroup("referencement", "", "", ("Rémunération",)),),
            ),
        ),
    ),
    3: VoletTemplate(
        3,
        (
            Group(
                "equipes_locales",
                _EQUIPES_TITLE,
                _EQUIPES_TOTAL,
                (
                    Subgroup(
                        "cd_ingenierie",
                        "Postes d'ingénierie",
                        _CD,
                        ("Rémunération chef de projet",),
                    ),
                    Subgroup("cd_accompagnement", "Postes d'accompagnement", _CD, _REMUNERATIONS),
                    Subgroup(
                        "pe",
                        "",
                        _PE,
                        ("Rémunération CIP - accompagnement global", "Rémunération CIP"),
                    ),
                ),
            ),
            Group(
                "solutions_locales",
                _SOL,
                "TOTAL DEPENSES RENFORCEMENT DES SOLUTIONS LOCALES",
                (Subgroup("solutions_locales", "", "", ("Structure XXX",)),),
            ),
            Group(
                "si",
                _SI_TITLE,
                _SI_TOTAL,
                (Subgroup("si", "", "", ("Développement d'un interfaçage avec XX",)),),
            ),
        ),
    ),
}


def short_group_title(group: Group) -> str:
    """« Dépenses relatives au développement SI » → « Développement SI » (listes de choix)."""
    title = group.title
    for prefix in ("Dépenses relatives au ", "Dépenses relatives à la ", "Dépenses relatives à "):
        if title.startswith(prefix):
            rest = title[len(prefix) :]
            return rest[:1].upper() + rest[1:]
    return title


def template(volet_number: int) -> VoletTemplate:
    try:
        return TEMPLATES[volet_number]
    except KeyError:
        raise ValidationError(
            f"Volet {volet_number} inconnu : la trame de bilan financier couvre les volets 1, 2 et 3."
        ) from None


def check_rubrique(volet_number: int, group_key: str, subgroup_key: str) -> tuple[Group, Subgroup]:
    """La rubrique doit appartenir à la trame du volet ; sinon ``ValidationError`` explicite."""
    tpl = template(volet_number)
    try:
        group = tpl.group(group_key)
        return group, group.subgroup(subgroup_key)
    except KeyError:
        valid = " ; ".join(label for _g, _s, label in tpl.choices())
        raise ValidationError(
            f"Rubrique « {group_key}/{subgroup_key} » absente de la trame du volet {volet_number} "
            f"(annexe 3). Rubriques possibles : {valid}."
        ) from None


def suggest_rubrique(volet_number: int, section: str, nature: str, objet: str) -> tuple[str, str]:
    """Rubrique de l'annexe 3 qui correspond à une ligne du plan de financement (annexe 2)."""
    s, n, o = fold(section), fold(nature), fold(objet)
    if volet_number == 1:
        if "developpement si" in s:
            return "si", "si"
        return "equipes_locales", "cd_ingenierie"
    if volet_number == 2:
        if "freins" in s:
            return "freins", "freins"
        if "referencement" in s:
            return "referencement", "referencement"
        if "remobilisation" in s:
            return "accompagnement", "remobilisation"
        if "etp" in o:
            return "accompagnement", "postes_accompagnement"
        return "accompagnement", "solutions_complementaires"
    if volet_number == 3:
        if "developpement si" in s:
            return "si", "si"
        if "solutions locales" in s:
            return "solutions_locales", "solutions_locales"
        if n.startswith("pour info") or " pe" in f" {n}":
            return "equipes_locales", "pe"
        if "ingenierie" in o:
            return "equipes_locales", "cd_ingenierie"
        return "equipes_locales", "cd_accompagnement"
    template(volet_number)  # lève l'erreur du volet inconnu
    raise AssertionError  # pragma: no cover
