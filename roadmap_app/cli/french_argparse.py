"""argparse en français : messages d'aide et d'erreur traduits, code de sortie 2 sur erreur d'usage."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

_FR = {
    "usage: ": "usage : ",
    "positional arguments": "arguments",
    "options": "options",
    "optional arguments": "options",
    "show this help message and exit": "affiche cette aide et quitte",
    "show program's version number and exit": "affiche la version et quitte",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "expected one argument": "une valeur est attendue",
    "expected at most one argument": "au plus une valeur est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (choix possibles : %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut désigner %(matches)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
}


def _translate(message: str) -> str:
    return _FR.get(message, message)


argparse._ = _translate  # type: ignore[attr-defined]  # argparse lit « _ » à chaque message


_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


class FrenchHelpFormatter(argparse.HelpFormatter):
    """Les textes d'aide s'écrivent comme ils s'affichent : « 50 % » (argparse exigerait « %% »
    dans l'aide d'un argument et montrerait « %% » dans une description). Seuls ``%(default)s``,
    ``%(prog)s``… sont remplacés ; un « % » isolé reste tel quel."""

    def _expand_help(self, action: argparse.Action) -> str:
        params = dict(vars(action), prog=self._prog)
        if params.get("choices") is not None:
            params["choices"] = ", ".join(str(c) for c in params["choices"])

        def fill(m: re.Match[str]) -> str:
            if m[1] is None:
                return "%"
            value = params.get(m[1], m[0])
            return str(getattr(value, "__name__", value))

        return _PLACEHOLDER.sub(fill, self._get_help_string(action) or "")


class FrenchArgumentParser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")
