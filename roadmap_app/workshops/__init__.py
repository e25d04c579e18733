"""Ateliers territoriaux : revue en séance, paquets hors ligne et fusion sans perte."""
