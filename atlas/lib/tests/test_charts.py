import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template

from atlas.lib.charts import Datum, Svg, bar_chart, column_chart, heat_map

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script>\x00\u202eevil\'"&'


def parse(svg: str) -> ET.Element:
    """The chart as XML: it must be well-formed (no raw `<`, `&` or NUL)."""
    return ET.fromstring(svg)


def texts(svg: str) -> list[str]:
    return [element.text or "" for element in parse(svg).iter(f"{SVG}text")]


def charts(label: str = "Kamnik", value: float = 6):
    return [
        bar_chart([Datum(label, value)], chart_id="bars", title=label, description=label),
        column_chart([Datum(label, value)], chart_id="cols", title=label, description=label),
        heat_map([label], [label], [[value]], chart_id="map", title=label, description=label),
    ]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_hostile_labels_are_escaped_and_the_chart_stays_well_formed(index):
    svg = charts(HOSTILE)[index]

    root = parse(svg)
    assert "<script" not in svg
    assert "\x00" not in svg
    assert root.find(f"{SVG}title").text.startswith('<script>alert("x")</script>')
    assert not list(root.iter("script"))
    assert not list(root.iter(f"{SVG}script"))


def test_a_hostile_chart_id_cannot_break_out_of_its_attributes():
    svg = bar_chart([Datum("a", 1)], chart_id='x" onload="alert(1)', title="t")

    root = parse(svg)
    assert "onload" not in root.attrib
    assert root.attrib["id"] == "x-onload-alert-1"


@pytest.mark.parametrize("index", [0, 1, 2])
def test_every_chart_is_an_image_labelled_by_its_title_and_description(index):
    root = parse(charts()[index])

    assert root.attrib["role"] == "img"
    title_id, desc_id = root.attrib["aria-labelledby"].split()
    assert root.find(f"{SVG}title").attrib["id"] == title_id
    assert root.find(f"{SVG}desc").attrib["id"] == desc_id


def test_empty_data_says_there_is_no_data_in_words():
    for svg in (
        bar_chart([], chart_id="a", title="Towns", empty_text="Nothing recorded yet"),
        column_chart([], chart_id="b", title="Years", empty_text="Nothing recorded yet"),
        heat_map([], [], [], chart_id="c", title="Pairs", empty_text="Nothing recorded yet"),
    ):
        root = parse(svg)
        assert texts(svg) == ["Nothing recorded yet"]
        assert root.find(f"{SVG}desc").text == "Nothing recorded yet"
        assert not list(root.iter(f"{SVG}g"))


def test_all_zero_values_draw_empty_bars_without_dividing_by_zero():
    data = [Datum("A", 0), Datum("B", 0)]

    bars = bar_chart(data, chart_id="z", title="Zeros")
    columns = column_chart(data, chart_id="z", title="Zeros", max_value=0)
    matrix = heat_map(["A"], ["B"], [[0]], chart_id="z", title="Zeros")

    widths = [rect.attrib["width"] for rect in parse(bars).iter(f"{SVG}rect")]
    assert widths == ["0", "0"]
    heights = [rect.attrib["height"] for rect in parse(columns).iter(f"{SVG}rect")]
    assert heights == ["0", "0"]
    assert "0" in texts(matrix)


def test_not_a_number_and_negative_values_are_drawn_as_nothing():
    svg = bar_chart(
        [Datum("A", float("nan")), Datum("B", -5), Datum("C", 10)], chart_id="n", title="t"
    )

    widths = [float(rect.attrib["width"]) for rect in parse(svg).iter(f"{SVG}rect")]
    assert widths[0] == widths[1] == 0
    assert widths[2] > 0


def test_bars_are_proportional_and_values_are_written_beside_them():
    svg = bar_chart(
        [Datum("Slovenia", 50, "50 %"), Datum("Austria", 25, "25 %")],
        chart_id="share",
        title="Share",
        max_value=100,
    )

    widths = [float(rect.attrib["width"]) for rect in parse(svg).iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.2)
    assert texts(svg) == ["Slovenia", "50 %", "Austria", "25 %"]


def test_the_unknown_column_is_hatched_labelled_and_set_apart_after_the_known_ones():
    svg = column_chart(
        [Datum("Unknown", 30, unknown=True), Datum("1990s", 4), Datum("2000s", 6)],
        chart_id="decades",
        title="Since",
    )

    rects = [r for r in parse(svg).iter(f"{SVG}rect") if "class" in r.attrib]
    assert [r.attrib["class"] for r in rects] == ["chart-bar", "chart-bar", "chart-unknown"]
    assert rects[-1].attrib["fill"] == "url(#decades-hatch)"
    assert 'id="decades-hatch"' in svg
    assert texts(svg)[-2:] == ["30", "Unknown"]
    gap_known = float(rects[1].attrib["x"]) - float(rects[0].attrib["x"])
    gap_unknown = float(rects[2].attrib["x"]) - float(rects[1].attrib["x"])
    assert gap_unknown > gap_known


