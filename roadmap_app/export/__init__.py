"""Boîte à outils des exports, commune à toutes les fonctionnalités : cellules de classeur
(textes neutralisés, formats français), écriture de classeurs, mise en page PDF."""
