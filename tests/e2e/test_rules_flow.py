"""Content rules in a real browser: the demo liaison types a banned term in the composer and sees
it marked, with the rule's explanation and a link to the policy clause, while typing; submitting
is refused and the post stays a draft. The CoE tries a tricky text on the rule tester."""

import pytest
from playwright.sync_api import expect

from governance.demo.rules import RULES
from publishing.models import Post

PROMISES = next(rule for rule in RULES if rule["name"] == "Promises we cannot keep")

pytestmark = pytest.mark.browser


def test_a_liaison_sees_a_banned_term_marked_while_typing(page, live_server, demo_company, sign_in, screenshot):
    sign_in("liaison")
    page.goto(f"{live_server.url}/publishing/posts/new/")
    page.get_by_label("Acme on LinkedIn").check()
    text = page.get_by_label("Text")
    text.press_sequentially("Our new savings plan is risk-free", delay=15)  # typed, key by key

    preview = page.get_by_test_id("preview-console")
    mark = preview.get_by_test_id("rule-mark")
    expect(mark).to_have_text("risk-free")
    expect(mark).to_have_attribute("data-severity", "block")
    expect(mark).to_have_attribute(
        "title",
        f"Promises we cannot keep: “risk-free” is a banned term. {PROMISES['explanation']}",
    )
    expect(preview.locator("a:has([data-testid=rule-mark])")).to_have_attribute(
        "href", "/governance/policies/brand-guidelines/#claims"
    )
    finding = preview.get_by_test_id("rule-finding")
    expect(finding).to_contain_text("✖ Blocks submission")
    expect(finding).to_contain_text("Say what the product does")
    expect(finding.get_by_role("link", name="Claims and numbers")).to_be_visible()
    screenshot("rules-1-compose-marked")

    # A look-alike spelling is caught too: full-width letters and a zero-width joiner.
    text.fill("")
    text.press_sequentially("Ｇｕａｒａｎｔｅｅｄ re\u200dturns for everyone, and the lowest prices anywhere", delay=10)
    expect(preview.locator("[data-testid=rule-mark][data-severity=block]")).to_have_text(
        "Ｇｕａｒａｎｔｅｅｄ re\u200dturns"
    )
    expect(preview.locator("[data-testid=rule-mark][data-severity=warn]")).to_have_text("lowest prices anywhere")
    expect(preview.get_by_test_id("rule-finding").nth(1)).to_contain_text("⚠ Adds a review: Legal")
    screenshot("rules-2-compose-evasion-and-warning")

    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Saved as a draft, but not submitted: This post breaks 1 content rule"
    )
    post = Post.objects.get(author__username="liaison", text__startswith="Ｇｕａｒａｎｔｅｅｄ")
    assert post.status == Post.Status.DRAFT
    expect(page.get_by_test_id("preview-console").get_by_test_id("rule-mark").first).to_be_visible()
    screenshot("rules-3-submission-refused")


def test_the_coe_tries_a_text_on_the_rule_tester(page, live_server, demo_company, sign_in, screenshot):
    sign_in("member")
    page.goto(f"{live_server.url}/governance/rules/")
    expect(page.get_by_test_id("rule-row")).to_have_count(8)
    screenshot("rules-4-list")
    page.get_by_role("link", name="Try the rules").first.click()
    page.get_by_label("Text").fill(
        "Win a kit! Mail jane@example.com or call +44 20 7946 0958. It cures Mondays. "
        "More at bit.ly/kit #a #b #c #d #e #f"
    )
    page.get_by_label("Part of a sponsored campaign").check()
    result = page.locator("#tester-result")
    expect(result.get_by_test_id("tester-verdict")).to_contain_text("Would be refused at submission")
    expect(result.get_by_test_id("tester-verdict")).to_contain_text("+ Legal stage")
    expect(result.locator("[data-testid=rule-mark]", has_text="jane@example.com")).to_be_visible()
    expect(result.locator("[data-testid=rule-mark]", has_text="bit.ly/kit")).to_be_visible()
    expect(result.get_by_test_id("rule-finding")).to_have_count(6)
    screenshot("rules-5-tester")
