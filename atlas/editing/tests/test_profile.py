"""The edit overview and the profile form: who may use them, lost updates, hostile input,
and what the public municipality page shows of the profile to whom."""

import pytest
from django.urls import reverse

from atlas.directory.models import Change, DataStamp, MunicipalityProfile
from conftest import (
    EDIT_MATRIX,
    LOGIN,
    assert_outcome,
    client_as,
    make_coordinator,
    make_theme,
    make_user,
)

HOSTILE = [
    "<script>alert(1)</script>",
    '" onmouseover="x',
    "\u202eevil\u202c \u200fright-to-left\u200f",
]
FREE_TEXT = ["description", "seeking", "contact_name"]


@pytest.fixture
def themes(db):
    return [make_theme("culture", "Culture"), make_theme("youth", "Youth")]


def profile_url(municipality) -> str:
    return reverse("edit-profile", args=[municipality.slug])


def profile_data(**values) -> dict:
    data = {
        "version": 1,
        "description": "A town under the Kamnik Alps.",
        "website": "https://www.kamnik.si/",
        "office_languages": ["sl", "en", "de"],
        "seeking": "A town with a music school for youth exchanges.",
        "contact_name": "Ana Novak",
        "contact_email": "ana@kamnik.si",
        "contact_phone": "+386 1 831 81 00",
    }
    data.update(values)
    return {name: value for name, value in data.items() if value is not None}


def make_profile(municipality, **values) -> MunicipalityProfile:
    themes = values.pop("themes", [])
    profile = MunicipalityProfile.objects.create(municipality=municipality, **values)
    profile.themes.set(themes)
    return profile


# Who may do what


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_saving_the_profile_of_kamnik(personas, kamnik, themes, persona, expected):
    client = client_as(personas, persona)

    response = client.post(profile_url(kamnik), profile_data(themes=[themes[1].pk]))

    if expected == LOGIN:
        assert_outcome(response, LOGIN)
    elif expected == 403:
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response["Location"] == kamnik.get_absolute_url()
        profile = MunicipalityProfile.objects.get(municipality=kamnik)
        assert profile.description == "A town under the Kamnik Alps."
        assert profile.office_languages == ["de", "en", "sl"]
        assert list(profile.themes.all()) == [themes[1]]
        assert profile.version == 2
        change = Change.objects.get()
        assert change.user == personas[persona]
        assert change.municipality == kamnik
    if expected != "ok":
        assert not MunicipalityProfile.objects.exists()
        assert not Change.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_opening_the_overview_and_the_profile_form(personas, kamnik, persona, expected):
    client = client_as(personas, persona)
    for url in (reverse("edit-municipality", args=[kamnik.slug]), profile_url(kamnik)):
        response = client.get(url)
        if expected == LOGIN:
            assert_outcome(response, LOGIN)
        else:
            assert response.status_code == (200 if expected == "ok" else 403), url
    assert not MunicipalityProfile.objects.exists()  # opening the form creates nothing


@pytest.mark.django_db
def test_the_editing_pages_of_an_unknown_municipality_are_a_404(personas):
    client = client_as(personas, "admin")
    for name in ("edit-municipality", "edit-profile"):
        assert client.get(reverse(name, args=["atlantis"])).status_code == 404
    assert client.post(profile_url_for("atlantis"), profile_data()).status_code == 404


def profile_url_for(slug: str) -> str:
    return reverse("edit-profile", args=[slug])


@pytest.mark.django_db
def test_the_overview_links_to_every_part_and_the_public_page(client, personas, kamnik):
    client.force_login(personas["coordinator"])

    html = client.get(reverse("edit-municipality", args=[kamnik.slug])).content.decode()

    for name in ("edit-profile", "edit-memberships", "edit-history"):
        assert f'href="{reverse(name, args=[kamnik.slug])}"' in html
    assert f'href="{kamnik.get_absolute_url()}"' in html


