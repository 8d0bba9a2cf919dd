"""Campaigns and content themes: the CoE keeps them (services, page, API); liaisons, reviewers and
leadership read them; a campaign that posts use is archived, never deleted from under them."""

import pytest

from coe.errors import DomainError, NotAllowed
from publishing.models import Campaign, ContentTheme, Post
from publishing.models.posts import text_fingerprint
from publishing.services import campaigns as campaign_services
from publishing.services import workflow
from tests.coe.test_api import assert_error
from tests.publishing.factories import CampaignFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def posts_in(campaign, department, author, count=1, theme=None):
    """Drafts that use ``campaign``, written in bulk (the counts are what is under test)."""
    Post.objects.bulk_create(
        Post(
            author=author,
            department=department,
            text=f"{campaign} {n}",
            fingerprint=text_fingerprint(f"{campaign} {n}"),
            campaign=campaign,
            theme=theme,
        )
        for n in range(count)
    )


# --- services -----------------------------------------------------------------------------------


def test_coe_member_creates_a_sponsored_campaign_with_a_slug_from_its_name(pub):
    campaign = campaign_services.campaign_save(
        actor=pub.member,
        fields={"name": "  Holiday   Giveaway! ", "department": pub.marketing, "is_sponsored": True},
    )
    assert (campaign.name, campaign.slug, campaign.is_sponsored, campaign.is_active) == (
        "Holiday Giveaway!",
        "holiday-giveaway",
        True,
        True,
    )
    renamed = campaign_services.campaign_save(actor=pub.member, campaign=campaign, fields={"name": "Winter Giveaway"})
    assert (renamed.name, renamed.slug) == ("Winter Giveaway", "holiday-giveaway")  # the slug stays put


def test_duplicate_campaign_name_is_refused_whatever_its_case(pub):
    CampaignFactory(name="Spring Launch")
    with pytest.raises(DomainError) as refused:
        campaign_services.campaign_save(actor=pub.member, fields={"name": "spring launch"})
    assert refused.value.code == "duplicate_name"
    assert "“Spring Launch” already exists" in refused.value.message and "name" in refused.value.fields
    assert Campaign.objects.count() == 1


def test_slugs_stay_unique_when_names_differ_only_in_punctuation(pub):
    first = campaign_services.campaign_save(actor=pub.member, fields={"name": "Q1 launch"})
    second = campaign_services.campaign_save(actor=pub.member, fields={"name": "Q1: launch!"})
    assert (first.slug, second.slug) == ("q1-launch", "q1-launch-2")


def test_liaison_may_not_create_or_change_a_campaign(pub):
    with pytest.raises(NotAllowed, match="Only the CoE team"):
        campaign_services.campaign_save(actor=pub.liaison_a, fields={"name": "Our own"})
    campaign = CampaignFactory(name="Spring Launch")
    with pytest.raises(NotAllowed):
        campaign_services.campaign_save(actor=pub.liaison_a, campaign=campaign, fields={"is_sponsored": True})
    campaign.refresh_from_db()
    assert not Campaign.objects.filter(name="Our own").exists() and not campaign.is_sponsored


def test_a_campaign_cannot_end_before_it_starts(pub):
    with pytest.raises(DomainError) as refused:
        campaign_services.campaign_save(
            actor=pub.member, fields={"name": "Backwards", "starts_on": "2026-05-10", "ends_on": "2026-05-01"}
        )
    assert "end before it starts" in refused.value.message and "ends_on" in refused.value.fields
    assert not Campaign.objects.exists()


def test_a_campaign_that_posts_use_is_archived_not_deleted(pub, make_post):
    used = CampaignFactory(name="Used")
    make_post(campaign=used)
    with pytest.raises(DomainError) as refused:
        campaign_services.campaign_delete(actor=pub.member, campaign=used)
    assert refused.value.code == "in_use" and "Archive it instead" in refused.value.message
    campaign_services.campaign_save(actor=pub.member, campaign=used, fields={"is_active": False})
    assert Post.objects.get().campaign == used  # its posts keep it
    with pytest.raises(DomainError, match="archived"):
        make_post(campaign=used)  # new posts cannot choose it
    unused = CampaignFactory(name="Typo")
    campaign_services.campaign_delete(actor=pub.member, campaign=unused)
    assert not Campaign.objects.filter(name="Typo").exists()