def test_many_columns_keep_every_value_in_their_tooltips_but_thin_out_labels():
    data = [Datum(str(year), year % 7) for year in range(1950, 2026)]

    svg = column_chart(data, chart_id="years", title="Years")

    tooltips = [t.text for t in parse(svg).iter(f"{SVG}title")][1:]
    assert len(tooltips) == len(data)
    assert "1950" in texts(svg)
    assert len([t for t in texts(svg) if t.isdigit() and len(t) == 4]) < len(data)


def test_the_label_and_value_of_the_last_column_stay_inside_the_chart():
    data = [Datum(str(year), 1311, "1,311") for year in range(2007, 2024)]
    svg = column_chart(
        [*data, Datum("unknown", 8229, "8,229", unknown=True)], chart_id="y", title="Y"
    )

    width = float(parse(svg).attrib["width"])
    # Centred, with about 7 pixels a character, each ends before the right edge.
    for text in ("unknown", "8,229"):
        element = next(t for t in parse(svg).iter(f"{SVG}text") if t.text == text)
        assert float(element.attrib["x"]) + len(text) * 7 / 2 <= width
    # ... and no year's label runs into it (4 pixels apart at least).
    labels = [(float(t.attrib["x"]), t.text or "") for t in parse(svg).iter(f"{SVG}text")]
    below = sorted((x, text) for x, text in labels if text == "unknown" or text.isdigit())
    assert below[-1][1] == "unknown"
    for (x1, a), (x2, b) in itertools.pairwise(below):
        assert x1 + len(a) * 7 / 2 + 4 <= x2 - len(b) * 7 / 2, (a, b)


def test_values_too_wide_for_their_columns_are_written_smaller_or_only_in_the_tooltips():
    def values(count: int) -> list[ET.Element]:
        data = [Datum(str(i), 1311, "1,311") for i in range(count)]
        svg = column_chart([*data, Datum("?", 9, unknown=True)], chart_id="v", title="V")
        return [t for t in parse(svg).iter(f"{SVG}text") if t.text == "1,311"]

    assert values(5) and all("font-size" not in t.attrib for t in values(5))
    # 18 columns in 600 pixels: "1,311" fits only at a smaller size, with a gap.
    assert len(values(17)) == 17 and all(t.attrib["font-size"] == "10" for t in values(17))
    assert values(60) == []


def test_the_heat_map_writes_each_value_in_its_cell_and_names_both_sides_in_the_tooltip():
    svg = heat_map(
        ["Slovenia", "Austria"],
        ["SI", "AT"],
        [[3, 1200], [1200, 40]],
        chart_id="pairs",
        title="Pairs",
        row_titles=["Slovenia", "Austria"],
        column_titles=["Slovenia", "Austria"],
        fmt=lambda value: f"{value:,.0f}",
    )

    assert {"3", "1,200", "40"} <= set(texts(svg))
    assert "Slovenia – Austria: 1,200" in [t.text for t in parse(svg).iter(f"{SVG}title")]
    fills = [r.attrib["fill"] for r in parse(svg).iter(f"{SVG}rect")]
    assert fills[1] == "#1d4e89"  # the largest value gets the full colour
    assert fills[0] != fills[1]


def test_a_ragged_matrix_is_padded_with_zeros():
    svg = heat_map(["A", "B"], ["X", "Y"], [[1]], chart_id="r", title="t")

    assert len(list(parse(svg).iter(f"{SVG}rect"))) == 4


def test_long_labels_are_shortened_but_kept_whole_in_the_tooltip():
    name = "Mestna občina " * 6
    svg = bar_chart([Datum(name, 1)], chart_id="long", title="t")

    assert any(t.endswith("…") for t in texts(svg))
    assert f"{name}: 1" in [t.text for t in parse(svg).iter(f"{SVG}title")]


def test_templates_output_a_chart_as_it_is():
    svg = bar_chart([Datum("<i>Kranj</i>", 1)], chart_id="t", title="t")

    rendered = Template("{{ chart }}").render(Context({"chart": svg}))

    assert isinstance(svg, Svg)
    assert rendered == svg
    assert re.search(r"&lt;i&gt;Kranj&lt;/i&gt;", rendered)
