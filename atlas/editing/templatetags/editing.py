from django import template

from atlas.directory.models import Municipality, MunicipalityProfile
from atlas.editing.languages import language_name

register = template.Library()


@register.inclusion_tag("editing/includes/public_profile.html", takes_context=True)
def municipality_profile(
    context, municipality: Municipality, *, may_edit: bool, sees_contacts: bool
) -> dict:
    """The profile coordinators wrote, on the municipality's public page, with the contact
    for those who may see it and an "Edit" link for those who may edit, as the view says
    (accounts.access.annotate_visitor_rights). The view loads the profile with the
    municipality (select_related) and its themes (prefetch_related): no query here."""
    try:
        profile = municipality.profile
    except MunicipalityProfile.DoesNotExist:
        profile = None
    return {
        "municipality": municipality,
        "profile": profile,
        "languages": [language_name(code) for code in profile.office_languages] if profile else [],
        "may_edit": may_edit,
        "sees_contacts": sees_contacts,
        "user": context["request"].user,
        "request": context["request"],
    }
