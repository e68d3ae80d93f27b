"""The analyst's Markdown is untrusted: no script, no fetch, no local file reaches the report or its PDF."""

from __future__ import annotations

import base64
import socket
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from pipeline.report import narrative
from pipeline.report.document import write_pdf
from pipeline.report.narrative import load_chapters

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

HOSTILE = """# Inleiding

Tekst <script>alert(1)</script> <b onclick="steal()">vet</b> <span style="background:url(https://evil.example/s)">s</span>

[bron](https://www.wodc.nl/rapport?a=1&b=2) [js](javascript:alert(1)) [sleutel](file:///root/pseudoniem.key)
[ernaast](geheim.csv) [terug](#kerncijfers)

<iframe src="https://evil.example/frame"></iframe>
<form action="https://evil.example/post"><input name="x"></form>
<object data="https://evil.example/o"></object>
<img src="https://evil.example/pixel.png" alt="op afstand">
<img src="file:///etc/hostname" alt="lokaal">
![eigen](figuur.png) ![buiten](../buiten.png) ![geen](geheim.csv)
<a rel="attachment" href="file:///root/pseudoniem.key">bijlage</a>
<svg onload="alert(1)"><image href="https://evil.example/svg"/></svg>
<style>@import url(https://evil.example/x.css);</style>
<!-- <img src="https://evil.example/comment"> -->

| a | b |
| --- | --- |
| 1 | 2 |
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    own = tmp_path / "teksten"
    own.mkdir()
    (own / "inleiding.md").write_text(HOSTILE, encoding="utf-8")
    (own / "figuur.png").write_bytes(PNG)
    (own / "geheim.csv").write_text("client_id\nK1\n", encoding="utf-8")
    (tmp_path / "buiten.png").write_bytes(PNG)
    return own


def test_only_allowed_html_is_left(folder):
    chapter = load_chapters(folder)["inleiding"]
    html = str(chapter.html).lower()
    for banned in ("<script", "onclick", "onload", "<iframe", "<form", "<input", "<object", "<style", "<svg"):
        assert banned not in html, banned
    for banned in ("javascript:", "file:", "evil.example", "geheim.csv", "style=", "rel="):
        assert banned not in html, banned
    assert "<b>vet</b>" in html and "<table>" in html and "<td>1</td>" in html


def test_links_to_elsewhere_become_readable_text(folder):
    html = str(load_chapters(folder)["inleiding"].html)
    assert "bron (https://www.wodc.nl/rapport?a=1&amp;b=2)" in html
    assert 'href="https' not in html
    assert '<a href="#kerncijfers">terug</a>' in html  # a link within the report stays a link


def test_pictures_only_from_the_folder_and_embedded(folder):
    chapter = load_chapters(folder)["inleiding"]
    html = str(chapter.html)
    assert html.count("data:image/png;base64,") == 1  # figuur.png, not ../buiten.png
    assert "buiten.png" not in html.replace('alt="buiten"', "")
    told = " ".join(chapter.left_out)
    assert "pixel.png" in told and "../buiten.png" in told and "geheim.csv" in told


def test_a_link_that_leaves_the_folder_is_refused(tmp_path):
    own = tmp_path / "teksten"
    own.mkdir()
    (tmp_path / "secret.png").write_bytes(PNG)
    (own / "plaatje.png").symlink_to(tmp_path / "secret.png")
    (own / "inleiding.md").write_text("![x](plaatje.png)\n", encoding="utf-8")
    chapter = load_chapters(own)["inleiding"]
    assert "data:" not in str(chapter.html) and chapter.left_out


def test_too_large_a_picture_is_left_out(folder, monkeypatch):
    monkeypatch.setattr(narrative, "MAX_IMAGE_BYTES", 10)
    chapter = load_chapters(folder)["inleiding"]
    assert "data:image" not in str(chapter.html) and any("groter dan" in x for x in chapter.left_out)


def test_windows_1252_text_is_read(tmp_path):
    (tmp_path / "conclusies.md").write_bytes("Cliënten zijn tevreden – €5".encode("cp1252"))
    assert "Cliënten zijn tevreden – €5" in str(load_chapters(tmp_path)["conclusies"].html)


def test_the_pdf_fetches_nothing_and_embeds_no_local_file(tmp_path, monkeypatch):
    """HTML that tries everything WeasyPrint would otherwise load: remote images, stylesheets, fonts and an
    attachment of a local file. Nothing may be fetched; the PDF is still made, without them."""
    secret = tmp_path / "pseudoniem.key"
    secret.write_text("0123456789abcdef", encoding="utf-8")
    connections = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, addr: connections.append(addr))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: connections.append(a) or [])
    html = f"""<html><head>
    <link rel="stylesheet" href="https://evil.example/a.css">
    <link rel="attachment" href="{secret.as_uri()}">
    <style>@import url("http://evil.example/b.css");
    @font-face {{ font-family: X; src: url("https://evil.example/f.woff"); }}
    body {{ background: url("{secret.as_uri()}"); font-family: X; }}</style></head>
    <body><p>Hallo</p><img src="https://evil.example/p.png"><img src="{secret.as_uri()}">
    <a rel="attachment" href="{secret.as_uri()}">sleutel</a></body></html>"""
    refused: list[str] = []
    results = SimpleNamespace(settings=SimpleNamespace(periode=SimpleNamespace(tot="2022-12-31")))
    write_pdf(html, tmp_path / "r.pdf", results, refused)
    assert connections == []
    assert any("evil.example/p.png" in u for u in refused) and any(secret.name in u for u in refused)
    reader = PdfReader(tmp_path / "r.pdf")
    assert reader.attachments == {}
    annotations = [a.get_object().get("/Subtype") for page in reader.pages for a in page.get("/Annots") or []]
    assert "/FileAttachment" not in annotations  # what WeasyPrint makes of rel=attachment when it may read the file
    assert b"/EmbeddedFile" not in (tmp_path / "r.pdf").read_bytes()
    assert "Hallo" in reader.pages[0].extract_text()


def test_a_report_with_hostile_chapters_is_clean_and_says_what_it_left_out(default_run, folder, tmp_path):
    from tests.conftest import run_cli

    out = tmp_path / "out"
    results = default_run[0] / "intern" / "results.json"
    done = run_cli("render", "--results", str(results), "--out", str(out), "--narrative", str(folder))
    assert done.returncode == 0, done.stderr
    assert "pixel.png" in done.stderr and "niet opgenomen" in done.stderr
    html = (out / "rendementsanalyse.html").read_text(encoding="utf-8").lower()
    for banned in ("<script", "javascript:", "file:", "evil.example", "<iframe", "onclick", 'href="http', 'src="http'):
        assert banned not in html, banned
    reader = PdfReader(out / "rendementsanalyse.pdf")
    assert reader.attachments == {}
    assert "Tekst vet" in " ".join(page.extract_text() for page in reader.pages[:10]).replace("\n", " ")
