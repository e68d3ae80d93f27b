"""results.json against its published JSON Schema, checked by jsonschema, independently of the model that made it."""

from __future__ import annotations

import json

import jsonschema
import pytest

from schemas.results import Results, json_schema_text
from tests.conftest import ROOT, SPEC_KEYS

SCHEMA_PATH = ROOT / "schemas" / "results.schema.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_published_schema_is_the_one_the_model_gives():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == json_schema_text(), "run `make schema` and commit the file"


def test_the_schema_requires_every_key_of_spec_6(validator):
    required = set(validator.schema["required"])
    assert set(SPEC_KEYS) <= required
    overall = validator.schema["$defs"]["Overall"]
    assert {"n", "voor", "na", "afname_pct", "wilcoxon", "rank_biserial"} <= set(overall["required"])


def test_every_run_validates(default_run, validator):
    _, r = default_run
    errors = sorted(validator.iter_errors(r), key=lambda e: list(e.path))
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda r: r.pop("reconciliation"), []),
        (lambda r: r["overall"].__setitem__("voor", "1682"), ["overall", "voor"]),
        (lambda r: r["by_sex"]["man"].__setitem__("p_holm", "klein"), ["by_sex", "man", "p_holm"]),
        (lambda r: r["windows"].__setitem__("6 mnd voor", 6.5), ["windows", "6 mnd voor"]),
        (lambda r: r["change_groups"]["veel"].pop("geen_na"), ["change_groups", "veel"]),
        (lambda r: r["effect"]["naive"].__setitem__("onbekend_veld", 1), ["effect", "naive"]),
        (lambda r: r.__setitem__("intern", False), ["intern"]),
    ],
)
def test_a_broken_results_file_fails(default_results, validator, change, where):
    broken = default_results
    change(broken)
    errors = list(validator.iter_errors(broken))
    assert errors and any(list(e.path) == where for e in errors), [(list(e.path), e.message) for e in errors]


def test_the_model_reads_back_what_it_wrote(default_run):
    _, r = default_run
    assert Results.model_validate(r).to_dict() == r
    assert json.dumps(Results.model_validate(r).to_dict()) == json.dumps(r)  # the same keys in the same order


@pytest.mark.parametrize(("version", "shown"), [(None, "1"), (1, "1"), (3, "3")])
def test_a_results_file_of_another_version_is_refused_with_its_version(default_results, tmp_path, version, shown):
    from pipeline.errors import UserError
    from pipeline.io.outputs import read_results

    if version is None:
        default_results.pop("schema_version")
    else:
        default_results["schema_version"] = version
    path = tmp_path / "results.json"
    path.write_text(json.dumps(default_results), encoding="utf-8")
    with pytest.raises(UserError, match=f"schema_version {shown}; deze versie leest 2"):
        read_results(path)


def test_the_schema_names_its_version(validator):
    assert validator.schema["properties"]["schema_version"]["const"] == 2
    assert "schema_version" in validator.schema["required"]