# Saving


@pytest.mark.django_db
def test_the_first_save_creates_the_profile_and_records_one_change_and_touches_the_stamp(
    client, personas, kamnik
):
    client.force_login(personas["coordinator"])
    stamp = DataStamp.current()

    client.post(profile_url(kamnik), profile_data())

    change = Change.objects.get()
    assert change.action == Change.Action.CHANGED
    assert change.before["description"] == ""
    assert change.after["description"] == "A town under the Kamnik Alps."
    assert change.after["office_languages"] == ["de", "en", "sl"]
    assert DataStamp.current() > stamp


@pytest.mark.django_db
def test_a_save_that_changes_nothing_records_nothing(client, personas, kamnik):
    make_profile(kamnik, description="Same", version=3)
    client.force_login(personas["coordinator"])
    data = profile_data(
        version=3,
        description="Same",
        website="",
        office_languages=[],
        seeking="",
        contact_name="",
        contact_email="",
        contact_phone="",
    )

    response = client.post(profile_url(kamnik), data, follow=True)

    assert "Nothing was changed." in response.content.decode()
    assert not Change.objects.exists()
    assert MunicipalityProfile.objects.get().version == 3


@pytest.mark.django_db
def test_the_form_shows_the_current_values_and_version(client, personas, kamnik, themes):
    make_profile(kamnik, description="Under the Alps", version=4, themes=[themes[0]])
    client.force_login(personas["coordinator"])

    response = client.get(profile_url(kamnik))

    form = response.context["form"]
    assert form["version"].value() == 4
    assert form["description"].value() == "Under the Alps"
    assert 'name="version" value="4"' in response.content.decode()


@pytest.mark.django_db
def test_two_forms_opened_at_version_1_the_second_save_is_refused_with_a_409(personas, kamnik):
    first = client_as(personas, "coordinator")
    second = client_as(personas, "staff_right_country")
    assert first.get(profile_url(kamnik)).context["form"]["version"].value() == 1
    assert second.get(profile_url(kamnik)).context["form"]["version"].value() == 1

    saved = first.post(profile_url(kamnik), profile_data(description="First version"))
    refused = second.post(
        profile_url(kamnik), profile_data(description="Second version", seeking="Other")
    )

    assert saved.status_code == 302
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Someone else saved this record after you opened the form." in html
    # The form now holds the stored values and version; what was typed is shown apart.
    form = refused.context["form"]
    assert form["description"].value() == "First version"
    assert form["version"].value() == 2
    assert ("What we look for", "Other") in [
        (str(label), value) for label, value in refused.context["typed"]
    ]
    profile = MunicipalityProfile.objects.get()
    assert profile.description == "First version"
    assert profile.version == 2
    assert Change.objects.count() == 1


@pytest.mark.django_db
def test_a_form_without_its_version_is_not_saved(client, personas, kamnik):
    client.force_login(personas["coordinator"])

    response = client.post(profile_url(kamnik), profile_data(version=None))

    assert response.status_code == 200
    assert "This form is incomplete: reload the page and make your change again." in (
        response.content.decode()
    )
    assert not Change.objects.exists()


# Hostile input


