"""Jeu initial : la feuille de route volet 3 réelle et les chiffres des documents sources."""

from db.seed.loader import EcheanceParser, SeedSummary, load_seed, read_seed_file

__all__ = ["EcheanceParser", "SeedSummary", "load_seed", "read_seed_file"]
