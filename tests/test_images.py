"""Images on the asset page: copied where the instance's webserver serves them, linked by a short markdown."""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path
from xml.etree import ElementTree

import dagster as dg
import polars as pl

from assets.images import FOLDER, KEEP, image_metadata, served_image
from capex_pipeline import charts


def _png(path: Path, shade: int) -> Path:
    """A real 1x1 PNG of the given grey shade (distinct shades give distinct contents)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"\x00" + bytes([shade])
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def _instance(tmp_path: Path) -> dg.DagsterInstance:
    """A persistent instance like $DAGSTER_HOME's: its compute logs are local files."""
    (tmp_path / "home").mkdir()
    return dg.DagsterInstance.local_temp(str(tmp_path / "home"))


def test_served_where_the_webserver_reads(tmp_path: Path) -> None:
    png = _png(tmp_path / "chart.png", 7)
    with _instance(tmp_path) as instance:
        url = served_image(instance, png, "capex_consensus")
        assert url is not None and url.startswith(f"/logs/{FOLDER}/capex_consensus-") and url.endswith("/png")
        # the webserver maps /logs/<key...>/<extension> through the same method of the instance's log manager
        *key, extension = url.removeprefix("/logs/").split("/")
        served = Path(instance.compute_log_manager.get_captured_local_path(key, extension))
        assert served.read_bytes() == png.read_bytes()
        metadata = image_metadata(instance, png, "capex_consensus", "reported USD ranges")
        assert metadata["chart"].value == f"![reported USD ranges]({url})"
        assert len(metadata["chart"].value) < 1000  # the UI draws markdown in place only below 1,000 characters
        assert metadata["chart_file"].value == str(png)


def test_older_charts_pruned(tmp_path: Path) -> None:
    with _instance(tmp_path) as instance:
        urls = [served_image(instance, _png(tmp_path / f"{i}.png", i), "capex_consensus") for i in range(KEEP + 3)]
        assert len(set(urls)) == KEEP + 3  # a new chart, a new URL: no stale image from the browser's cache
        folder = Path(instance.compute_log_manager.get_captured_local_path([FOLDER, "x"], "png")).parent
        kept = list(folder.glob("capex_consensus-*.png"))
        assert len(kept) == KEEP and folder / f"{urls[-1].split('/')[-2]}.png" in kept  # the newest stays


def test_without_served_logs_the_image_is_inline(tmp_path: Path) -> None:
    png = _png(tmp_path / "chart.png", 9)
    instance = dg.DagsterInstance.ephemeral()  # no local log folder: nothing serves files
    assert served_image(instance, png, "capex_consensus") is None
    chart = image_metadata(instance, png, "capex_consensus", "alt")["chart"].value
    assert chart.startswith("![alt](data:image/png;base64,")


def test_the_consensus_chart_is_an_svg_of_its_rows(tmp_path: Path) -> None:
    rows = pl.DataFrame({"company": ["Meta", "Alphabet", "A&B <Co>"], "year": [2025, 2025, None],
                         "metric": ["capex", "capex", "capex"], "usd_low": [6.0e10, 7.5e10, 1.0e9],
                         "usd_median": [6.5e10, 7.5e10, 1.0e9], "usd_high": [7.2e10, 8.5e10, None],
                         "figures": [4, 2, 1], "sources": [3, 2, 1]})
    path = charts.consensus_chart(rows, tmp_path / "charts" / "capex_consensus.svg")
    svg = ElementTree.fromstring(path.read_bytes())  # well-formed XML: names are escaped
    assert svg.tag.endswith("svg") and int(svg.get("width")) >= 600 and int(svg.get("height")) >= 150
    texts = ["".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "Meta 2025 capex" in texts and "4 fig., 3 src" in texts and "2 fig., 2 src" in texts
    assert not any("A&B" in t for t in texts)  # no USD range: not charted
    assert {"0", "20", "40", "60", "80", "100"} <= set(texts)  # round ticks in billions, from 0 past the highest
    # each bar spans its low to high figure on that axis
    ticks = {t.text: float(t.get("x")) for t in svg.iter("{http://www.w3.org/2000/svg}text") if t.text in ("0", "100")}
    bars = [line for line in svg.iter("{http://www.w3.org/2000/svg}line") if line.get("stroke-width") == "10"]
    per_billion = (ticks["100"] - ticks["0"]) / 100
    assert [round((float(b.get("x1")) - ticks["0"]) / per_billion) for b in bars] == [75, 60]  # Alphabet, Meta
    assert [round((float(b.get("x2")) - ticks["0"]) / per_billion) for b in bars] == [85, 72]
    assert charts.consensus_chart(rows, tmp_path / "again.svg").read_bytes() == path.read_bytes()
    assert charts.markdown_image(path, "alt").startswith("![alt](data:image/svg+xml;base64,")


def _consensus(values: list[tuple[str, float, float, float]]) -> pl.DataFrame:
    return pl.DataFrame({"company": [v[0] for v in values], "year": [2025] * len(values),
                         "metric": ["capex"] * len(values), "usd_low": [v[1] for v in values],
                         "usd_median": [v[2] for v in values], "usd_high": [v[3] for v in values],
                         "figures": [1] * len(values), "sources": [1] * len(values)})


def _drawn(svg: ElementTree.Element) -> tuple[list[str], list[float]]:
    """The chart's texts, and every x coordinate and width it draws."""
    ns = "{http://www.w3.org/2000/svg}"
    texts = ["".join(t.itertext()) for t in svg.iter(f"{ns}text")]
    xs = [float(e.get(a)) for e in svg.iter() for a in ("x", "x1", "x2", "cx", "width") if e.get(a) is not None]
    return texts, xs


def test_the_consensus_chart_draws_fractions_of_a_cent_and_leaves_out_what_is_not_a_number(tmp_path: Path) -> None:
    rows = _consensus([("Tinyco", 1e-4, 1e-4, 1e-4), ("Zeroco", 0.0, 0.0, 0.0),
                       ("Nanco", float("nan"), float("nan"), float("nan")), ("Infco", 1e9, 1e9, float("inf"))])
    svg = ElementTree.fromstring(charts.consensus_chart(rows, tmp_path / "odd.svg").read_bytes())
    texts, xs = _drawn(svg)
    assert "Tinyco 2025 capex" in texts and "Zeroco 2025 capex" in texts
    assert not any(t.startswith(("Nanco", "Infco")) for t in texts)
    assert all(math.isfinite(x) and 0 <= x <= charts.WIDTH for x in xs)
    small = _consensus([("Tinyco", 1e-4, 2e-4, 3e-4)])  # a range of a few hundredths of a cent still spans the axis
    texts, xs = _drawn(ElementTree.fromstring(charts.consensus_svg(small)))
    assert len(set(texts)) > 4 and all(math.isfinite(x) and 0 <= x <= charts.WIDTH for x in xs)



def test_a_long_name_leaves_the_chart_room_for_its_bars() -> None:
    for name in ("Orvane Quillnet Brightmoor " * 12, "長い会社名" * 30):
        rows = _consensus([(name, 1e9, 2e9, 3e9), ("Halvig", 1e9, 1e9, 1e9)])
        svg = ElementTree.fromstring(charts.consensus_svg(rows))
        texts, xs = _drawn(svg)
        assert all(0 <= x <= charts.WIDTH for x in xs)
        frame = next(r for r in svg.iter("{http://www.w3.org/2000/svg}rect") if r.get("fill") == "none")
        assert float(frame.get("width")) > charts.WIDTH / 3  # the plot keeps at least a third of the width
        assert any(t.startswith(name[:10]) for t in texts)  # the name's start is shown