@pytest.mark.django_db
@pytest.mark.parametrize("field", FREE_TEXT)
@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_stored_as_typed_and_shown_escaped(client, personas, kamnik, field, text):
    client.force_login(personas["coordinator"])

    response = client.post(profile_url(kamnik), profile_data(**{field: text}))

    assert response.status_code == 302
    assert getattr(MunicipalityProfile.objects.get(), field) == text
    for page in (kamnik.get_absolute_url(), reverse("edit-history", args=[kamnik.slug])):
        html = client.get(page).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert '" onmouseover="x' not in html
        if text.startswith("<script>"):
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, page
        elif text.startswith('"'):
            assert "&quot; onmouseover=&quot;x" in html, page
        else:
            assert text in html, page


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["website", "contact_email", "contact_phone"])
@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_an_address_or_number_is_a_field_error(
    client, personas, kamnik, field, text
):
    client.force_login(personas["coordinator"])

    response = client.post(profile_url(kamnik), profile_data(**{field: text}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not Change.objects.exists()


@pytest.mark.django_db
def test_a_website_that_is_not_http_is_refused(client, personas, kamnik):
    client.force_login(personas["coordinator"])

    response = client.post(profile_url(kamnik), profile_data(website="javascript:alert(1)"))

    assert "website" in response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("description", 5000),
        ("seeking", 3000),
        ("contact_name", 200),
        ("contact_email", 254),
        ("contact_phone", 40),
        ("website", 200),
    ],
)
def test_text_over_the_limit_gets_a_clear_error(client, personas, kamnik, field, limit):
    client.force_login(personas["coordinator"])
    text = {
        "contact_email": "a" * 250 + "@kamnik.si",
        "contact_phone": "1" * (limit + 1),
        "website": "https://kamnik.si/" + "a" * 200,
    }.get(field, "x" * (limit + 1))

    response = client.post(profile_url(kamnik), profile_data(**{field: text}))

    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert f"at most {limit} characters" in " ".join(errors)
    assert not MunicipalityProfile.objects.filter(**{field: text}).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field", [*FREE_TEXT, "website", "contact_email", "contact_phone"])
def test_a_null_character_is_a_field_error_not_a_crash(client, personas, kamnik, field):
    client.force_login(personas["coordinator"])

    response = client.post(profile_url(kamnik), profile_data(**{field: "Kam\x00nik"}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Change.objects.exists()


@pytest.mark.django_db
def test_unknown_languages_and_themes_are_refused(client, personas, kamnik):
    client.force_login(personas["coordinator"])

    response = client.post(
        profile_url(kamnik), profile_data(office_languages=["sl", "xx"], themes=["999999"])
    )

    errors = response.context["form"].errors
    assert "office_languages" in errors
    assert "themes" in errors


@pytest.mark.django_db
def test_office_languages_are_offered_by_their_names_in_the_visitors_language(
    client, personas, kamnik
):
    client.force_login(personas["coordinator"])

    english = client.get(profile_url(kamnik)).content.decode()
    slovenian = client.get(reverse("edit-profile", args=[kamnik.slug]).replace("/en/", "/sl/"))

    assert "Slovenian" in english and "Maltese" in english and "Ukrainian" in english
    assert "slovenščina" in slovenian.content.decode().lower()


# The public page


@pytest.mark.django_db
def test_the_public_page_shows_the_profile(client, kamnik, themes):
    make_profile(
        kamnik,
        description="A town under the Kamnik Alps.",
        website="https://visit.kamnik.si/",
        office_languages=["de", "sl"],
        seeking="A music school.",
        themes=[themes[1]],
    )

    html = client.get(kamnik.get_absolute_url()).content.decode()

    assert "A town under the Kamnik Alps." in html
    assert 'href="https://visit.kamnik.si/"' in html
    assert "German, Slovenian" in html
    assert "Youth" in html
    assert "A music school." in html


@pytest.mark.django_db
def test_the_public_page_has_no_profile_section_for_visitors_when_there_is_none(client, kamnik):
    html = client.get(kamnik.get_absolute_url()).content.decode()

    assert 'id="profile-heading"' not in html


CONTACT_MATRIX = [
    ("anonymous", False),
    ("coordinator", True),
    ("other_coordinator", True),  # coordinators of any municipality see it
    ("staff_other_country", True),
    ("staff_right_country", True),
    ("admin", True),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "sees"), CONTACT_MATRIX)
def test_the_contact_on_the_public_page_is_for_coordinators_and_staff(
    personas, kamnik, persona, sees
):
    make_profile(
        kamnik,
        description="Hello",
        contact_name="Ana Novak",
        contact_email="ana@kamnik.si",
        contact_phone="+386 1 831 81 00",
    )

    html = client_as(personas, persona).get(kamnik.get_absolute_url()).content.decode()

    for value in ("Ana Novak", "ana@kamnik.si", "+386 1 831 81 00"):
        assert (value in html) is sees
    assert ("Log in as a coordinator to see the contact." in html) is not sees


@pytest.mark.django_db
def test_people_without_an_approved_role_do_not_see_the_contact(client, kamnik):
    from atlas.accounts.models import CoordinatorRole

    make_profile(kamnik, contact_email="ana@kamnik.si")
    requester = make_user("requester@kamnik.si")
    CoordinatorRole.objects.create(user=requester, municipality=kamnik, position="Mayor")
    for user in (make_user("someone@example.org"), requester):
        client.force_login(user)
        html = client.get(kamnik.get_absolute_url()).content.decode()
        assert "ana@kamnik.si" not in html
        assert "Log in as a coordinator to see the contact." in html


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), EDIT_MATRIX)
def test_the_public_page_links_to_editing_only_for_those_who_may_edit(
    personas, kamnik, persona, expected
):
    edit_url = reverse("edit-municipality", args=[kamnik.slug])

    html = client_as(personas, persona).get(kamnik.get_absolute_url()).content.decode()

    assert (f'href="{edit_url}"' in html) is (expected == "ok")


