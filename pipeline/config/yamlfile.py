"""Safe YAML loading for files that people edit: duplicate keys and syntax errors name the file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import UserError

MAX_BYTES = 5_000_000  # the IMK mapping is about 50 kB; a settings file far less


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice (PyYAML silently keeps the last one) and aliases (*name):
    nobody needs them in these files, and nested aliases make a few lines expand to gigabytes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                "verwijzingen (*naam) zijn in dit bestand niet toegestaan; schrijf de waarde uit",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"sleutel {key!r} komt twee keer voor (eerst op regel {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


def _construct_timestamp(loader: _StrictLoader, node: yaml.ScalarNode) -> Any:
    """A date that looks like one but does not exist (2019-13-01, 2019-02-30) names its line, like a syntax error."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is geen bestaande datum", node.start_mark
        ) from None


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


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
        problem = exc.problem or exc.context or "ongeldige YAML"
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            problem += f" ({exc.context}, begonnen op regel {exc.context_mark.line + 1})"
        raise UserError(f"{path}{line}: {problem}") from None
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: ongeldige YAML ({exc})") from None


def reject_unknown_keys(path: Path, where: str, given: dict, allowed: set[str]) -> None:
    unknown = sorted(set(given) - allowed, key=str)
    if unknown:
        raise UserError(
            f"{path}: onbekende sleutel {unknown[0]!r} in {where} (toegestaan: {', '.join(sorted(allowed))})"
        )
