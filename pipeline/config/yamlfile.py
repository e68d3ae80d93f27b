"""Safe YAML loading for files that people edit: duplicate keys and syntax errors name the file and line."""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import UserError

MAX_BYTES = 5_000_000  # the IMK mapping is about 50 kB; a settings file far less


MAX_DEPTH = 50  # nesting of lists and sections: these files need four or five levels


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice (PyYAML silently keeps the last one), aliases (*name): nobody
    needs them in these files, and nested aliases make a few lines expand to gigabytes, and nesting deeper than
    any settings file needs. A value that cannot be read (a tag with the wrong content, an impossible date, a
    number of thousands of digits, a list as a key) names its line like a syntax error."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                "verwijzingen (*naam) zijn in dit bestand niet toegestaan; schrijf de waarde uit",
                event.start_mark,
            )
        if self.depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"meer dan {MAX_DEPTH} niveaus diep genest", self.peek_event().start_mark
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            shown = repr(str(node.value)[:60]) if isinstance(node, yaml.ScalarNode) else "deze waarde"
            problem = (
                f"{shown} is geen bestaande datum"
                if node.tag == "tag:yaml.org,2002:timestamp"
                else f"{shown} is niet te lezen als {_KIND.get(node.tag, 'waarde')}"
            )
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None


_KIND = {
    "tag:yaml.org,2002:int": "geheel getal",
    "tag:yaml.org,2002:float": "getal",
    "tag:yaml.org,2002:bool": "true of false",
    "tag:yaml.org,2002:timestamp": "bestaande datum",
}


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "een sleutel moet een naam zijn, geen lijst of onderdeel", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"sleutel {key!r} komt twee keer voor (eerst op regel {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> Any:
    """Load a YAML file, turning every problem into a UserError that names the file and line."""
    try:
        if Path(path).stat().st_size > MAX_BYTES:
            raise UserError(
                f"{path}: groter dan {MAX_BYTES // 1_000_000} MB; dit is geen instellingen- of indelingsbestand"
            )
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: bestand niet gevonden") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is een map, geen YAML-bestand") from None
    except PermissionError:
        raise UserError(f"{path}: niet te lezen (geen leesrechten)") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: geen UTF-8-tekst ({exc.reason} bij byte {exc.start}); sla het op als UTF-8") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", regel {mark.line + 1}, kolom {mark.column + 1}" if mark else ""
        problem = _dutch(exc.problem or exc.context or "ongeldige YAML")
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            problem += f" ({exc.context}, begonnen op regel {exc.context_mark.line + 1})"
        raise UserError(f"{path}{line}: {problem}") from None
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: ongeldige YAML ({exc})") from None
    except RecursionError:
        raise UserError(f"{path}: te diep genest; dit is geen instellingen- of indelingsbestand") from None


# PyYAML's words for the problems people meet, in Dutch (the line and column are added by the caller)
_PROBLEMS = (
    ("found character '\\t' that cannot start any token", "een tab kan hier niet staan; spring in met spaties"),
    ("could not determine a constructor for the tag 'tag:yaml.org,2002:merge'", "samenvoegen met << kan niet"),
    ("could not determine a constructor for the tag", "onbekende YAML-tag"),
    ("but found another document", "het bestand mag maar één document bevatten"),
    ("unacceptable character", "ongeldig teken in het bestand"),
    ("could not find expected ':'", "hier ontbreekt een ':' na de sleutel"),
    ("mapping values are not allowed here", "een ':' kan hier niet staan (zet de waarde tussen aanhalingstekens)"),
    ("found duplicate anchor", "een anker (&naam) komt twee keer voor"),
)


def _dutch(problem: str) -> str:
    for english, dutch in _PROBLEMS:
        if english in problem:
            return f"{dutch} ({problem})"
    return problem


def reject_unknown_keys(path: Path, where: str, given: dict, allowed: set[str]) -> None:
    unknown = sorted(set(given) - allowed, key=str)
    if unknown:
        raise UserError(
            f"{path}: onbekende sleutel {unknown[0]!r} in {where} (toegestaan: {', '.join(sorted(allowed))})"
        )
