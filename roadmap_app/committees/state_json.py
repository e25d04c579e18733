"""Texte JSON d'un état d'instantané, écrit par morceaux, compressé et haché à mesure.

Le contenu d'un instantané est ``json.dumps(état, ensure_ascii=True, sort_keys=True,
separators=(",", ":"))`` compressé par zlib (niveau 1) ; son empreinte est le SHA-256 de ce texte.
``iter_json`` écrit exactement le même texte, octet pour octet, mais par morceaux : les
dictionnaires et listes du haut de l'état (sections, axes, cibles, séries…) sont ouverts ici, clés
triées comme ``sort_keys``, et chaque élément plus petit (une cible et ses actions, une définition,
une série) est écrit d'un coup par l'encodeur en C de ``json``. Un morceau déjà écrit (``Encoded`` :
à 100×, les 9 000 séries des indicateurs, assemblées par la base) est recopié tel quel.

``encode_state`` hache et compresse le texte par tranches d'environ 1 Mo, à mesure qu'il
s'écrit : jamais de texte entier en mémoire (à 100×, 10,5 Mo ; pic de l'encodage 21 → 6 Mo).
Le temps de calcul est celui de ``json.dumps`` d'un seul tenant (les morceaux coûtent ce que le
registre des cycles, inutile ici, coûtait). Compresser dans un fil à part pendant l'écriture (zlib
et hashlib rendent le verrou global) n'a rien fait gagner sur la machine de mesure, chargée.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterator
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

#: ``check_circular=False`` : un état n'a pas de cycle (lu dans la base ou dans un JSON) ; sans le
#: registre des conteneurs déjà ouverts, l'écriture est plus rapide (≈ 8 %), le texte identique.
_ENCODER = json.JSONEncoder(
    ensure_ascii=True, sort_keys=True, separators=(",", ":"), check_circular=False
)
#: L'encodeur en C que ``_ENCODER.encode`` recrée à chaque appel (mêmes réglages : voir
#: ``json.encoder.JSONEncoder.iterencode``), créé une fois : ≈ 10 000 appels par état à 100×.
_C_ENCODER = (
    None
    if c_make_encoder is None
    else c_make_encoder(
        None, _ENCODER.default, encode_basestring_ascii, None, ":", ",", True, False, True
    )
)


def _encode(obj: Any) -> str:
    """``json.dumps(obj, ensure_ascii=True, sort_keys=True, separators=(",", ":"))``."""
    if isinstance(obj, str):
        return encode_basestring_ascii(obj)
    if _C_ENCODER is None:
        return _ENCODER.encode(obj)
    return "".join(_C_ENCODER(obj, 0))


#: Profondeur jusqu'à laquelle les conteneurs sont ouverts (état 0, section 1, ... : une cible du
#: plan, à la profondeur 5, s'écrit d'un coup avec ses actions)
MAX_DEPTH = 5

#: Taille (en caractères) des tranches hachées et compressées
CHUNK = 1 << 20



class Encoded:
    """Un texte JSON déjà écrit (en ASCII, clés triées, sans espaces), recopié tel quel par
    ``iter_json`` à la place d'une valeur : ni objets Python à créer ni encodage à refaire.
    ``json.dumps`` ne le connaît pas (``TypeError``) : seul ``iter_json`` l'écrit, et il doit se
    trouver dans des conteneurs ouverts (au plus ``MAX_DEPTH`` niveaux)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def value(self) -> Any:
        """La valeur que ce texte représente (lecture, vérifications)."""
        return json.loads(self.text)

    def __repr__(self) -> str:
        return f"Encoded({self.text[:60]!r}{'…' if len(self.text) > 60 else ''})"


_CONTAINERS = (dict, list, tuple, Encoded)


def _opened(obj: Any) -> bool:
    """Vrai pour un dictionnaire à clés textes qui contient un conteneur, ou une liste qui
    contient un dictionnaire (ou un ``Encoded``) : les autres (liste de listes courtes, série de
    valeurs, ligne de statuts) s'écrivent d'un coup."""
    if isinstance(obj, dict):
        return all(type(k) is str for k in obj) and any(
            isinstance(v, _CONTAINERS) for v in obj.values()
        )
    if isinstance(obj, (list, tuple)):
        return any(isinstance(v, (dict, Encoded)) for v in obj)
    return False


def iter_json(obj: Any, depth: int = MAX_DEPTH) -> Iterator[str]:
    """Les morceaux de ``json.dumps(obj, ensure_ascii=True, sort_keys=True, separators=(",", ":"))``,
    dans l'ordre : leur concaténation est ce texte, octet pour octet (un ``Encoded`` : son texte)."""
    if type(obj) is Encoded:
        yield obj.text
        return
    if depth <= 0 or not _opened(obj):
        yield _encode(obj)
        return
    if isinstance(obj, dict):
        yield "{"
        first = True
        for key in sorted(obj):
            yield (_encode(key) + ":") if first else ("," + _encode(key) + ":")
            first = False
            yield from iter_json(obj[key], depth - 1)
        yield "}"
        return
    yield "["
    for i, item in enumerate(obj):
        if i:
            yield ","
        yield from iter_json(item, depth - 1)
    yield "]"


def encode_state(state: dict[str, Any]) -> tuple[bytes, str]:
    """(texte JSON de ``state`` compressé par zlib niveau 1, SHA-256 hexadécimal de ce texte) :
    les mêmes octets que la compression d'un seul tenant du texte de ``json.dumps`` (voir l'en-tête
    du module), tranche par tranche."""
    packer, digest = zlib.compressobj(1), hashlib.sha256()
    parts: list[bytes] = []
    pending: list[str] = []
    size = 0
    for piece in iter_json(state):
        pending.append(piece)
        size += len(piece)
        if size >= CHUNK:
            chunk = "".join(pending).encode("ascii")
            digest.update(chunk)
            parts.append(packer.compress(chunk))
            pending, size = [], 0
    chunk = "".join(pending).encode("ascii")
    digest.update(chunk)
    parts.append(packer.compress(chunk))
    parts.append(packer.flush())
    return b"".join(parts), digest.hexdigest()
