"""Small charts drawn on the server as SVG: horizontal bars, columns (with an "unknown"
column set apart) and a heat map of a matrix.

Each chart is one `<svg role="img">` whose `<title>` and `<desc>` name and summarise it
(`aria-labelledby` points at both), and every value is written as text beside its bar or in
its cell, so that the chart reads the same in black and white, on paper and to a screen
reader; the page shows the full data table beside it. The "unknown" column is hatched and
labelled, never told apart by colour alone. Colours are presentation attributes, which a
stylesheet may override (for print, say).

Labels and titles are escaped here: a chart is safe to put in a page as it is. The result
is an `Svg`, a `str` that Django templates output without escaping it again. Values are
numbers; how they are written (thousands separators, per cent) is the caller's choice, as
`Datum.text` or the heat map's `fmt`, so the charts follow the page's language.

>>> svg = bar_chart([Datum("Kamnik", 6), Datum("<b>Kranj</b>", 3)], chart_id="towns",
...                 title="Partners per town")
>>> svg.startswith('<svg') and 'role="img"' in svg and "&lt;b&gt;Kranj&lt;/b&gt;" in svg
True
"""

import html
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

INK = "#1b2430"
MUTED = "#5b6675"
LINE = "#d8dee7"
BAR = "#1d4e89"
PAPER = "#ffffff"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif'
WIDTH = 600
# Average width of a character at the charts' font size, to leave room for labels without
# measuring text (which only a browser can do).
CHAR_WIDTH = 7.0
BOLD_CHAR_WIDTH = 7.4
LABEL_CHARS = 32  # longer labels are cut with "…"; the full label is in the bar's <title>

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_ID = re.compile(r"[^a-z0-9-]+")


class Svg(str):
    """SVG markup that is already escaped: Django templates output it as it is."""

    def __html__(self) -> str:
        return self


@dataclass(frozen=True)
class Datum:
    """One bar or column: its label, its value, and optionally the value as written
    ("12.5 %"), a longer title for the tooltip, and whether it stands for "unknown"."""

    label: str
    value: float
    text: str | None = None
    title: str | None = None
    unknown: bool = False

    @property
    def shown(self) -> str:
        return self.text if self.text is not None else number(self.value)