def test_themes_are_unique_whatever_their_case_and_kept_by_the_coe(pub):
    theme = campaign_services.theme_save(actor=pub.member, fields={"name": "Product tips"})
    assert theme.slug == "product-tips"
    with pytest.raises(DomainError, match="already exists"):
        campaign_services.theme_save(actor=pub.manager, fields={"name": "PRODUCT TIPS"})
    with pytest.raises(NotAllowed):
        campaign_services.theme_save(actor=pub.liaison_a, theme=theme, fields={"name": "Tips"})
    assert list(ContentTheme.objects.values_list("name", flat=True)) == ["Product tips"]


# --- page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 60])
def test_campaign_list_stays_within_a_fixed_number_of_queries(client, pub, count, django_assert_max_num_queries):
    theme = ThemeFactory(name="Tips")
    for n in range(count):
        campaign = CampaignFactory(name=f"Campaign {n:03}", department=pub.marketing, is_sponsored=n % 2 == 0)
        posts_in(campaign, pub.marketing, pub.liaison_a, count=2, theme=theme)
    ThemeFactory.create_batch(count)
    for person in (pub.member, pub.liaison_a):
        client.force_login(person)
        with django_assert_max_num_queries(10):
            response = client.get("/publishing/campaigns/")
        html = response.content.decode()
        assert html.count('data-testid="campaign-row"') == count
        assert html.count('data-testid="theme-row"') == count + 1


def test_member_sees_department_sponsored_badge_counts_and_edit_links(client, pub):
    giveaway = CampaignFactory(name="Holiday Giveaway", department=pub.marketing, is_sponsored=True)
    posts_in(giveaway, pub.marketing, pub.liaison_a, count=3)
    CampaignFactory(name="Old news", is_active=False)
    ThemeFactory(name="Behind the scenes")
    client.force_login(pub.member)
    html = client.get("/publishing/campaigns/").content.decode()
    assert "Holiday Giveaway" in html and "Marketing" in html and "Sponsored" in html and "Archived" in html
    assert f"/publishing/posts/?campaign={giveaway.pk}" in html and ">3</a>" in html
    assert "Behind the scenes" in html
    assert f"/publishing/campaigns/{giveaway.pk}/edit/" in html and "New campaign" in html and "New theme" in html


def test_channels_page_links_to_campaigns(client, pub):
    client.force_login(pub.member)
    assert 'href="/publishing/campaigns/"' in client.get("/publishing/channels/").content.decode()


def test_member_creates_a_campaign_from_the_page(client, pub):
    client.force_login(pub.member)
    assert client.get("/publishing/campaigns/new/").status_code == 200
    response = client.post(
        "/publishing/campaigns/new/",
        {"name": "Summer Sale", "department": pub.marketing.pk, "is_sponsored": "on", "is_active": "on"},
    )
    assert response.status_code == 302 and response["Location"] == "/publishing/campaigns/"
    campaign = Campaign.objects.get()
    assert (campaign.name, campaign.slug, campaign.department, campaign.is_sponsored) == (
        "Summer Sale",
        "summer-sale",
        pub.marketing,
        True,
    )


def test_duplicate_name_on_the_page_is_shown_next_to_the_field_and_saves_nothing(client, pub):
    CampaignFactory(name="Summer Sale")
    client.force_login(pub.member)
    response = client.post("/publishing/campaigns/new/", {"name": "SUMMER SALE", "is_active": "on"})
    assert response.status_code == 200
    assert "“Summer Sale” already exists" in response.content.decode()
    assert Campaign.objects.count() == 1


