"""Ressources livrées : trouvées par ``resources.locate`` ; guide, icônes et liens cohérents."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

from db.schema import REVISIONS
from resources import MissingResourceError, locate

ROOT = Path(__file__).resolve().parents[2]
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def test_every_runtime_resource_is_found_through_the_one_helper():
    assert (locate("db", "migrations") / "env.py").is_file()
    assert (locate("db", "migrations") / "script.py.mako").is_file()
    for name in ("feuille_de_route_2024.json", "bassins.json", "convention.json", "flux.json"):
        assert locate("resources", "seed", name).is_file()
    assert locate("resources", "style.qss").read_text(encoding="utf-8").strip()
    assert locate("resources", "icons", "roadmap.svg").is_file()
    assert locate("resources", "icons", "app", "roadmap-app.ico").is_file()
    assert locate("guide", "index.md").is_file()


def test_every_schema_revision_has_its_migration_file():
    versions = locate("db", "migrations", "versions")
    found = {p.name.split("_", 1)[0] for p in versions.glob("[0-9]*_*.py")}
    assert set(REVISIONS) <= found


def test_a_missing_resource_is_reported_in_french():
    with pytest.raises(MissingResourceError, match="absente : installation incomplète"):
        locate("resources", "seed", "inexistant.json")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_application_icon_exists_in_every_size_and_as_an_ico():
    folder = locate("resources", "icons", "app")
    assert (folder / "roadmap-app.svg").read_text(encoding="utf-8").startswith("<svg")
    for size in ICON_SIZES:
        assert png_size((folder / f"roadmap-app-{size}.png").read_bytes()) == (size, size)
    data = (folder / "roadmap-app.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, len(ICON_SIZES))
    sizes = []
    for i in range(count):
        width, _h, _c, _r, _planes, _bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        image = data[offset : offset + length]
        assert png_size(image)[0] == (width or 256)
        sizes.append(width or 256)
    assert sorted(sizes) == list(ICON_SIZES)


GUIDE = ROOT / "docs" / "guide"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def guide_files() -> list[Path]:
    return sorted(GUIDE.glob("*.md"))


@pytest.mark.parametrize("page", guide_files(), ids=lambda p: p.name)
def test_every_link_and_image_of_the_guide_resolves(page):
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# "), "chaque rubrique commence par son titre"
    for target in LINK.findall(text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        assert (page.parent / target).is_file(), f"{page.name} : lien cassé vers {target}"


def test_every_topic_is_listed_in_the_table_of_contents():
    index = (GUIDE / "index.md").read_text(encoding="utf-8")
    listed = set(LINK.findall(index))
    assert {p.name for p in guide_files()} - {"index.md"} == listed


def test_the_readme_links_and_images_resolve():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in LINK.findall(text):
        if not target.startswith(("http://", "https://")):
            assert (ROOT / target).exists(), f"README : lien cassé vers {target}"
