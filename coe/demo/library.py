# ruff: noqa: E501 - the demo practices read best one field a line
"""Demo library: a dozen practices and case studies across departments — approved ones (three
featured) with tags, votes and adoptions, one waiting for the CoE and one declined with a note.
Idempotent: practices by title; votes and adoptions with ON CONFLICT DO NOTHING semantics
(bulk_create ignore_conflicts)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from coe.models import Department, Practice, PracticeAdoption, PracticeTag, PracticeVote

A, S, D = Practice.Status.APPROVED, Practice.Status.SUBMITTED, Practice.Status.DECLINED
P, C = Practice.Kind.PRACTICE, Practice.Kind.CASE_STUDY
# title, kind, department slug, channel, summary, what was done, results, status, featured, tags,
# submitter, days ago, voters (count), adopting departments
PRACTICES = [
    ("Answer within four hours, every day", P, "customer-service", "X / Twitter",
     "A rota so public customer questions never wait more than four hours, weekends included.",
     "Two liaisons on call per weekend day, a shared saved-replies library and an escalation path to Legal for complaints that mention injury or data.",
     "Median first response fell from 19 h to 2.5 h in three months; public complaints resolved in-thread rose from 31 % to 64 %.",
     A, True, ["Customer care", "Response time"], "liaison_cs", 120, 9, ["marketing", "sales"]),
    ("Employee advocacy starter kit", C, "hr", "LinkedIn",
     "A monthly pack of ready-to-share posts for employees who completed the advocacy training.",
     "HR and the CoE curate five posts a month; certified employees get them by e-mail with suggested captions.",
     "312 employees shared at least once; their posts reached 4.1× the impressions of the company page.",
     A, True, ["Advocacy", "Training"], "member", 200, 12, ["sales", "product", "marketing"]),
    ("Product launch countdown on Instagram", C, "marketing", "Instagram",
     "A seven-day countdown with Stories, a poll and a live Q&A with the product team.",
     "Daily Stories with polls, a Reel teaser and a one-hour live session with two engineers on launch day.",
     "Launch-week followers +8.2 %; 1,940 questions in the live; click-through to the shop 3.4 % (usual 1.1 %).",
     A, True, ["Launch", "Video"], "liaison", 90, 8, ["product"]),
    ("Holding statements ready before the crisis", P, "pr-communications", "",
     "Pre-approved holding statements for our five likeliest crises, reviewed every quarter.",
     "PR & Communications and Legal wrote and approved statements for outage, data breach, recall, executive departure and a viral complaint.",
     "During the March outage the first public statement went out in 14 minutes instead of the 2 hours it took in 2023.",
     A, False, ["Crisis", "Governance"], "member", 150, 7, ["customer-service"]),
    ("Weekly office hours for liaisons", P, "social-media-coe", "",
     "Thirty minutes every Thursday where any liaison can bring a draft or a question.",
     "A standing video call run by a CoE member, with a shared board of questions and answers.",
     "Posts sent back for changes fell by 40 %; new liaisons publish their first post within two weeks.",
     A, False, ["Enablement"], "manager", 60, 6, ["legal", "hr"]),
    ("Recruiting day-in-the-life series", C, "hr", "TikTok",
     "Short videos by employees showing a normal working day in four teams.",
     "Eight 45-second videos filmed on phones with a simple brief and a consent form; captions for accessibility.",
     "Career page visits from social +57 %; applications mentioning the videos: 38 in one quarter.",
     A, False, ["Video", "Recruiting"], "employee", 45, 5, []),
    ("Disclosure checklist for partner posts", P, "legal", "",
     "A five-point checklist that every sponsored or partner post goes through before review.",
     "Legal turned the advertising rules into a checklist built into the approval stage for partner content.",
     "No disclosure findings in the last two audits (previously 6 per audit).",
     A, False, ["Governance", "Partners"], "approver", 180, 4, ["marketing"]),
    ("Sales social selling sprint", C, "sales", "LinkedIn",
     "A four-week sprint where account managers posted one insight a week.",
     "Twelve account managers, a one-hour training, a shared calendar of industry topics and a leaderboard.",
     "46 qualified conversations started on LinkedIn; 5 opportunities worth €310k in pipeline.",
     A, False, ["Advocacy", "Sales"], "employee", 30, 3, []),
    ("Monthly listening digest for product", P, "product", "",
     "The top themes from social listening, sent to product managers on the first of each month.",
     "The CoE analyst groups mentions by feature and sentiment and adds three verbatim quotes per theme.",
     "Two roadmap items traced back to the digest; product managers rate it 4.5 / 5.",
     A, False, ["Listening", "Insight"], "member", 75, 2, []),
    ("Accessible posts by default", P, "marketing", "",
     "Alt text, captions and camel-case hashtags on every post.",
     "A content rule warns when an image has no alt text; video captions are part of the brief.",
     "Alt-text coverage from 22 % to 97 %; no complaints since.",
     A, False, ["Accessibility", "Governance"], "liaison", 20, 1, []),
    ("Reply to every review on Google and Facebook", P, "customer-service", "Facebook",
     "A proposal to answer every public review within a day.",
     "Draft: a weekly rota and templates for positive, neutral and negative reviews.",
     "Not yet measured.",
     S, False, [], "liaison_cs", 3, 0, []),
    ("Buy followers for the new account", P, "sales", "Instagram",
     "Boost the new regional account by buying 10,000 followers.",
     "Proposal to use a follower service to make the account look established.",
     "",
     D, False, [], "employee", 10, 0, []),
]  # fmt: skip
DECLINE_NOTE = (
    "Bought followers break the networks' rules and our policy, and skew every KPI. Try a launch campaign instead."
)


def seed() -> None:
    existing = set(Practice.objects.filter(title__in=[p[0] for p in PRACTICES]).values_list("title", flat=True))
    if len(existing) == len(PRACTICES):
        return
    users = get_user_model().objects
    people = {u.username: u for u in users.filter(username__in={p[10] for p in PRACTICES} | {"member"})}
    departments = {d.slug: d for d in Department.objects.all()}
    voters = list(users.filter(is_active=True).order_by("username")[:20])
    tag_names = sorted({name for p in PRACTICES for name in p[9]})
    PracticeTag.objects.bulk_create(
        [PracticeTag(name=name, slug=slugify(name)) for name in tag_names], ignore_conflicts=True
    )
    tags = {t.name: t for t in PracticeTag.objects.filter(name__in=tag_names)}
    now = timezone.now()
    curator = people.get("member")
    for (title, kind, slug, channel, summary, done, results, status, featured, tag_list, submitter, days,
         votes, adopters) in PRACTICES:  # fmt: skip
        if title in existing:
            continue
        practice = Practice.objects.create(
            title=title,
            kind=kind,
            department=departments.get(slug),
            channel=channel,
            summary=summary,
            what_was_done=done,
            results=results,
            status=status,
            is_featured=featured,
            submitted_by=people.get(submitter),
            curated_by=curator if status != S else None,
            curated_at=now - timedelta(days=max(days - 2, 0)) if status != S else None,
            curator_note=DECLINE_NOTE if status == D else "",
        )
        Practice.objects.filter(pk=practice.pk).update(created_at=now - timedelta(days=days))
        practice.tags.set([tags[name] for name in tag_list])
        PracticeVote.objects.bulk_create(
            [PracticeVote(practice=practice, user=user) for user in voters[:votes]], ignore_conflicts=True
        )
        PracticeAdoption.objects.bulk_create(
            [
                PracticeAdoption(practice=practice, department=departments[d], adopted_by=curator)
                for d in adopters
                if d in departments
            ],
            ignore_conflicts=True,
        )