def test_member_edits_a_campaign_and_creates_and_renames_a_theme(client, pub):
    campaign = CampaignFactory(name="Summer Sale")
    client.force_login(pub.member)
    response = client.post(
        f"/publishing/campaigns/{campaign.pk}/edit/", {"name": "Summer Sale", "is_sponsored": "on"}
    )  # "is_active" unticked: archived
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.is_sponsored and not campaign.is_active
    assert client.post("/publishing/themes/new/", {"name": "Product tips"}).status_code == 302
    theme = ContentTheme.objects.get()
    assert client.post(f"/publishing/themes/{theme.pk}/edit/", {"name": "Product how-tos"}).status_code == 302
    theme.refresh_from_db()
    assert theme.name == "Product how-tos"


def test_used_campaign_page_offers_archive_instead_of_delete(client, pub):
    campaign = CampaignFactory(name="Used")
    posts_in(campaign, pub.marketing, pub.liaison_a)
    client.force_login(pub.member)
    html = client.get(f"/publishing/campaigns/{campaign.pk}/edit/").content.decode()
    assert "cannot be deleted" in html and "Delete campaign" not in html
    response = client.post(f"/publishing/campaigns/{campaign.pk}/delete/", follow=True)
    assert "Archive it instead" in response.content.decode() and Campaign.objects.filter(pk=campaign.pk).exists()


def test_liaison_reads_the_list_but_cannot_edit(client, pub):
    campaign = CampaignFactory(name="Summer Sale")
    theme = ThemeFactory(name="Tips")
    client.force_login(pub.liaison_a)
    html = client.get("/publishing/campaigns/").content.decode()
    assert "Summer Sale" in html and "Tips" in html
    assert "/edit/" not in html and "New campaign" not in html and "New theme" not in html
    assert client.get(f"/publishing/campaigns/{campaign.pk}/edit/").status_code == 403
    assert client.post(f"/publishing/campaigns/{campaign.pk}/edit/", {"name": "Mine now"}).status_code == 403
    assert client.post("/publishing/campaigns/new/", {"name": "Ours"}).status_code == 403
    assert client.post(f"/publishing/themes/{theme.pk}/edit/", {"name": "Mine"}).status_code == 403
    assert client.post(f"/publishing/campaigns/{campaign.pk}/delete/").status_code == 403
    campaign.refresh_from_db()
    theme.refresh_from_db()
    assert (campaign.name, theme.name, Campaign.objects.count()) == ("Summer Sale", "Tips", 1)


def test_liaison_counts_only_the_posts_they_may_see(client, pub):
    campaign = CampaignFactory(name="Company week")
    posts_in(campaign, pub.service, pub.liaison_b, count=4)
    posts_in(campaign, pub.marketing, pub.liaison_a, count=1)
    client.force_login(pub.liaison_a)
    html = client.get("/publishing/campaigns/").content.decode()
    assert ">1</a>" in html and ">5</a>" not in html


def test_approvers_and_leadership_read_employees_do_not(client, pub):
    CampaignFactory(name="Summer Sale")
    for person in (pub.approver, pub.leader):
        client.force_login(person)
        response = client.get("/publishing/campaigns/")
        assert response.status_code == 200 and "Summer Sale" in response.content.decode()
        assert "New campaign" not in response.content.decode()
    client.force_login(pub.employee)
    assert client.get("/publishing/campaigns/").status_code == 403


def test_compose_does_not_offer_archived_campaigns_but_keeps_a_posts_own(client, pub, make_post):
    active = CampaignFactory(name="Running campaign")
    archived = CampaignFactory(name="Finished campaign")
    post = make_post(campaign=archived)
    archived.is_active = False
    archived.save()
    client.force_login(pub.liaison_a)
    compose = client.get("/publishing/posts/new/").content.decode()
    assert active.name in compose and archived.name not in compose
    assert archived.name in client.get(f"/publishing/posts/{post.pk}/edit/").content.decode()
    outcome = workflow.post_update(actor=pub.liaison_a, post=post, changes={"campaign": archived, "text": "New words"})
    assert outcome.post.campaign == archived


# --- API ----------------------------------------------------------------------------------------