# Query counts


def grow(kamnik, count: int, start: int = 0):
    """More themes on the profile, and more coordinators."""
    profile = MunicipalityProfile.objects.get_or_create(municipality=kamnik)[0]
    for number in range(start, start + count):
        profile.themes.add(make_theme(f"theme-{number}", f"Theme {number}"))
        make_coordinator(f"c{number}@kamnik.si", kamnik)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "queries"),
    # The page's nine for visitors, and the profile's themes; for those logged in, the
    # session, the user and the coordinator block. Who may edit and see the contact is
    # asked in the page's own query (accounts.access.annotate_visitor_rights).
    [("anonymous", 10), ("coordinator", 13), ("staff_right_country", 13), ("admin", 13)],
)
def test_the_public_page_with_a_profile_costs_a_fixed_number_of_queries(
    personas, kamnik, django_assert_num_queries, persona, queries
):
    client = client_as(personas, persona)
    grow(kamnik, 2)
    client.get(kamnik.get_absolute_url())
    with django_assert_num_queries(queries):
        client.get(kamnik.get_absolute_url())
    grow(kamnik, 10, start=2)
    with django_assert_num_queries(queries):
        client.get(kamnik.get_absolute_url())


@pytest.mark.django_db
# The overview: 9, one of them the changes to partnerships waiting for confirmation.
@pytest.mark.parametrize(("name", "queries"), [("edit-municipality", 9), ("edit-profile", 7)])
def test_the_overview_and_the_profile_form_cost_a_fixed_number_of_queries(
    client, personas, kamnik, django_assert_num_queries, name, queries
):
    client.force_login(personas["coordinator"])
    url = reverse(name, args=[kamnik.slug])
    grow(kamnik, 2)
    client.post(profile_url(kamnik), profile_data())
    client.get(url)
    with django_assert_num_queries(queries):
        client.get(url)
    grow(kamnik, 10, start=2)
    client.post(profile_url(kamnik), profile_data(version=2, description="Again"))
    with django_assert_num_queries(queries):
        client.get(url)


# CSRF


@pytest.mark.django_db
def test_the_profile_form_refuses_a_post_without_its_csrf_token(personas, kamnik):
    client = client_as(personas, "coordinator", enforce_csrf_checks=True)

    response = client.post(profile_url(kamnik), profile_data())

    assert response.status_code == 403
    assert not MunicipalityProfile.objects.exists()
    assert 'name="csrfmiddlewaretoken"' in client.get(profile_url(kamnik)).content.decode()