def number(value: float) -> str:
    """A value as plain text: whole numbers without decimals, others with one.

    >>> number(3), number(2.0), number(0.25), number(float("nan"))
    ('3', '2', '0.2', '0')
    """
    value = _finite(value)
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def escape(text: object) -> str:
    """Text for SVG: control characters (which XML forbids) removed, markup escaped.

    >>> escape('<script>alert("x")</script>\\x00')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    return html.escape(_CONTROL.sub("", str(text)), quote=True)


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    """`text` cut to `limit` characters with an ellipsis.

    >>> shorten("Garmisch-Partenkirchen", 10)
    'Garmisch-…'
    >>> shorten("Kamnik", 10)
    'Kamnik'
    """
    text = _CONTROL.sub("", text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(
    data: Sequence[Datum],
    *,
    chart_id: str,
    title: str,
    description: str = "",
    empty_text: str = "No data",
    max_value: float | None = None,
    width: int = WIDTH,
) -> Svg:
    """Horizontal bars, one row per datum in the order given, each with its label on the
    left and its value written after the bar. `max_value` fixes the scale (100 for shares
    in per cent); by default the longest bar fills the width.

    >>> svg = bar_chart([Datum("Slovenia", 42.5, "42.5 %")], chart_id="share",
    ...                 title="Share", description="One country", max_value=100)
    >>> 'aria-labelledby="share-title share-desc"' in svg and ">42.5 %</text>" in svg
    True
    >>> "No data" in bar_chart([], chart_id="x", title="Nothing")
    True
    """
    chart_id = _id(chart_id)
    if not data:
        return _empty(chart_id, title, description, empty_text, width)
    row_height, bar_height, pad = 24, 16, 6
    labels = [shorten(d.label) for d in data]
    label_width = 20 + CHAR_WIDTH * max(len(label) for label in labels)
    value_width = 12 + CHAR_WIDTH * max(len(d.shown) for d in data)
    plot_width = max(width - label_width - value_width, 40)
    scale = _scale(data, max_value)
    height = 2 * pad + row_height * len(data)
    parts = [_open(chart_id, width, height, title, description)]
    if any(d.unknown for d in data):
        parts.append(_hatch(chart_id))
    for i, (datum, label) in enumerate(zip(data, labels, strict=True)):
        y = pad + i * row_height
        middle = y + row_height / 2
        bar = plot_width * scale(datum.value)
        parts.append(
            f"<g><title>{escape(datum.title or datum.label)}: {escape(datum.shown)}</title>"
            f'<text x="{_f(label_width - 8)}" y="{_f(middle)}" dy="0.35em" '
            f'text-anchor="end" fill="{INK}">{escape(label)}</text>'
            f'<rect x="{_f(label_width)}" y="{_f(middle - bar_height / 2)}" '
            f'width="{_f(bar)}" height="{bar_height}" {_fill(chart_id, datum)}/>'
            f'<text x="{_f(label_width + bar + 6)}" y="{_f(middle)}" dy="0.35em" '
            f'fill="{INK}">{escape(datum.shown)}</text></g>'
        )
    parts.append(
        f'<line x1="{_f(label_width)}" y1="{pad}" x2="{_f(label_width)}" '
        f'y2="{height - pad}" stroke="{MUTED}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return Svg("".join(parts))


def column_chart(
    data: Sequence[Datum],
    *,
    chart_id: str,
    title: str,
    description: str = "",
    empty_text: str = "No data",
    max_value: float | None = None,
    width: int = WIDTH,
    height: int = 260,
) -> Svg:
    """Vertical columns in the order given (decades, years), labelled below, each value
    written above its column. A datum marked `unknown` is drawn hatched, apart from the
    others after a gap, so the share of what is not known is seen next to what is.
    Labels that would overlap are thinned out (the tooltip and the table keep them all).

    >>> svg = column_chart([Datum("1990s", 4), Datum("Unknown", 9, unknown=True)],
    ...                    chart_id="decades", title="Since when")
    >>> svg.count("<rect") == 3 and 'fill="url(#decades-hatch)"' in svg
    True
    """
    chart_id = _id(chart_id)
    if not data:
        return _empty(chart_id, title, description, empty_text, width)
    top, bottom, left, right = 22, 30, 8, 8
    known = [d for d in data if not d.unknown]
    unknown = [d for d in data if d.unknown]
    ordered = known + unknown
    slots = len(ordered) + (0.6 if known and unknown else 0)
    slot = (width - left - right) / slots
    bar_width = slot * 0.72
    plot_height = height - top - bottom
    baseline = top + plot_height
    scale = _scale(data, max_value)
    label_every = max(1, math.ceil(max(len(shorten(d.label, 16)) for d in ordered) * 6.2 / slot))
    # Values are written above their columns where they fit with a gap between them, else
    # smaller, else not at all (the tooltips and the table have them); the unknown always.
    value_chars = max(len(d.shown) for d in ordered)
    value_size = next((size for size in (12, 10) if value_chars * 0.52 * size + 4 <= slot), None)
    size_attribute = f' font-size="{value_size}"' if value_size and value_size != 12 else ""

    def middle_of(i: int, datum: Datum) -> float:
        return left + slot * (i + (0.6 if datum.unknown and known else 0)) + slot / 2

    # The first unknown label always shows; a known label that would run into it does not.
    labels_end: float = width - right
    if unknown:
        label = shorten(unknown[0].label, 16)
        at = _within(middle_of(len(known), unknown[0]), label, left, width - right)
        labels_end = at - len(label) * CHAR_WIDTH / 2 - 4
    parts = [_open(chart_id, width, height, title, description)]
    if unknown:
        parts.append(_hatch(chart_id))
    for i, datum in enumerate(ordered):
        middle = middle_of(i, datum)
        bar = plot_height * scale(datum.value)
        parts.append(
            f"<g><title>{escape(datum.title or datum.label)}: {escape(datum.shown)}</title>"
            f'<rect x="{_f(middle - bar_width / 2)}" y="{_f(baseline - bar)}" '
            f'width="{_f(bar_width)}" height="{_f(bar)}" {_fill(chart_id, datum)}/>'
        )
        if value_size or datum.unknown:
            at = _within(middle, datum.shown, left, width - right)
            parts.append(
                f'<text x="{_f(at)}" y="{_f(baseline - bar - 5)}" text-anchor="middle" '
                f'fill="{INK}"{size_attribute}>{escape(datum.shown)}</text>'
            )
        label = shorten(datum.label, 16)
        at = _within(middle, label, left, width - right)
        if datum.unknown or (
            i % label_every == 0 and at + len(label) * CHAR_WIDTH / 2 <= labels_end
        ):
            parts.append(
                f'<text x="{_f(at)}" y="{baseline + 17}" text-anchor="middle" '
                f'fill="{INK}">{escape(label)}</text>'
            )
        parts.append("</g>")
    parts.append(
        f'<line x1="{left}" y1="{_f(baseline)}" x2="{width - right}" y2="{_f(baseline)}" '
        f'stroke="{MUTED}" stroke-width="1"/></svg>'
    )
    return Svg("".join(parts))


def heat_map(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    chart_id: str,
    title: str,
    description: str = "",
    empty_text: str = "No data",
    row_titles: Sequence[str] | None = None,
    column_titles: Sequence[str] | None = None,
    fmt: Callable[[float], str] = number,
) -> Svg:
    """A matrix as a grid of cells, `values[r][c]` for row `r` and column `c`, each cell
    shaded by its value (on a logarithmic scale, as counts between countries span orders
    of magnitude) and with its value written in it. Columns are labelled with short labels
    (codes); `row_titles` and `column_titles` give the full names for the tooltips.

    >>> svg = heat_map(["Slovenia", "Austria"], ["SI", "AT"], [[2, 30], [30, 5]],
    ...                chart_id="pairs", title="Partnerships between countries")
    >>> svg.count("<rect") == 4 and ">30</text>" in svg
    True
    >>> "No data" in heat_map([], [], [], chart_id="m", title="Empty")
    True
    """
    chart_id = _id(chart_id)
    width_hint = WIDTH
    if not rows or not columns:
        return _empty(chart_id, title, description, empty_text, width_hint)
    row_titles = list(row_titles or rows)
    column_titles = list(column_titles or columns)
    grid = [[_finite(v) for v in list(row)[: len(columns)]] for row in values[: len(rows)]]
    grid += [[] for _ in range(len(rows) - len(grid))]
    grid = [row + [0.0] * (len(columns) - len(row)) for row in grid]
    texts = [[fmt(v) for v in row] for row in grid]
    row_labels = [shorten(label, 24) for label in rows]
    column_labels = [shorten(label, 6) for label in columns]
    longest = max(len(t) for row in texts for t in row)
    cell_width = max(36, 12 + BOLD_CHAR_WIDTH * max(longest, *(len(c) for c in column_labels)))
    cell_height = 24
    label_width = 12 + BOLD_CHAR_WIDTH * max(len(label) for label in row_labels)
    header = 26
    width = math.ceil(label_width + cell_width * len(columns) + 4)
    height = math.ceil(header + cell_height * len(rows) + 4)
    top = max((v for row in grid for v in row), default=0.0)
    parts = [_open(chart_id, width, height, title, description)]
    for c, label in enumerate(column_labels):
        x = label_width + cell_width * (c + 0.5)
        parts.append(
            f"<g><title>{escape(column_titles[c])}</title>"
            f'<text x="{_f(x)}" y="{header - 8}" text-anchor="middle" fill="{INK}" '
            f'font-weight="600">{escape(label)}</text></g>'
        )
    for r, label in enumerate(row_labels):
        y = header + cell_height * r
        parts.append(
            f"<g><title>{escape(row_titles[r])}</title>"
            f'<text x="{_f(label_width - 8)}" y="{_f(y + cell_height / 2)}" dy="0.35em" '
            f'text-anchor="end" fill="{INK}" font-weight="600">{escape(label)}</text></g>'
        )
        for c, value in enumerate(grid[r]):
            x = label_width + cell_width * c
            shade = math.log1p(value) / math.log1p(top) if top > 0 else 0.0
            ink = PAPER if shade > 0.6 else (INK if value else MUTED)
            parts.append(
                f"<g><title>{escape(row_titles[r])} – {escape(column_titles[c])}: "
                f"{escape(texts[r][c])}</title>"
                f'<rect x="{_f(x)}" y="{y}" width="{_f(cell_width)}" height="{cell_height}" '
                f'fill="{_mix(shade)}" stroke="{LINE}" stroke-width="1"/>'
                f'<text x="{_f(x + cell_width / 2)}" y="{_f(y + cell_height / 2)}" dy="0.35em" '
                f'text-anchor="middle" fill="{ink}">{escape(texts[r][c])}</text></g>'
            )
    parts.append("</svg>")
    return Svg("".join(parts))


def _within(middle: float, text: str, low: float, high: float) -> float:
    """Where to centre `text` under or over a column at `middle` so that it stays between
    `low` and `high`: the label of the last column would otherwise run off the picture.

    >>> _within(590, "unknown", 0, 600), _within(300, "unknown", 0, 600)
    (575.5, 300)
    """
    half = len(text) * CHAR_WIDTH / 2
    return min(max(middle, low + half), high - half)


def _open(chart_id: str, width: float, height: float, title: str, description: str) -> str:
    width, height = math.ceil(width), math.ceil(height)
    desc = f'<desc id="{chart_id}-desc">{escape(description)}</desc>' if description else ""
    labelled_by = f"{chart_id}-title {chart_id}-desc" if description else f"{chart_id}-title"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" role="img" '
        f'aria-labelledby="{labelled_by}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" font-family="{escape(FONT)}" font-size="12">'
        f'<title id="{chart_id}-title">{escape(title)}</title>{desc}'
    )


def _empty(chart_id: str, title: str, description: str, empty_text: str, width: int) -> Svg:
    """A chart with nothing to draw says so, in words, in the picture and to screen
    readers (its description is the message)."""
    height = 60
    return Svg(
        _open(chart_id, width, height, title, description or empty_text)
        + f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="{PAPER}" '
        f'stroke="{LINE}" stroke-dasharray="4 3"/>'
        f'<text class="chart-empty" x="{width / 2}" y="{height / 2}" dy="0.35em" '
        f'text-anchor="middle" fill="{MUTED}" font-style="italic">{escape(empty_text)}</text>'
        "</svg>"
    )


def _hatch(chart_id: str) -> str:
    return (
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" '
        f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{PAPER}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{MUTED}" stroke-width="3"/>'
        f"</pattern></defs>"
    )


def _fill(chart_id: str, datum: Datum) -> str:
    if datum.unknown:
        return f'class="chart-unknown" fill="url(#{chart_id}-hatch)" stroke="{MUTED}"'
    return f'class="chart-bar" fill="{BAR}"'


def _scale(data: Sequence[Datum], max_value: float | None) -> Callable[[float], float]:
    """value -> 0..1 of the plot; all zeros (or an empty maximum) draw nothing, never
    divide by zero."""
    top = max_value if max_value is not None else max(_finite(d.value) for d in data)
    top = _finite(top)
    if top <= 0:
        return lambda value: 0.0
    return lambda value: min(max(_finite(value), 0.0) / top, 1.0)


def _mix(shade: float) -> str:
    """White to the bar colour, `shade` of the way."""
    shade = min(max(shade, 0.0), 1.0)
    white, bar = (255, 255, 255), tuple(int(BAR[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(
        f"{round(w + (b - w) * shade):02x}" for w, b in zip(white, bar, strict=True)
    )


def _finite(value: float | None) -> float:
    if value is None:
        return 0.0
    value = float(value)
    return value if math.isfinite(value) else 0.0


def _id(raw: str) -> str:
    """An id safe in an attribute and in `url(#…)`."""
    return _NOT_ID.sub("-", raw.lower()).strip("-") or "chart"


def _f(value: float) -> str:
    """Coordinates with at most one decimal."""
    return f"{value + 0.0:.1f}".rstrip("0").rstrip(".")
