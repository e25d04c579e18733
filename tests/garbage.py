"""Fichiers « poubelle » réutilisables pour éprouver toute lecture de fichier (bases, paquets, classeurs).

Chaque cas est (nom, octets). Appliquer à un lecteur : il doit refuser avec une erreur française
connue (``UserError`` / ``StoreError``), sans jamais lever autre chose ni modifier la base.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def garbage_cases(sample: bytes | None = None, *, seed: int = 62) -> list[tuple[str, bytes]]:
    """Fichiers vides, aléatoires, zip tronqué, classeur vide, texte, énorme ; variantes d'un vrai fichier."""
    rng = random.Random(seed)
    cases: list[tuple[str, bytes]] = [
        ("vide", b""),
        ("un-octet", b"\x00"),
        ("texte", "Ceci n'est pas un fichier de données.\n".encode()),
        ("csv-mal-forme", b'"code";"statut\n"EP-1.1;;;\n\xff\xfe'),
        ("octets-aleatoires", bytes(rng.randrange(256) for _ in range(5000))),
        ("zip-vide", _zip({})),
        ("zip-sans-classeur", _zip({"readme.txt": b"bonjour"})),
        ("classeur-sans-feuille", _zip({"[Content_Types].xml": b"<Types/>"})),
        ("pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
        ("sqlite-vide-entete", b"SQLite format 3\x00" + b"\x00" * 84),
        ("enorme", b"A" * (8 * 1024 * 1024)),
    ]
    if sample:
        cases += [
            ("tronque", sample[: len(sample) // 2]),
            ("zip-tronque", sample[: max(len(sample) - 200, 1)]),
            ("debut-seulement", sample[:64]),
        ]
        flipped = bytearray(sample)
        for _ in range(100):
            pos = rng.randrange(len(flipped))
            flipped[pos] ^= 0xFF
        cases.append(("octets-inverses", bytes(flipped)))
    return cases


def write_cases(
    directory: Path, suffix: str, sample: bytes | None = None
) -> list[tuple[str, Path]]:
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for name, data in garbage_cases(sample):
        path = directory / f"{name}{suffix}"
        path.write_bytes(data)
        out.append((name, path))
    return out


def damage_index_root(path: Path, index: str = "ix_journal_entry_operation_id") -> None:
    """Abîme la page racine d'un index (par défaut un index du journal) : les lectures du plan ne
    la touchent pas, seule la vérification d'intégrité (``PRAGMA quick_check``) la voit."""
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size : (root - 1) * page_size + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
