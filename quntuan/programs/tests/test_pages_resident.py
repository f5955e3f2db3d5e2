"""The resident's pages: the profile (every attribute optional, sensitive ones behind their own
consent box), consents per purpose, unsubscribe per kind; staff cannot open them."""

from datetime import date

import pytest

from quntuan.core.testing import make_resident
from quntuan.programs import services
from quntuan.programs.models import ConsentRecord, ResidentProfile

EMPTY = {"birth_date": "", "gender": "", "employment_status": "", "worker_type": "", "union_member": "",
         "league_member": "", "overseas": "", "community": ""}


@pytest.fixture
def resident(world):
    return make_resident(world["district"], community=world["a"])


def test_profile_page_saves_optional_attributes(client, world, resident):
    client.force_login(resident)
    assert client.get("/programs/me/profile/").status_code == 200
    response = client.post("/programs/me/profile/", {**EMPTY, "birth_date": "1990-05-01", "gender": "female",
                                                      "employment_status": "unemployed", "worker_type": "courier",
                                                      "union_member": "yes", "community": world["b"].pk})
    assert response.status_code == 302
    profile = ResidentProfile.objects.get(user=resident)
    assert (profile.birth_date, profile.gender, profile.employment_status, profile.worker_type, profile.union_member,
            profile.league_member, profile.community) == (date(1990, 5, 1), "female", "unemployed", "courier", True,
                                                          None, world["b"])
    # everything may be cleared again
    client.post("/programs/me/profile/", EMPTY)
    profile.refresh_from_db()
    assert (profile.birth_date, profile.gender, profile.union_member, profile.community) == (None, "", None, None)


def test_sensitive_attributes_need_their_own_consent_box(client, world, resident):
    client.force_login(resident)
    response = client.post("/programs/me/profile/", {**EMPTY, "disability_type": "visual", "disability_grade": "2"})
    assert response.status_code == 400
    assert "填写残疾信息须先勾选单独同意。" in response.content.decode()
    profile = services.profile_for(resident)
    assert (profile.consent_disability, profile.disability_cipher) == (False, "")

    client.post("/programs/me/profile/", {**EMPTY, "consent_disability": "on", "disability_type": "visual",
                                          "disability_grade": "2", "consent_hardship": "on",
                                          "hardship": "subsistence"})
    profile.refresh_from_db()
    assert (profile.consent_disability, profile.consent_hardship) == (True, True)
    assert services.profile_sensitive(profile=profile, viewer=resident) == {
        "disability_type": "visual", "disability_grade": "2", "hardship": "subsistence"}
    assert "visual" not in profile.disability_cipher
    page = client.get("/programs/me/profile/").content.decode()
    assert '<option value="visual" selected>' in page

    # unticking the box withdraws the consent and erases what was held under it
    client.post("/programs/me/profile/", {**EMPTY, "consent_hardship": "on", "hardship": "subsistence"})
    profile.refresh_from_db()
    assert (profile.consent_disability, profile.disability_cipher, profile.disability_type_hmac) == (False, "", "")
    assert services.profile_sensitive(profile=profile, viewer=resident) == {"hardship": "subsistence"}
    actions = list(ConsentRecord.objects.filter(resident=resident).order_by("id").values_list("action", "purposes"))
    assert actions == [("grant", ["disability"]), ("grant", ["hardship"]), ("withdraw", ["disability"])]


def test_unsubscribe_per_kind(client, world, resident):
    services.consent_grant(resident=resident, purposes=["employment", "culture"])
    client.force_login(resident)
    page = client.get("/programs/me/").content.decode()
    assert 'name="purpose" value="employment"' in page and 'name="purpose" value="culture"' in page
    assert 'href="/programs/me/profile/"' in page and 'href="/programs/me/export.json"' in page
    response = client.post("/programs/me/unsubscribe/", {"purpose": "culture"})
    assert response.status_code == 302
    profile = services.profile_for(resident)
    assert (profile.consent_employment, profile.consent_culture) == (True, False)
    record = ConsentRecord.objects.filter(resident=resident).first()
    assert (record.action, record.purposes, record.source) == ("withdraw", ["culture"], "unsubscribe")
    bad = client.post("/programs/me/unsubscribe/", {"purpose": "spam"})
    assert bad.status_code == 400
    assert "推送类别无效。" in bad.content.decode()


def test_staff_cannot_open_the_residents_pages(client, world, resident):
    client.force_login(world["union_staff"])
    for url in ("/programs/me/", "/programs/me/profile/", "/programs/me/export.json"):
        assert client.get(url).status_code == 404
    assert client.post("/programs/me/unsubscribe/", {"purpose": "culture"}).status_code == 404


def test_the_resident_menu_links_to_my_data(client, world, resident):
    client.force_login(resident)
    assert 'href="/programs/me/"' in client.get("/catalog/").content.decode()
