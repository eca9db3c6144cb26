"""The rules of who may do what (atlas/accounts/access.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils.timezone import now

from atlas.accounts.access import annotate_visitor_rights, can_edit, can_see_contacts
from atlas.accounts.models import CoordinatorRole, StaffRole
from atlas.directory.models import Municipality, Partnership
from conftest import make_coordinator, make_membership, make_network, make_user


@pytest.mark.django_db
def test_the_rights_asked_in_the_page_query_agree_with_the_access_rules(personas, kamnik_world):
    network_staff = make_user("staff@zgodovinska-mesta.si")
    StaffRole.objects.create(user=network_staff, network=kamnik_world["network"])
    left = make_membership(make_network("Douzelage"), kamnik_world["trofaiach"])
    left.deleted_at = now()
    left.save()
    former_network_staff = make_user("staff@douzelage.eu")
    StaffRole.objects.create(user=former_network_staff, network=left.network)
    requester = make_user("requester@kamnik.si")
    CoordinatorRole.objects.create(user=requester, municipality=kamnik_world["kamnik"])
    inactive = make_coordinator("gone@kamnik.si", kamnik_world["kamnik"])
    inactive.is_active = False
    inactive.save()
    users = [
        AnonymousUser(),
        *(user for user in personas.values() if user),
        network_staff,
        former_network_staff,
        requester,
        inactive,
        make_user("someone@example.org"),
    ]
    assert Partnership.objects.exists()
    for user in users:
        for town in annotate_visitor_rights(Municipality.objects.all(), user):
            assert town.may_edit == can_edit(user, town), (user, town)
            assert town.sees_contacts == can_see_contacts(user), (user, town)
