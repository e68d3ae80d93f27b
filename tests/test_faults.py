"""Faults a user makes that would give a wrong report with exit 0: each stops with exit 2, the likely cause and
no report (issue 15). Each run stops before the render stage, so these tests are fast."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from pipeline import __version__
from pipeline.cli import main
from tests.conftest import CONFIG, ROOT, SYNTHETIC


def _run(tmp_path, *args: str) -> int:
    return main(["--quiet", "run", "--out", str(tmp_path / "out"), *args])


def _write_config(tmp_path, replace: tuple[str, str]) -> str:
    text = CONFIG.read_text(encoding="utf-8")
    assert replace[0] in text
    path = tmp_path / "analysis.yaml"
    path.write_text(text.replace(replace[0], replace[1]), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("given", ["--bvh", "--clients"])
def test_one_input_without_the_other_is_refused(tmp_path, capsys, given):
    path = SYNTHETIC / ("bvh.csv" if given == "--bvh" else "clients.csv")
    assert _run(tmp_path, given, str(path)) == 2
    assert "samen" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_ids_that_do_not_link_are_refused(tmp_path, capsys):
    clients = pd.read_csv(SYNTHETIC / "clients.csv", dtype=str, keep_default_na=False)
    clients["client_id"] = clients["client_id"].str.lower()  # the other file writes them in capitals
    clients.to_csv(tmp_path / "clients.csv", index=False)
    assert _run(tmp_path, "--bvh", str(SYNTHETIC / "bvh.csv"), "--clients", str(tmp_path / "clients.csv")) == 2
    err = capsys.readouterr().err
    assert "Maar 0 van de" in err and "gepseudonimiseerd" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_period_without_compared_clients_is_refused(tmp_path, capsys):
    config = _write_config(tmp_path, ("  tot: 2022-05-31", "  tot: 2020-03-31"))
    assert _run(tmp_path, "--config", config) == 2
    err = capsys.readouterr().err
    assert "Geen enkele cliënt kan vergeleken worden" in err and "periode" in err
    assert "venster na het ICO loopt door na het einde van de exportperiode" in err


def test_a_role_filter_that_leaves_nothing_is_refused(tmp_path, capsys):
    bvh = pd.read_csv(SYNTHETIC / "bvh.csv", dtype=str, keep_default_na=False).drop(columns="rol")
    bvh.to_csv(tmp_path / "bvh.csv", index=False)
    config = _write_config(tmp_path, ("rollen: alle", "rollen: [verdachte]"))
    args = ["--bvh", str(tmp_path / "bvh.csv"), "--clients", str(SYNTHETIC / "clients.csv"), "--config", config]
    assert _run(tmp_path, *args) == 2
    assert "geen kolom 'rol'" in capsys.readouterr().err


def test_the_linking_threshold_is_a_setting(tmp_path, capsys):
    config = _write_config(tmp_path, ("min_gekoppeld_aandeel: 0.5", "min_gekoppeld_aandeel: 1.5"))
    assert _run(tmp_path, "--config", config) == 2
    assert "min_gekoppeld_aandeel" in capsys.readouterr().err


def test_version_and_quiet_after_the_command():
    version = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert version.returncode == 0 and version.stdout.strip() == f"rendementsanalyse {__version__}"
    assert main(["validate", "--quiet", "--processed", "/nonexistent-dir/x", "--bvh", "a.csv"]) == 2


def test_plausible_counts_only_rows_that_could_link(settings):
    from pipeline.errors import UserError
    from pipeline.stages.align import plausible

    clients = pd.DataFrame({"vergeleken": [True], "uitsluiting": [""]})
    status = ["duplicate"] * 10 + ["unknown_client"] * 2 + ["used"] * 3
    rows = pd.DataFrame({"status": status, "rol": [""] * len(status)})
    plausible(rows, clients, settings)  # 3 of 5 link: the duplicates do not count against the export
    rows = pd.DataFrame({"status": ["unknown_client"] * 3 + ["used"] * 2, "rol": [""] * 5})
    with pytest.raises(UserError, match="Maar 2 van de 5"):
        plausible(rows, clients, settings)


def test_a_linked_share_of_exactly_the_minimum_is_enough(settings):
    from pipeline.errors import UserError
    from pipeline.stages.align import plausible

    assert settings.checks.min_linked_share == 0.5
    clients = pd.DataFrame({"vergeleken": [True], "uitsluiting": [""]})
    # 4 of 8 rows link: exactly the minimum share, so the run goes on
    status = ["unknown_client"] * 4 + ["used", "outside_windows", "excluded_followup", "used"]
    plausible(pd.DataFrame({"status": status, "rol": [""] * 8}), clients, settings)
    # one fewer: 3 of 7
    rows = pd.DataFrame({"status": status[:4] + status[5:], "rol": [""] * 7})
    with pytest.raises(UserError, match="Maar 3 van de 7"):
        plausible(rows, clients, settings)


def test_make_refuses_one_input_without_the_other():
    done = subprocess.run(["make", "-n", "report", "CLIENTS=elders.csv"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode != 0 and "BVH en CLIENTS horen bij elkaar" in done.stderr


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        (("  lang_maanden: 6", "  lang_maanden: 100000"), "van 2 tot en met 120"),
        (("  lang_maanden: 6", "  lang_maanden: 1e20"), "van 2 tot en met 120"),
        (("  titel: Rendementsanalyse", "  titel: [Rendementsanalyse"), "while parsing"),
        (("  organisatie: Zorg- en Veiligheidshuis", "  organisatie: {a: 1}"), "moet een tekst zijn"),
    ],
)
def test_settings_out_of_bounds_stop_cleanly(tmp_path, capsys, replace, message):
    assert _run(tmp_path, "--config", _write_config(tmp_path, replace)) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path, capsys):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    config = tmp_path / "bomb.yaml"
    config.write_text(CONFIG.read_text(encoding="utf-8") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert _run(tmp_path, "--config", str(config)) == 2
    assert "verwijzingen (*naam) zijn in dit bestand niet toegestaan" in capsys.readouterr().err


def test_an_infinite_weight_and_a_folder_as_config_are_refused(tmp_path, capsys):
    from tests.conftest import MAPPING

    mapping = tmp_path / "mapping.yaml"
    text = MAPPING.read_text(encoding="utf-8")
    assert "  zwaar: 3" in text
    mapping.write_text(text.replace("  zwaar: 3", "  zwaar: 1.0e+400", 1), encoding="utf-8")
    assert _run(tmp_path, "--mapping", str(mapping)) == 2
    assert "gewichten.zwaar" in capsys.readouterr().err
    assert _run(tmp_path, "--config", str(tmp_path)) == 2
    assert "is een map" in capsys.readouterr().err


def test_a_windows_1252_chapter_is_read(tmp_path):
    from pipeline.report.narrative import load_chapters

    (tmp_path / "inleiding.md").write_bytes("Cliënten en ketenpartners: één aanpak.".encode("cp1252"))
    chapter = load_chapters(tmp_path)["inleiding"]
    assert "Cliënten" in chapter.html and "één" in chapter.html


@pytest.mark.parametrize("where", ["the folder", "its parent"])
def test_a_read_only_output_folder_is_a_clean_stop(tmp_path, capsys, where):
    """A folder made read-only stops the run before any work, also for root, whom permissions do not stop:
    the user said where not to write."""
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder if where == "the folder" else folder / "reports"
    folder.chmod(0o555)
    try:
        assert _run(tmp_path, "--out", str(target)) == 2
        err = capsys.readouterr().err
        assert "alleen-lezen" in err and "Traceback" not in err
        assert list(folder.iterdir()) == []  # nothing written, nothing left
    finally:
        folder.chmod(0o700)


def test_an_os_error_on_the_output_is_a_clean_stop(tmp_path, capsys, monkeypatch):
    """Disk full, read-only, no permission: the machine refused, not a bug (root cannot be refused a folder, so
    the refusal is simulated where the outputs are made)."""
    import errno

    import pipeline.io.outputs as outputs

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out"))

    monkeypatch.setattr(outputs.tempfile, "mkdtemp", full)
    assert _run(tmp_path) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
