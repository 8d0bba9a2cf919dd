"""The publishing API: posts and their transitions as actions, channels without secrets,
publications, policies, the review queue — permission-filtered like the pages."""

import pytest

from publishing.models import Channel, Post, Publication
from tests.coe.test_api import assert_error

pytestmark = pytest.mark.django_db


def iso(moment):
    return moment.isoformat()


def test_liaison_creates_submits_and_a_reviewer_approves_over_the_api(api_as, pub, later):
    client = api_as(pub.liaison_a)
    response = client.post(
        "/api/v1/posts/",
        {"text": "Hello API", "channels": [pub.linkedin.pk], "scheduled_at": iso(later)},
        format="json",
    )
    assert response.status_code == 201, response.content
    post_id = response.json()["post"]["id"]
    assert response.json()["post"]["status"] == "draft"
    response = client.post(f"/api/v1/posts/{post_id}/submit/")
    assert response.status_code == 200 and response.json()["post"]["status"] == "in_review"

    queue = api_as(pub.member).get("/api/v1/review-queue/").json()
    assert [post["id"] for post in queue["results"]] == [post_id]
    response = api_as(pub.member).post(f"/api/v1/posts/{post_id}/approve/", {"comment": "ok"}, format="json")
    assert response.status_code == 201 and response.json()["decision"] == "approve"
    post = api_as(pub.liaison_a).get(f"/api/v1/posts/{post_id}/").json()
    assert post["status"] == "approved"
    assert [p["status"] for p in post["publications"]] == ["scheduled"]
    timeline = api_as(pub.liaison_a).get(f"/api/v1/posts/{post_id}/timeline/").json()
    assert [step["action"] for step in timeline] == ["created", "submitted", "approved", "approved_all"]


def test_self_approval_is_refused_in_the_error_shape(api_as, make_post, pub):
    post = make_post(author=pub.member, submit=True)
    error = assert_error(api_as(pub.member).post(f"/api/v1/posts/{post.pk}/approve/"), 403, "own_post")
    assert "own post" in error["message"]


def test_request_changes_needs_a_comment(api_as, make_post, pub):
    post = make_post(submit=True)
    error = assert_error(api_as(pub.member).post(f"/api/v1/posts/{post.pk}/request-changes/", {}), 400, "invalid")
    assert "comment" in error["fields"]


def test_other_departments_drafts_do_not_exist_for_a_liaison_or_an_employee(api_as, make_post, pub):
    post = make_post()
    for person in (pub.liaison_b, pub.employee):
        assert_error(api_as(person).get(f"/api/v1/posts/{post.pk}/"), 404, "not_found")
        assert api_as(person).get("/api/v1/posts/").json()["count"] == 0


def test_posting_to_another_departments_channel_is_refused(api_as, pub):
    response = api_as(pub.liaison_a).post("/api/v1/posts/", {"text": "x", "channels": [pub.support.pk]}, format="json")
    assert_error(response, 400, "invalid")  # not even offered: an unknown channel for this person


def test_status_cannot_be_set_directly(api_as, make_post, pub):
    post = make_post()
    error = assert_error(
        api_as(pub.liaison_a).patch(f"/api/v1/posts/{post.pk}/", {"status": "approved"}), 400, "invalid"
    )
    assert "status" in error["fields"]
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


def test_edit_over_the_api_resets_approvals(api_as, make_post, pub):
    post = make_post(submit=True)
    api_as(pub.member).post(f"/api/v1/posts/{post.pk}/approve/")
    response = api_as(pub.liaison_a).patch(f"/api/v1/posts/{post.pk}/", {"text": "changed"}, format="json")
    assert response.status_code == 200 and response.json()["post"]["status"] == "in_review"


def test_channels_never_show_their_secrets(api_as, pub):
    response = api_as(pub.manager).post(
        "/api/v1/channels/",
        {
            "name": "Hook",
            "network": "webhook",
            "handle": "relay",
            "department": "marketing",
            "time_zone": "UTC",
            "settings": {"url": "http://127.0.0.1:9/hook"},
            "credentials": {"secret": "s3cr3t-value-123"},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert "credentials" not in body and "s3cr3t-value-123" not in response.content.decode()
    assert body["credentials_hint"].endswith("-123")
    listing = api_as(pub.manager).get("/api/v1/channels/").content.decode()
    assert "s3cr3t" not in listing
    assert Channel.objects.get(pk=body["id"]).credentials == {"secret": "s3cr3t-value-123"}


def test_only_the_coe_connects_channels(api_as, pub):
    response = api_as(pub.liaison_a).post(
        "/api/v1/channels/",
        {"name": "Mine", "network": "console", "handle": "x", "department": "marketing"},
        format="json",
    )
    assert_error(response, 403, "permission_denied")


def test_liaison_sees_own_departments_channels_only(api_as, pub):
    names = {channel["name"] for channel in api_as(pub.liaison_a).get("/api/v1/channels/").json()["results"]}
    assert names == {"Marketing LinkedIn", "Marketing Instagram"}


def test_retry_of_a_failed_publication(api_as, make_post, pub):
    post = make_post(submit=True)
    api_as(pub.member).post(f"/api/v1/posts/{post.pk}/approve/")
    publication = post.publications.get()
    Publication.objects.filter(pk=publication.pk).update(status=Publication.Status.FAILED, last_error="boom")
    response = api_as(pub.liaison_a).post(f"/api/v1/publications/{publication.pk}/retry/")
    assert response.status_code == 200 and response.json()["status"] == "scheduled"
    assert_error(api_as(pub.liaison_b).post(f"/api/v1/publications/{publication.pk}/retry/"), 404, "not_found")


def test_manager_edits_policies_others_read_or_nothing(api_as, pub):
    payload = {
        "name": "Sales",
        "department": pub.marketing.pk,
        "stages": [{"position": 10, "name": "Lead", "kind": "gate", "department_lead": True, "required_approvals": 1}],
    }
    assert api_as(pub.manager).post("/api/v1/approval-policies/", payload, format="json").status_code == 201
    assert_error(
        api_as(pub.member).post("/api/v1/approval-policies/", payload, format="json"), 403, "permission_denied"
    )
    assert api_as(pub.liaison_a).get("/api/v1/approval-policies/").json()["count"] == 0


def test_post_list_query_count_is_flat(api_as, make_post, pub, django_assert_max_num_queries):
    for n in range(25):
        make_post(text=f"post {n}", channels=[pub.linkedin, pub.instagram])
    with django_assert_max_num_queries(10):
        assert api_as(pub.liaison_a).get("/api/v1/posts/").json()["count"] == 25


def test_review_queue_api_pages_and_filters_like_the_page(api_as, pub):
    from tests.publishing.test_views_pages import bulk_in_review

    bulk_in_review(pub, 55)
    api = api_as(pub.member)
    first = api.get("/api/v1/review-queue/").json()
    assert first["count"] == 55 and len(first["results"]) == 50 and first["previous"] is None
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 5 and second["next"] is None
    assert not {p["id"] for p in first["results"]} & {p["id"] for p in second["results"]}
    assert api.get("/api/v1/review-queue/", {"stage": "Legal"}).json()["count"] == 0
    assert api_as(pub.employee).get("/api/v1/review-queue/").status_code == 403
