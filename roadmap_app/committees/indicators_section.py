"""Les indicateurs de suivi dans les instantanés : section figée, comparaison, lignes du pack.

Section ``indicateurs`` (absente des instantanés d'avant : la comparaison l'ignore alors, et ils
s'ouvrent comme avant) :

- ``definitions`` : indicateurs liés à une action ou définis pour la feuille de route ;
- ``links`` : ``[action, indicateur, sorte]`` ;
- ``steps`` : références et cibles (``[indicateur, bassin, sorte, valeur, date, année]``) ;
- ``values`` : valeurs mesurées des indicateurs hors flux (celles des flux sont dans la section
  ``flux``) : indicateur → bassin (« » : tout le plan) → série (``series_of``) ;
- ``states`` : état des flux liés, par bassin : ``[dernière valeur, sa date, cible, depuis,
  statut]`` ; celui des autres indicateurs se déduit des valeurs et des cibles (``frozen_states``),
  ce qui garde l'instantané et la comparaison rapides à 100× (162 000 valeurs).

Une série (format 3 des instantanés, ``sections.STATE_FORMAT``) : ``[jours, valeurs]``, deux
textes. ``valeurs`` : « 64.3;64.7;… », chaque valeur écrite par la base. ``jours`` :
« 2024-07-01;2024-10-01;… », un jour par valeur ; ou, pour des valeurs de mois consécutifs au
même quantième (le cas courant : une valeur par mois, au 1er), le seul jour de la dernière,
« 2025-12-01 ». Au format 2, une série était un seul texte « 2024-07-01=64.3;2024-08-01=64.7;… »
(1,8 Mo de dates à 100×) : ``series_of`` et la comparaison lisent les deux formes. La dernière
valeur et son jour, seuls lus par la comparaison et le pack, sont en fin de chaque texte.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from roadmap_app.committees.section_change import SectionChange, show_value
from roadmap_app.committees.state_json import Encoded, encode_basestring_ascii
from roadmap_app.core.context import AppContext
from roadmap_app.core.formatting import format_count
from roadmap_app.indicators import model as m

SECTION = "indicateurs"
ABSENT = "absents"  # clé du changement « section absente de l'instantané de départ »


def indicators_section(ctx: AppContext, roadmap_id: int, *, series: bool = True, links_only: bool = False
                       ) -> dict[str, Any]:  # fmt: skip
    """Lectures en bloc (à 100× : 1 000 indicateurs, 162 000 valeurs) : les jours et les valeurs
    de chaque série sont assemblés par la base, chacun en un texte, dans l'ordre de l'index ; les
    séries vont au texte JSON de l'instantané sans redevenir des objets Python (``values`` est
    alors un ``state_json.Encoded``, que seul ``iter_json`` écrit : voir ``_frozen_values``).

    ``series=False`` (état actuel d'une comparaison ou d'un pack) : seule la dernière valeur de
    chaque série est lue, sur l'index (``[jour, valeur]``) ; la comparaison et le pack n'utilisent
    qu'elle. ``links_only`` : les liens seuls (``{"links": …}``), ce que la comparaison avec un
    instantané figé avant les indicateurs en dit (``_absent``)."""
    defs = m.load_definitions(ctx, roadmap_id)
    links = m.link_triples(ctx, roadmap_id)
    linked = {ind for _a, ind, _k in links}
    kept = [d for d in defs if d.id in linked or d.category == "feuille de route"]
    codes = {d.id: d.code for d in kept}
    if links_only:
        return {"links": [[action, codes[ind], kind] for action, ind, kind in links if ind in codes]}
    bassins = m.bassin_list(ctx)
    bcode = _bassin_codes(ctx)
    flows = [d for d in kept if d.is_flow]
    points, steps = m.load_series(ctx, flows) if flows else ({}, {})
    values: dict[str, dict[str, list[str]]] | Encoded
    plain = {d.id: d.code for d in kept if not d.is_flow}  # hors flux (9 000 séries à 100×)
    where = {**bcode, None: ""}  # bassin → clé de la série (« » : tout le plan)
    with ctx.store.session() as s:
        for ind, bid, kind, value, eff, year, label in m.raw_rows(s,
            "SELECT indicator_id, bassin_id, kind, value, effective_from, year, label FROM indicator_target "
            "WHERE value IS NOT NULL ORDER BY effective_from, id"
        ):  # fmt: skip
            if ind in plain:
                steps.setdefault((ind, bid), []).append(m.Step(kind, bid, float(value), m.as_date(eff), year, label))
        if series:
            values = _frozen_values(m.raw_rows(s, _series_sql(s)), plain, where)
        else:
            last: dict[str, dict[str, list[str]]] = {}
            values = last
            for ind, bid, joined in m.raw_rows(s, _last_sql(s)):
                code = plain.get(ind)
                if code is None or not joined:
                    continue
                day, _sep, value = joined.partition("=")
                last.setdefault(code, {})[where.get(bid, "")] = [day, value]
    # état figé des flux liés seulement (leurs valeurs sont dans la section « flux ») ; celui des
    # autres se déduit des valeurs et des cibles figées (``frozen_states``)
    states: dict[str, dict[str, list[Any]]] = {}
    for st in m.states(ctx, [d for d in flows if d.id in linked], bassins, series=(points, steps)):
        t = st.target
        states.setdefault(st.indicator.code, {})[bcode.get(st.bassin_id, "") if st.bassin_id else ""] = [
            None if st.last is None else st.last.value, None if st.last is None else st.last.day.isoformat(),
            None if t is None else t.value, None if t is None else t.when(st.indicator), st.status,
        ]  # fmt: skip
    return {
        "definitions": [
            {"code": d.code, "label": d.label, "unit": d.unit, "direction": d.direction, "frequency": d.frequency,
             "scope": d.scope, "provenance": d.provenance, "storage": d.storage, "annexe": d.annexe,
             "definition": d.definition}
            for d in kept
        ],
        "links": _frozen_links(links, codes) if series else [[action, codes[ind], kind] for action, ind, kind in links
                                                              if ind in codes],
        "steps": [
            [codes[ind], bcode.get(bid, "") if bid is not None else "", st.kind, st.value, st.effective_from.isoformat(),
             st.year]
            for (ind, bid), lst in sorted(steps.items(), key=lambda kv: (str(kv[0][0]), kv[0][1] or 0))
            if isinstance(ind, int) and ind in codes for st in lst
        ],
        "values": values,
        "states": states,
    }


def _frozen_links(links: list[tuple[str, int, str]], codes: dict[int, str]) -> Encoded:
    """Le texte JSON de ``[[action, indicateur, sorte], …]`` (17 500 liens à 100×) : chaque code
    et chaque sorte échappés une fois, chaque lien écrit par concaténation."""
    enc = encode_basestring_ascii
    written = {ind: enc(code) for ind, code in codes.items()}
    words = {word: enc(word) for word in {w for action, _i, kind in links for w in (action, kind)}}
    return Encoded("[" + ",".join([f"[{words[action]},{written[ind]},{words[kind]}]"
                                   for action, ind, kind in links if ind in written]) + "]")  # fmt: skip


def _series_sql(s: Any) -> str:
    """Une ligne par indicateur et bassin : ses jours (« AAAA-MM-JJ;… ») et ses valeurs
    (« valeur;… ») en deux textes, dans l'ordre des dates ; chaque valeur écrite par la base comme
    au format 2 (``day || '=' || value``), donc comme la dernière valeur de l'état actuel
    (``_last_sql``). Sous SQLite, écrire les jours et les valeurs à part (sans texte
    « jour=valeur » intermédiaire) coûte un tiers de moins."""
    if s.get_bind().dialect.name == "sqlite":  # l'index (indicateur, bassin, jour, valeur) donne l'ordre
        return ("SELECT indicator_id, bassin_id, group_concat(day, ';'), group_concat(value, ';') "
                "FROM indicator_value WHERE value IS NOT NULL GROUP BY indicator_id, bassin_id")  # fmt: skip
    return ("SELECT indicator_id, bassin_id, string_agg(day::text, ';' ORDER BY day, value), "
            "string_agg(value::text, ';' ORDER BY day, value) FROM indicator_value WHERE value IS NOT NULL "
            "GROUP BY indicator_id, bassin_id")  # fmt: skip


def _frozen_values(rows: list[tuple[Any, ...]], plain: dict[int, str], where: dict[Any, str]) -> Encoded:
    """Le texte JSON de ``values`` (clés triées, comme ``iter_json``) : chaque série
    ``[jours, valeurs]`` écrite directement avec les deux textes lus (voir l'en-tête), sans liste
    ni flottant Python. Une série de mois consécutifs garde le seul jour de sa dernière valeur :
    ses jours sont comparés, d'un coup, au texte attendu pour ce dernier jour et cette longueur ;
    chaque texte de jours déjà vu (le plus souvent le même d'une série à l'autre) donne sa tête
    sans autre calcul. Les textes lus n'ont rien à échapper en JSON (chiffres, dates) : c'est
    vérifié d'un coup sur leur ensemble ; sinon (un texte glissé dans la base), chacun est échappé.
    À 100× : 9 000 séries en ≈ 12 ms."""
    enc = encode_basestring_ascii
    heads: dict[str, str] = {}  # texte des jours → tête de la série (le dernier jour, ou ce texte)
    for days in {row[2] for row in rows if row[2]}:
        last = days[-10:]
        heads[days] = last if days == _monthly_text(last, len(days)) else days
    escape = not _json_safe("".join(heads) + "".join([row[3] for row in rows if row[3]]))
    # rang de chaque clé de bassin dans l'ordre des clés triées : une série par (indicateur, clé),
    # la dernière lue l'emporte, comme dans un dictionnaire
    keys = sorted(set(where.values()) | {""})
    rank = {bid: keys.index(key) for bid, key in where.items()}
    prefix = [enc(key) + ":" for key in keys]
    blank = keys.index("")
    per_code: dict[str, dict[int, str]] = {}
    for ind, bid, days, vals in rows:
        code = plain.get(ind)
        if code is None or not days:
            continue
        found = per_code.get(code)
        if found is None:
            found = per_code[code] = {}
        head = heads[days]
        found[rank.get(bid, blank)] = (f"[{enc(head)},{enc(vals)}]" if escape
                                       else '["' + head + '","' + vals + '"]')  # fmt: skip
    return Encoded("{" + ",".join(
        enc(code) + ":{" + ",".join([prefix[r] + found[r] for r in sorted(found)]) + "}"
        for code, found in sorted(per_code.items())
    ) + "}")  # fmt: skip


#: Caractères qu'un texte JSON garde tels quels entre guillemets : l'ASCII imprimable, sauf le
#: guillemet et la barre oblique inverse
_JSON_AS_IS = bytes(c for c in range(0x20, 0x7F) if c not in b'"\\')


def _json_safe(text: str) -> bool:
    """Vrai si ``text`` s'écrit tel quel entre guillemets en JSON (rien à échapper)."""
    return text.isascii() and not text.encode("ascii").translate(None, _JSON_AS_IS)


def _months_back(end: date, n: int) -> list[str] | None:
    """Les ``n`` jours (texte ISO), de mois consécutifs au quantième de ``end``, qui finissent à
    ``end`` ; ``None`` si ce quantième n'existe pas tous les mois (après le 28) ou avant l'an 1."""
    k = end.year * 12 + end.month - 1
    if n > 1 and (end.day > 28 or k - (n - 1) < 12):
        return None
    return [f"{(k - i) // 12:04d}-{(k - i) % 12 + 1:02d}-{end.day:02d}" for i in range(n - 1, -1, -1)]


def _monthly_text(last: str, length: int) -> str | None:
    """Le texte des jours d'une série de mois consécutifs qui finit à ``last`` et fait ``length``
    caractères (« AAAA-MM-JJ;… »), ou ``None``."""
    n, extra = divmod(length + 1, 11)
    try:
        end = date.fromisoformat(last)
    except ValueError:
        return None
    days = None if extra else _months_back(end, n)
    return None if days is None else ";".join(days)


def _last_sql(s: Any) -> str:
    """Le dernier élément « AAAA-MM-JJ=valeur » de chaque série, la valeur écrite comme par
    ``_series_sql``, par indicateur puis bassin (« tout le plan » d'abord) ; ``NULL`` pour une série sans valeur.

    Sous SQLite : chaque couple (indicateur, bassin de la table ``bassin`` ou tout le plan), puis
    sa dernière date cherchée dans l'index (indicateur, bassin, jour, valeur). Les clés étrangères
    garantissent qu'une valeur n'a pas d'autre bassin. À 100× : 1 000 indicateurs, 10 couples
    chacun, 162 000 valeurs ; chercher les couples qui ont des valeurs (``DISTINCT`` : un parcours
    de tout l'index) coûtait plus que les 10 000 recherches elles-mêmes, et un ``GROUP BY`` avec
    ``MAX(day)`` compare toutes les valeurs. Sous PostgreSQL, ``DISTINCT ON``."""
    if s.get_bind().dialect.name == "sqlite":
        return ("SELECT d.id, b.id, (SELECT v.day || '=' || v.value FROM indicator_value v "
                "WHERE v.indicator_id = d.id AND v.bassin_id IS b.id AND v.value IS NOT NULL "
                "ORDER BY v.day DESC LIMIT 1) FROM indicator_definition d, "
                "(SELECT NULL AS id UNION ALL SELECT id FROM bassin) b ORDER BY d.id, b.id")  # fmt: skip
    return ("SELECT DISTINCT ON (indicator_id, bassin_id) indicator_id, bassin_id, day::text || '=' || value::text "
            "FROM indicator_value WHERE value IS NOT NULL ORDER BY indicator_id, bassin_id, day DESC")  # fmt: skip


Series = list[str] | str  # ``[jours, valeurs]`` ; au format 2, « jour=valeur;… »


def _tail(series: Series) -> tuple[str, str]:
    """(jour, valeur telle qu'écrite) du dernier élément d'une série figée, d'une forme ou de
    l'autre (voir l'en-tête) : deux séries ont la même dernière valeur si et seulement si ces
    deux textes sont égaux, comme les textes « jour=valeur » comparés au format 2."""
    if isinstance(series, str):
        day, _sep, value = series.rpartition(";")[2].partition("=")
        return day, value
    days, values = series
    return days.rpartition(";")[2], values.rpartition(";")[2]


def _last(series: Series) -> tuple[float, str]:
    day, value = _tail(series)
    return float(value), day


def _state_of(section: dict[str, Any], code: str, bassin: str, index: dict[str, Any]) -> list[Any]:
    """[dernière valeur, date, cible en vigueur, depuis, statut] d'une série figée."""
    return _series_state(section.get("values", {}).get(code, {}).get(bassin), code, bassin, index)


def _series_state(joined: Series | None, code: str, bassin: str, index: dict[str, Any]) -> list[Any]:
    """Comme ``_state_of``, la série déjà en main."""
    if not joined:
        # sans valeur : la cible en vigueur le jour de l'état (celle du bassin prime, puis la plus
        # récente), comme la page et ``indicators list`` ; à défaut, la prochaine (``compute_state``)
        targets = [st for st in index["targets"].get(code, ()) if st[1] == "" or st[1] == bassin]
        today = index.get("today") or ""
        now = [st for st in targets if today and st[4] <= today]
        first = (max(now, key=lambda st: (st[1] != "", st[4])) if now
                 else min(targets, key=lambda st: (st[4], st[1] != "")) if targets else None)  # fmt: skip
        when = None if first is None else _when(index.get("frequency", {}).get(code), first[4], first[5])
        return [None, None, None if first is None else first[3], when, m.NO_VALUE]
    day, text = _tail(joined)
    value = float(text)
    # la cible en vigueur : celle du bassin prime sur celle de tout le plan, puis la plus récente ;
    # à égalité, la première (comme ``max``). Une boucle sur les trois ou quatre cibles de
    # l'indicateur, sans liste ni clé de tri : 9 000 fois par comparaison à 100×.
    best = None
    for st in index["targets"].get(code, ()):
        where = st[1]
        if (where == "" or where == bassin) and st[4] <= day:
            if best is None or (where != "", st[4]) > (best[1] != "", best[4]):
                best = st
    if best is None:
        return [value, day, None, None, m.NO_TARGET]
    up = index["direction"].get(code, "up") == "up"
    ok = value >= best[3] if up else value <= best[3]
    when = _when(index.get("frequency", {}).get(code), best[4], best[5])
    return [value, day, best[3], when, m.REACHED if ok else m.BELOW]


def _index(section: dict[str, Any], today: str = "") -> dict[str, Any]:
    """Cibles par indicateur, sens et fréquence ; ``today`` : le jour de l'état (« AAAA-MM-JJ »),
    pour la cible en vigueur d'une série sans valeur."""
    targets: dict[str, list[list[Any]]] = {}  # les cibles seules (sans les références), par indicateur
    for st in section.get("steps", []):
        if st[2] == "target":
            targets.setdefault(st[0], []).append(st)
    defs = section.get("definitions", [])
    return {"targets": targets, "direction": {d["code"]: d["direction"] for d in defs},
            "frequency": {d["code"]: _frequency(d) for d in defs}, "today": today}  # fmt: skip


def _today(state: dict[str, Any] | None) -> str:
    return str(((state or {}).get("plan") or {}).get("today") or "")


def frozen_states(state: dict[str, Any]) -> dict[str, dict[str, list[Any]]]:
    """État de chaque indicateur lié, par bassin (« » : tout le plan), lu dans l'état figé."""
    section = state.get(SECTION) or {}
    out: dict[str, dict[str, list[Any]]] = {k: dict(v) for k, v in section.get("states", {}).items()}
    index = _index(section, _today(state))
    scopes = {d["code"]: d["scope"] for d in section.get("definitions", [])}
    bassins = [b["code"] for b in state.get("plan", {}).get("bassins", [])]
    for code in dict.fromkeys(c for _a, c, _k in section.get("links", [])):
        if code in out:
            continue  # flux : état figé tel quel
        keys = bassins if scopes.get(code) == "bassin" else [""]
        out[code] = {b: _state_of(section, code, b, index) for b in keys}
    return out


def series_of(series: Series) -> list[tuple[str, float]]:
    """Une série figée → [(« 2024-07-01 », 52.3), …] : ``["2024-08-01", "52.3;55"]``,
    ``["2024-07-01;2024-10-01", "52.3;55"]`` ou, au format 2, « 2024-07-01=52.3;2024-10-01=55 »."""
    if isinstance(series, str):
        out = []
        for part in series.split(";"):
            day, _sep, value = part.partition("=")
            out.append((day, float(value)))
        return out
    head, text = series
    values = [float(v) for v in text.split(";")]
    days = head.split(";")
    if len(days) == 1 < len(values):  # mois consécutifs : le jour de la dernière valeur seul
        days = _months_back(date.fromisoformat(head), len(values)) or days
    return list(zip(days, values, strict=True))


def _bassin_codes(ctx: AppContext) -> dict[int | None, str]:
    from roadmap_app.flows.series import bassins

    return {b.id: b.code for b in bassins(ctx)}


def _names(state: dict[str, Any] | None) -> dict[str, str]:
    if not state:
        return {}
    return {b["code"]: b["name"] for b in state.get("plan", {}).get("bassins", [])}


def _status_text(status: str) -> str:
    return {m.REACHED: "atteinte", m.BELOW: "non atteinte"}.get(status, "")


def indicators_diff(old: dict[str, Any] | None, new: dict[str, Any], new_state: dict[str, Any] | None,
                    ) -> Iterator[SectionChange]:  # fmt: skip
    """« R1 Lensois : 45 → 52 (cible 2025 : 60, non atteinte) », « nouvel indicateur lié à EP-2.1 ».

    ``old`` nul : l'instantané de départ a été figé avant le suivi des indicateurs. Il ne dit pas
    quels liens existaient alors ; les donner tous pour « nouveaux » serait faux (et noierait la
    comparaison : 17 500 lignes à 100×). Une ligne le dit, avec ce que l'état actuel contient."""
    if old is None:
        yield from _absent(new)
        return
    names = _names(new_state)
    labels = {d["code"]: d["label"] for d in new.get("definitions", [])}
    labels.update({d["code"]: d["label"] for d in old.get("definitions", []) if d["code"] not in labels})
    units = {d["code"]: d["unit"] for d in new.get("definitions", [])}
    same_links = old.get("links", []) == new.get("links", [])  # le plus souvent : listes comparées en C
    old_links = {} if same_links else {(a, i): k for a, i, k in old.get("links", [])}
    new_links = {} if same_links else {(a, i): k for a, i, k in new.get("links", [])}
    titles: dict[str, str] = {}

    def title(code: str) -> str:
        if code not in titles:
            titles[code] = m.titled(labels.get(code, code), code)
        return titles[code]

    # une ligne par action (dans l'ordre du plan) : « nouvel indicateur lié à EP-2.1 : dont nombre de nouveaux entrants (M1a) »,
    # « 3 nouveaux indicateurs liés à EP-1.1 : … (R1) ; … (M1a) ; … »
    for links, others, one, several in ((new_links, old_links, "nouvel indicateur lié à", "nouveaux indicateurs liés à"),
                                        (old_links, new_links, "indicateur retiré de", "indicateurs retirés de")):  # fmt: skip
        per_action: dict[str, list[str]] = {}
        for action, code in links:
            if (action, code) not in others:
                per_action.setdefault(action, []).append(code)
        for action, codes in per_action.items():
            comment = f"{one} {action}" if len(codes) == 1 else f"{len(codes)} {several} {action}"
            yield SectionChange(SECTION, "lien", " ; ".join(title(c) for c in codes), None, None, None, comment)
    if old.get("definitions") != new.get("definitions"):
        yield from _definition_changes(old, new, title)
    old_states, new_states = old.get("states", {}), new.get("states", {})
    # (indicateur, bassin, valeur d'avant, sa date, état d'après) des dernières valeurs qui ont bougé
    changed: list[tuple[str, str, Any, Any, list[Any]]] = []
    for code, per_bassin in new_states.items():  # flux liés : état figé
        for bassin, now in per_bassin.items():
            prev = old_states.get(code, {}).get(bassin)
            was = (None, None) if prev is None else (prev[0], prev[1])
            if was != (now[0], now[1]):
                changed.append((code, bassin, was[0], was[1], now))
    linked = {c for _a, c, _k in new.get("links", [])}
    old_values, new_values = old.get("values", {}), new.get("values", {})
    index = _index(new, _today(new_state))
    for code in sorted(linked - set(new_states)):  # autres : seules les séries qui ont changé
        old_series, new_series = old_values.get(code, {}), new_values.get(code, {})
        for bassin, joined in new_series.items():
            before = old_series.get(bassin)
            if not before:
                pass
            elif type(before) is list and type(joined) is list:  # format 3 des deux côtés : _tail, sans appel
                if (before[1].rpartition(";")[2] == joined[1].rpartition(";")[2]
                        and before[0].rpartition(";")[2] == joined[0].rpartition(";")[2]):  # fmt: skip
                    continue  # seule la dernière valeur est comparée (l'état actuel n'a qu'elle)
            elif _tail(before) == _tail(joined):
                continue
            now = _series_state(joined, code, bassin, index)
            was = _last(before) if before else (None, None)
            changed.append((code, bassin, was[0], was[1], now))
    # peu de cibles distinctes pour des milliers de séries : chaque commentaire écrit une fois
    comments: dict[tuple[Any, ...], str] = {}
    frequencies = index["frequency"]
    periods: dict[tuple[str | None, str], str] = {}
    for code, bassin, before, before_day, (value, day, target, when, status) in changed:
        if value == before and day == before_day:
            continue
        where = names.get(bassin, bassin) or "tout le plan"
        unit = units.get(code, "")
        key = (type(target), target, when, status, unit == "%")
        said = comments.get(key)
        if said is None:
            if target is not None:
                state = _status_text(status)
                shown_target = show_value("", target) + (" %" if unit == "%" else "")
                said = f"cible {when} : {shown_target}{', ' + state if state else ''}"
            else:
                said = "sans cible"
            comments[key] = said
        # la période de chaque valeur : « 2024 → 2025 » (nouvelle période), « 2024, corrigée »
        # (même période), « juin 2025 » (première valeur) ; sinon deux chiffres de périodes
        # différentes se liraient comme une correction
        freq = frequencies.get(code)
        period = periods.get((freq, day))
        if period is None:  # peu de périodes distinctes pour des milliers de séries
            period = periods[(freq, day)] = _when(freq, day)
        if before_day and before_day != day:
            period = f"{_when(freq, before_day)} → {period}"
        elif before_day:
            period += ", corrigée"
        yield SectionChange(SECTION, "valeur", f"{code} {where}", bassin or None, before, value,
                            f"({period} ; {said})" if period else f"({said})")  # fmt: skip
    if old.get("steps", []) != new.get("steps", []):  # le plus souvent : listes comparées en C
        both = {d["code"] for d in old.get("definitions", [])}  # indicateur lié depuis : ses cibles
        plan_wide = {d["code"] for d in new.get("definitions", []) if d.get("scope") == "plan"}  # ne sont pas nouvelles
        both &= {d["code"] for d in new.get("definitions", [])}
        yield from _step_changes([st for st in old.get("steps", []) if st[0] in both],
                                 [st for st in new.get("steps", []) if st[0] in both], names, plan_wide,
                                 index["frequency"])  # fmt: skip


def _step_changes(old_steps: list[list[Any]], new_steps: list[list[Any]], names: dict[str, str],
                  plan_wide: set[str], frequencies: dict[str, str | None]) -> Iterator[SectionChange]:  # fmt: skip
    """Références et cibles fixées, modifiées ou retirées : « M2 Lensois : — → 15 (nouvelle cible
    2026) ». Une cible change le statut sans qu'aucune valeur ne bouge : le comité doit la voir."""

    def keyed(steps: list[list[Any]]) -> dict[tuple[str, str, str, str], tuple[Any, Any]]:
        return {(code, bassin, kind, day): (value, year) for code, bassin, kind, value, day, year in steps}

    before, after = keyed(old_steps), keyed(new_steps)
    for key in sorted(set(before) | set(after)):
        code, bassin, kind, day = key
        was, now = before.get(key, (None, None)), after.get(key, (None, None))
        if was[0] == now[0]:
            continue
        year = now[1] or was[1]
        when = _when(frequencies.get(code), day, year)
        if "/" in when:  # une date : « référence au 31/12/2023 », « cible du 15/07/2024 »
            when = f"{'au' if kind == 'baseline' else 'du'} {when}"
        what = f"référence {when}" if kind == "baseline" else f"cible {when}"
        comment = (f"(nouvelle {what})" if was[0] is None else f"({what} retirée)" if now[0] is None
                   else f"({what} modifiée)")  # fmt: skip
        where = names.get(bassin, bassin) or ("tout le plan" if code in plan_wide else "tous les bassins")
        yield SectionChange(SECTION, "cible", f"{code} {where}", bassin or None, was[0], now[0], comment)


def _absent(new: dict[str, Any]) -> Iterator[SectionChange]:
    links = new.get("links", [])
    if not links:
        return
    actions = len({a for a, _c, _k in links})
    indicators = len({c for _a, c, _k in links})
    yield SectionChange(SECTION, ABSENT, "Indicateurs de suivi", None, None, None,
                        f"absents de l'instantané de départ, figé avant leur suivi : {format_count(len(links))} "
                        f"lien(s) entre {format_count(indicators)} indicateur(s) et {format_count(actions)} "
                        "action(s), sans comparaison possible")  # fmt: skip


#: Champs d'une définition comparés d'un instantané à l'autre (modifiés depuis la page Indicateurs
#: ou ``indicators edit``) ; le code, clé de la comparaison, ne change pas.
_DEFINITION_FIELDS = (("label", "libellé"), ("unit", "unité"), ("direction", "sens"), ("frequency", "fréquence"),
                      ("scope", "portée"), ("provenance", "source"), ("definition", "définition"))  # fmt: skip


def _definition_changes(old: dict[str, Any], new: dict[str, Any], title: Any) -> Iterator[SectionChange]:
    """« définition modifiée (libellé « A » → « B », unité « nombre » → « % ») : B (CODE) » ; seulement
    pour un indicateur figé des deux côtés (un instantané d'avant les indicateurs n'en a aucun)."""
    before = {d["code"]: d for d in old.get("definitions", [])}
    for d in new.get("definitions", []):
        prev = before.get(d["code"])
        if prev is None:
            continue
        parts = [f"{what} « {_short(prev.get(key))} » → « {_short(d.get(key))} »"
                 for key, what in _DEFINITION_FIELDS if prev.get(key, d.get(key)) != d.get(key)]  # fmt: skip
        if parts:
            yield SectionChange(SECTION, "définition", title(d["code"]), None, None, None,
                                f"définition modifiée ({', '.join(parts)})")  # fmt: skip


def _short(value: Any, room: int = 60) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= room else text[: room - 1] + "…"


def describe(ch: SectionChange) -> str:
    """Phrase d'un changement d'indicateur : « R1 Lensois : 45 → 52 (cible 2025 : 60, non atteinte) »."""
    if ch.key == ABSENT:
        return f"{ch.label} {ch.comment}"
    if ch.old is None and ch.new is None:
        return f"{ch.comment} : {ch.label}"
    return f"{ch.label} : {show_value(ch.key, ch.old)} → {show_value(ch.key, ch.new)} {ch.comment}".strip()


# -- pack : feuille et page « Indicateurs de suivi » ------------------------------------------------------
PACK_HEADERS = ["Action(s)", "Indicateur", "Bassin", "Référence", "Cible", "Dernière valeur", "Statut"]


def pack_rows(state: dict[str, Any]) -> list[list[str]]:
    """Une ligne par indicateur lié et par bassin, lue dans l'état figé (pack reproductible)."""
    return list(iter_pack_rows(state))


def iter_pack_rows(state: dict[str, Any]) -> Iterator[list[str]]:
    """Les lignes de ``pack_rows`` une à une : le classeur les écrit sans les garder toutes
    (à 100× : 10 000 lignes, ≈ 9 Mo de moins au pic du pack)."""
    section = state.get(SECTION)
    if not section:
        return
    names = _names(state)
    defs = {d["code"]: d for d in section["definitions"]}
    actions: dict[str, list[str]] = {}
    for action, code, _kind in section["links"]:
        actions.setdefault(code, []).append(action)
    baselines: dict[tuple[str, str], tuple[float, str]] = {}
    for code, bassin, kind, value, day, _year in section["steps"]:
        if kind == "baseline":
            baselines[(code, bassin)] = (value, day)
    for code, per_bassin in frozen_states(state).items():
        d = defs.get(code, {"label": code, "unit": ""})
        unit = " %" if d.get("unit") == "%" else ""
        for bassin, (value, day, target, when, status) in per_bassin.items():
            base = baselines.get((code, bassin)) or baselines.get((code, ""))
            yield [
                ", ".join(actions.get(code, [])), m.titled(d["label"], code), names.get(bassin, bassin) or "Tout le plan",
                "—" if base is None else f"{show_value('', base[0])}{unit} ({_when(_frequency(d), base[1])})",
                "—" if target is None else f"{show_value('', target)}{unit} ({when})",
                "—" if value is None else f"{show_value('', value)}{unit} ({_when(_frequency(d), day)})",
                status,
            ]  # fmt: skip


def _frequency(d: dict[str, Any]) -> str | None:
    """Fréquence d'une définition figée (``indicators.model.frequency_of``) ; nulle pour un
    instantané d'avant ce champ."""
    if "frequency" not in d:
        return None
    return "month" if d.get("storage") == "flux" else str(d["frequency"])


def _when(frequency: str | None, iso: str | None, year: int | None = None) -> str:
    """La période d'une valeur, d'une cible ou d'une référence figée (« 2025 », « sept. 2024 »,
    « T3 2025 », « 31/12/2023 ») : ``indicators.model.period_label`` ; fréquence inconnue : la date."""
    if year:
        return str(year)
    if not iso:
        return ""
    return m.period_label(frequency or "free", date.fromisoformat(iso[:10]))
