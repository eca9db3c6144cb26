from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.formats import date_format
from django.utils.translation import get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in each interface language, for the language switcher."""
    request = context["request"]
    path = request.get_full_path()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(path, code),
        }
        for code, _ in settings.LANGUAGES
    ]


@register.filter
def partnership_since(partnership) -> str:
    """The start of a partnership as precisely as it is known: a date, a year or nothing."""
    if partnership.start_date:
        return date_format(partnership.start_date, "SHORT_DATE_FORMAT")
    return str(partnership.start_year or "")
