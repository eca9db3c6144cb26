from datetime import date, datetime

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from atlas.insights.pages.figure import integer, percent, rate
from atlas.insights.tables import Both, Link, Missing, Percent

register = template.Library()


@register.filter
def cell(value) -> str | SafeString:
    """A table cell in the visitor's language: numbers with their separators, shares in
    per cent, dates, links, lists; "unknown" in words rather than an empty cell."""
    if value is None:
        return format_html('<span class="unknown">{}</span>', _("unknown"))
    if isinstance(value, Both):
        return cell(value.page)
    if isinstance(value, Missing):
        return format_html('<span class="unknown">{}</span>', value.text)
    if isinstance(value, Link):
        if value.url.startswith(("http://", "https://")):
            return format_html('<a href="{}" rel="nofollow noopener">{}</a>', value.url, value.text)
        return format_html('<a href="{}">{}</a>', value.url, value.text)
    if isinstance(value, Percent):
        return percent(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return integer(value)
    if isinstance(value, float):
        return rate(value)
    if isinstance(value, datetime):
        return date_format(localtime(value), "DATE_FORMAT")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, list | tuple):
        if not value:
            return "–"
        return format_html_join(", ", "{}", ((cell(item),) for item in value))
    return str(value)
