from django import template

from atlas.directory.models import Municipality, MunicipalityProfile
from atlas.editing.access import can_edit, can_see_contacts
from atlas.editing.languages import language_name

register = template.Library()


@register.inclusion_tag("editing/includes/public_profile.html", takes_context=True)
def municipality_profile(context, municipality: Municipality) -> dict:
    """The profile coordinators wrote, on the municipality's public page, with the contact
    for those who may see it and an "Edit" link for those who may edit. The view loads the
    profile with the municipality (select_related), its themes (prefetch_related) and the
    visitor's rights (access.with_rights_of): no query here."""
    user = context["request"].user
    try:
        profile = municipality.profile
    except MunicipalityProfile.DoesNotExist:
        profile = None
    # Annotated by the view (access.with_rights_of), else asked here.
    may_edit = getattr(municipality, "may_edit", None)
    if may_edit is None:
        may_edit = can_edit(user, municipality)
    sees_contacts = getattr(municipality, "sees_contacts", None)
    if sees_contacts is None:
        # Those who may edit are coordinators or staff, who see contacts.
        sees_contacts = may_edit or can_see_contacts(user)
    return {
        "municipality": municipality,
        "profile": profile,
        "languages": [language_name(code) for code in profile.office_languages] if profile else [],
        "may_edit": may_edit,
        "sees_contact": sees_contacts,
        "user": user,
        "request": context["request"],
    }
