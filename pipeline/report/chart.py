"""What every figure shares: the palette, the style, the Chart record and deterministic saving."""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.figure import Figure

from pipeline.paths import TEMPLATES

FONT_DIR = TEMPLATES / "fonts"
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
HATCHES = ("", "///", "...", "xx", "\\\\", "++")
PERIOD_COLOURS = {"voor": PALETTE[0], "tijdens": PALETTE[1], "na": PALETTE[2]}


@dataclass(frozen=True)
class Chart:
    id: str
    caption: str
    alt: str
    svg: bytes
    png: bytes


def style() -> None:
    for font in sorted(FONT_DIR.glob("*.ttf")):
        font_manager.fontManager.addfont(str(font))
    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titleweight": "bold",
            "axes.titlesize": 11,
            "axes.titlelocation": "left",
            "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
            "hatch.linewidth": 0.6,
            "svg.hashsalt": "rendementsanalyse",
            "svg.fonttype": "path",
            "figure.dpi": 100,
        }
    )


def save(fig: Figure) -> tuple[bytes, bytes]:
    svg, png = io.BytesIO(), io.BytesIO()
    fig.savefig(svg, format="svg", metadata={"Date": None}, bbox_inches="tight")
    fig.savefig(png, format="png", dpi=150, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    return svg.getvalue(), png.getvalue()