def test_api_lists_campaigns_and_themes_with_post_counts(api_as, pub):
    giveaway = CampaignFactory(
        name="Holiday Giveaway", slug="holiday-giveaway", department=pub.marketing, is_sponsored=True
    )
    theme = ThemeFactory(name="Tips")
    posts_in(giveaway, pub.marketing, pub.liaison_a, count=2, theme=theme)
    # An approver counts only the posts routed to them: these are drafts.
    for person, visible in ((pub.liaison_a, 2), (pub.approver, 0), (pub.member, 2)):
        body = api_as(person).get("/api/v1/campaigns/").json()
        assert body["count"] == 1
        row = body["results"][0]
        assert (row["name"], row["department"], row["is_sponsored"], row["post_count"]) == (
            "Holiday Giveaway",
            "marketing",
            True,
            visible,
        )
    assert api_as(pub.member).get("/api/v1/campaigns/?is_sponsored=false").json()["count"] == 0
    assert api_as(pub.member).get(f"/api/v1/campaigns/{giveaway.pk}/").json()["slug"] == "holiday-giveaway"
    themes = api_as(pub.liaison_a).get("/api/v1/themes/").json()
    assert [(t["name"], t["post_count"]) for t in themes["results"]] == [("Tips", 2)]
    assert api_as(pub.employee).get("/api/v1/campaigns/").json()["count"] == 0
    assert_error(api_as(pub.employee).get(f"/api/v1/campaigns/{giveaway.pk}/"), 404, "not_found")


def test_member_creates_updates_and_archives_a_campaign_over_the_api(api_as, pub):
    client = api_as(pub.member)
    response = client.post(
        "/api/v1/campaigns/",
        {"name": "Summer Sale", "department": "marketing", "is_sponsored": True, "starts_on": "2026-06-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slug"], body["department"], body["is_active"], body["post_count"]) == (
        "summer-sale",
        "marketing",
        True,
        0,
    )
    response = client.patch(f"/api/v1/campaigns/{body['id']}/", {"is_active": False}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    response = client.post("/api/v1/themes/", {"name": "Product tips"}, format="json")
    assert response.status_code == 201 and response.json()["slug"] == "product-tips"


def test_api_refuses_duplicates_read_only_fields_and_deleting_a_used_campaign(api_as, pub):
    used = CampaignFactory(name="Summer Sale")
    posts_in(used, pub.marketing, pub.liaison_a)
    client = api_as(pub.member)
    error = assert_error(
        client.post("/api/v1/campaigns/", {"name": "summer sale"}, format="json"), 400, "duplicate_name"
    )
    assert "already exists" in error["message"] and "name" in error["fields"]
    assert_error(client.post("/api/v1/campaigns/", {"name": "X", "slug": "x"}, format="json"), 400, "invalid")
    error = assert_error(client.delete(f"/api/v1/campaigns/{used.pk}/"), 400, "in_use")
    assert "Archive it instead" in error["message"]
    unused = CampaignFactory(name="Typo")
    assert client.delete(f"/api/v1/campaigns/{unused.pk}/").status_code == 204
    assert list(Campaign.objects.values_list("name", flat=True)) == ["Summer Sale"]


def test_liaison_is_refused_writes_in_the_error_shape(api_as, pub):
    campaign = CampaignFactory(name="Summer Sale")
    theme = ThemeFactory(name="Tips")
    client = api_as(pub.liaison_a)
    error = assert_error(client.post("/api/v1/campaigns/", {"name": "Ours"}, format="json"), 403, "permission_denied")
    assert "CoE" in error["message"]
    assert_error(
        client.patch(f"/api/v1/campaigns/{campaign.pk}/", {"is_sponsored": True}, format="json"),
        403,
        "permission_denied",
    )
    assert_error(client.post("/api/v1/themes/", {"name": "Ours"}, format="json"), 403, "permission_denied")
    assert_error(client.delete(f"/api/v1/themes/{theme.pk}/"), 403, "permission_denied")
    campaign.refresh_from_db()
    assert not campaign.is_sponsored and Campaign.objects.count() == 1 and ContentTheme.objects.count() == 1
