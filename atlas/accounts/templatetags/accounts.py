from django import template

from atlas.accounts.models import CoordinatorRole

register = template.Library()


@register.inclusion_tag("accounts/includes/coordinate.html", takes_context=True)
def coordinator_block(context, municipality) -> dict:
    """The municipality page's invitation to coordinate it, or the visitor's standing with
    it. No query for anonymous visitors; one for those logged in."""
    user = context["request"].user
    role = None
    if user.is_authenticated:
        role = (
            CoordinatorRole.objects.of(user)
            .filter(municipality=municipality)
            .exclude(status=CoordinatorRole.Status.REFUSED)
            .first()
        )
    return {"municipality": municipality, "user": user, "role": role}
