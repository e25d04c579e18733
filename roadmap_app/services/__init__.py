"""Cas d'usage. Chaque service ouvre des sessions courtes et rend des objets simples (pas d'ORM)."""
