"""The demo company's curriculum, written for Acme's social media center of excellence: six modules
from the basics (accounts, etiquette, the policy) to advanced practice (social selling, measuring
what matters) and the Crisis Spokesperson final exam. Each module is a document in the exchange
format (training.services.content_format), so the demo is imported exactly as a company would
import a shared curriculum.

In a question's choices, a leading ``*`` marks a right answer.
"""

from __future__ import annotations

from typing import Any

from training.services.content_format import FORMAT, FORMAT_VERSION

STANDARD_QUIZ = {
    "questions_per_attempt": 8,
    "pass_mark_percent": 80,
    "max_attempts": 3,
    "cooldown_minutes": 30,
    "time_limit_minutes": None,
    "feedback": "after_submit",
}


def _choices(options: list[str]) -> list[dict[str, Any]]:
    return [{"text": option.lstrip("*").strip(), "correct": option.startswith("*")} for option in options]


def single(text: str, options: list[str], why: str) -> dict[str, Any]:
    return {"kind": "single", "text": text, "explanation": why, "choices": _choices(options)}


def multiple(text: str, options: list[str], why: str) -> dict[str, Any]:
    return {"kind": "multiple", "text": text, "explanation": why, "choices": _choices(options)}


def true_false(text: str, answer: bool, why: str) -> dict[str, Any]:
    return {
        "kind": "true_false",
        "text": text,
        "explanation": why,
        "choices": [{"text": "True", "correct": answer}, {"text": "False", "correct": not answer}],
    }


def lesson(title: str, minutes: int, body: str) -> dict[str, Any]:
    return {"title": title, "estimated_minutes": minutes, "body": body}


def document(module: dict[str, Any], lessons: list, questions: list, images: list | None = None) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "module": module,
        "lessons": lessons,
        "questions": questions,
        "images": images or [],
    }


# --- 1. Setting up your professional accounts and social etiquette --------------------------------

ACCOUNT_SETUP = document(
    {
        "title": "Setting up your professional accounts and social etiquette",
        "slug": "account-setup-and-etiquette",
        "summary": "A profile that says who you are and where you work, accounts nobody can take over, and "
        "the manners that make people glad to hear from you.",
        "level": "foundation",
        "estimated_minutes": 25,
        "position": 10,
        "prerequisites": [],
        "quiz": STANDARD_QUIZ,
    },
    [
        lesson(
            "A profile that works for you",
            6,
            """\
Your profile is the first thing people see when you comment, share or connect. A complete, honest
profile makes everything you post more credible — and it is where you disclose that you work at Acme.

![The parts of a professional profile](image:profile-anatomy.png)

## The essentials

- **Photo**: a recent, clear picture of your face. Not the Acme logo: that belongs to the official
  accounts, and using it makes people think you speak for the company.
- **Name**: the name colleagues know you by, the same on every network, so people can find you.
- **Headline**: what you do and for whom, in plain words. "Helping retailers cut checkout time" says
  more than "Ninja. Visionary. Disruptor."
- **About**: two or three sentences, written for the people you want to help.
- **Employer**: say that you work at Acme. On networks without an employer field, put it in your bio.

## "Views are my own"

Adding *views are my own* is a good habit when you talk about your industry, but it is not a shield:
the social media policy still applies whenever the subject is Acme, our customers, partners or
competitors.

## Check it once a quarter

Job titles change, links break and old photos age. Put a reminder in your calendar.
""",
        ),
        lesson(
            "Keeping your accounts secure",
            6,
            """\
A hijacked account can post in your name within minutes, message your whole network with scams and
damage trust that took years to build. Most takeovers are avoidable.

## Four habits that stop most takeovers

1. **Two-step verification** on every account, ideally with an authenticator app or a security key.
   Codes sent by SMS are better than nothing, but phone numbers can be stolen.
2. **A unique password** for each account, kept in a password manager. Never reuse your Acme
   password anywhere else.
3. **Be suspicious of urgent messages.** "Your account will be suspended — verify here" is the
   oldest trick there is. Open the app yourself instead of following the link.
4. **Review connected apps** twice a year and remove the ones you no longer use.

## Official accounts are different

Nobody logs in to an official Acme account directly, and nobody shares its password. Posts go out
through CoE Hub, which holds the credentials encrypted and records who approved what. If someone asks
you for the password of an official account, say no and tell the Social Media CoE.

## If something looks wrong

Lost your phone, clicked a suspicious link, or see posts you did not write? Tell IT & Security straight
away. Reporting early is never a mistake.
""",
        ),
        lesson(
            "Etiquette: how we behave online",
            7,
            """\
Good manners online are the same as good manners anywhere, with a longer memory.

## Listen before you speak

Read the conversation before you join it. Understand what people are actually asking and whether your
reply helps.

## Give credit

Name the person or source whose idea, image or data you share. Do not post other people's photos or
videos without permission, even if they are easy to download.

## Be human, be brief

| Instead of | Try |
|---|---|
| "Per our previous correspondence…" | "Thanks for following up!" |
| Tagging twenty people to get reach | Tagging the two who will really care |
| A wall of hashtags | Two or three that people actually follow |

## Disagree without a fight

You can disagree with an argument without attacking the person. If a thread turns hostile, step back.
Never argue with critics of Acme: tell the Customer Service liaison or the Social Media CoE.

## Own your mistakes

If you get something wrong, correct it openly — edit with a note, or reply with the correction. Do
not quietly delete a post to hide an error: screenshots last forever, and a visible correction builds
trust.
""",
        ),
        lesson(
            "Personal and professional: where the line is",
            6,
            """\
Your personal accounts are yours. You may talk about your work, share Acme's public posts and
celebrate our successes. A few situations need care.

## When customers come to you

A customer may find you and complain in your comments or messages. Be polite, do not try to solve it
yourself in public, and point them to our support channels. Tell your department's Customer Service
liaison so someone follows up.

## When journalists or analysts contact you

Do not comment, even "off the record". Thank them and pass the request to PR & Communications.

## Things that stay inside

Results before they are announced, product plans, customer names, prices under negotiation and
screenshots of internal tools are never posted. If you are not sure whether something is public,
treat it as not public.

## Out of hours

The policy applies evenings and weekends too. A post written at midnight is read in the morning by
the same people.
""",
        ),
    ],
    [
        single(
            "Which profile line best tells people where you work?",
            [
                "*Marketing manager at Acme. Views are my own.",
                "Marketing wizard. Coffee first.",
                "Official Acme account",
                "Ask me where I work!",
            ],
            "Say plainly that you work at Acme; 'views are my own' helps, and an 'official' label is only for "
            "the company's accounts.",
        ),
        true_false(
            "You may use the Acme logo as the profile picture of your personal account.",
            False,
            "The logo belongs to official accounts. On a personal account it makes people think you speak for "
            "the company.",
        ),
        multiple(
            "Which of these protect your accounts from being taken over?",
            [
                "*Two-step verification with an authenticator app",
                "*A unique password kept in a password manager",
                "Using your Acme password so you only remember one",
                "Sharing the login code with a colleague who covers for you",
            ],
            "Two-step verification and unique passwords stop most takeovers; reused passwords and shared codes "
            "cause them.",
        ),
        true_false(
            "An authenticator app or a security key is a stronger second step than a code sent by SMS.",
            True,
            "Phone numbers can be moved to another SIM by fraudsters; apps and keys are tied to your device.",
        ),
        single(
            "A message says your account will be suspended unless you 'verify here' within an hour. What do you do?",
            [
                "Click the link quickly so you keep the account",
                "*Do not click; open the app yourself and report the message to IT & Security",
                "Forward it to your team so they can check too",
                "Reply asking if it is genuine",
            ],
            "Urgency is the classic sign of phishing. Go to the app directly and report the message.",
        ),
        single(
            "A colleague asks for the password of an official Acme account to post something quickly. You…",
            [
                "share it, since they are a colleague",
                "post it for them from your phone",
                "*say no: official posts go through CoE Hub, and tell the Social Media CoE",
                "send it by direct message so nobody else sees it",
            ],
            "Official accounts are never logged into directly; CoE Hub keeps the credentials and the approval record.",
        ),
        single(
            "A customer complains about a late delivery in the comments of your personal post. What is the best "
            "response?",
            [
                "Explain the logistics problem in detail",
                "Ignore it; it is your personal account",
                "*Reply politely, point them to our support channels, and tell the Customer Service liaison",
                "Delete the comment",
            ],
            "Be courteous, route the customer to support, and make sure someone follows up.",
        ),
        multiple(
            "Which of these are good etiquette?",
            [
                "*Crediting the creator of an image you share",
                "*Correcting a mistake openly, with a note",
                "Tagging twenty people to get more reach",
                "Deleting critical replies so the post looks better",
            ],
            "Give credit and correct mistakes visibly; mass tagging and deleting criticism damage trust.",
        ),
        single(
            "A journalist sends you a direct message asking about a rumour. You…",
            [
                "answer briefly, off the record",
                "*thank them and pass the request to PR & Communications",
                "ignore it and tell nobody",
                "post about the rumour to set the record straight",
            ],
            "Only PR & Communications speaks to the media; pass every request on.",
        ),
        true_false(
            "Adding 'views are my own' to your bio means the social media policy no longer applies to you.",
            False,
            "It is a good habit, but the policy still applies whenever you talk about Acme, our customers, "
            "partners or competitors.",
        ),
    ],
)

# --- 2. Our social media policy and disclosure ----------------------------------------------------

POLICY_AND_DISCLOSURE = document(
    {
        "title": "Our social media policy and disclosure",
        "slug": "social-media-policy-and-disclosure",
        "summary": "What the policy asks of everyone, how to disclose that you work here or were paid, "
        "what stays confidential, and how official accounts are run.",
        "level": "foundation",
        "estimated_minutes": 30,
        "position": 20,
        "prerequisites": [],
        "quiz": STANDARD_QUIZ,
    },
    [
        lesson(
            "Why we have a policy",
            6,
            """\
Social media is where customers, future colleagues and critics talk about us. The policy exists so
you can take part with confidence: it says what you may do freely, what needs care, and where to get
help. It is not there to stop you talking about your work.

## Who it applies to

Everyone who works for Acme — employees, contractors, interns and agency staff acting for us — on
every platform, from a company account or their own, at work or at home.

## Reading and accepting it

You find the current version under **Policies** in CoE Hub. When a new version changes something
important you are asked to read it and accept it again; a minor edit does not ask. Your acceptance is
recorded with the version you read.

## What happens when it is not followed

Breaking the policy can lead to losing posting rights on official accounts and to disciplinary
action. Honest mistakes reported quickly are treated as a chance to learn — so report them.
""",
        ),
        lesson(
            "Disclosure: saying who you are and who paid",
            9,
            """\
People have a right to know when the person praising a product works for the company that sells it,
or was paid to post. Hiding it misleads them, and in many countries it breaks consumer protection law.

## When you talk about Acme or our competitors

Say that you work here, in the post or clearly in your profile: "I work at Acme" is enough. Never post
reviews or ratings of our products — or our competitors' — without saying who you work for.

## Sponsored and gifted content

Anything Acme paid for, or gave for free in exchange for a post, is an advertisement:

- label it at the start, where people see it without clicking "more": **#ad** or **Sponsored**;
- use the network's own paid-partnership label when there is one;
- "#sp", "#collab" or a label hidden among thirty hashtags do not count.

## Employee advocacy

When you share company content that you were asked to share, add your own words and keep it honest.
You never need to pretend to be a customer.

## In CoE Hub

Posts on a sponsored campaign are checked for a disclosure before they can be submitted; a post
without one is stopped with a message that says what to add.
""",
        ),
        lesson(
            "Confidential information and AI tools",
            7,
            """\
## What stays inside

- financial results before they are published;
- product plans, roadmaps and launch dates;
- customer names, their data, and anything customers told us in confidence;
- prices and terms under negotiation;
- internal documents, and screenshots of internal tools or chats.

A photo of your desk can reveal a whiteboard, a screen or a badge. Check the background before you
post.

## If you are not sure

If you are not sure whether something is public, it is not. Ask the Social Media CoE.

## AI tools

You may use AI tools to help draft posts for official accounts, but:

1. a person checks every fact and claim and is responsible for what is published;
2. confidential information never goes into an AI tool that IT & Security has not approved;
3. images or videos generated or substantially changed with AI are labelled as such.
""",
        ),
        lesson(
            "Official accounts and how posts are approved",
            8,
            """\
Official Acme accounts speak for the company, so they are run differently from your own.

## Who may post

Only trained and certified colleagues post on official accounts, and only through CoE Hub. Some
channels also ask that you have accepted the current social media policy. If you are missing
something, the compose page tells you exactly what and links to it.

## The approval route

Each channel has an approval route: ordered stages such as the department lead, then Brand, then
Legal when a post needs it. Nobody approves their own post, and any change to a post after an
approval sends it through the stages again.

## Content rules

Every post is checked as you write it and again before it goes out: banned terms, required
disclosures, links to domains we trust, personal data and each network's length limit. A blocking
rule stops the post with a message; a warning adds a review stage, for example by Legal.

## Never create look-alike accounts

An account that looks official but is not confuses customers and is a gift to scammers. Ask the
Social Media CoE to set up a new official account.
""",
        ),
    ],
    [
        single(
            "Who does the social media policy apply to?",
            [
                "Only people who post on official accounts",
                "Only full-time employees, during working hours",
                "*Everyone who works for Acme, including contractors and agency staff, on any account",
                "Only the Social Media CoE",
            ],
            "It covers everyone working for Acme, on company and personal accounts, at work and at home.",
        ),
        true_false(
            "When a new version of the policy changes something important, you are asked to read and accept it again.",
            True,
            "Major changes ask everyone in the audience to accept the new version; minor edits do not.",
        ),
        single(
            "Acme sent an influencer a free product in exchange for a video. How should the post be labelled?",
            [
                "No label: no money changed hands",
                "#sp at the end of the hashtags",
                "*#ad or 'Sponsored' at the start, plus the network's paid-partnership label",
                "A thank-you to Acme in the comments",
            ],
            "A gift in exchange for a post is an advertisement; label it clearly where people see it first.",
        ),
        multiple(
            "Which of these are confidential and must not be posted?",
            [
                "*Quarterly results before they are announced",
                "*A screenshot of an internal dashboard",
                "*A customer's name from a support ticket",
                "A link to a press release already on our website",
            ],
            "Unpublished results, internal tools and customer data stay inside; published material may be shared.",
        ),
        true_false(
            "Writing a five-star review of an Acme product without saying you work here is fine if you truly like "
            "the product.",
            False,
            "Reviews by employees must disclose the employment, whatever you think of the product.",
        ),
        single(
            "You are not sure whether a product's launch date is public yet. What do you do?",
            [
                "Post it; someone would have told you if it were secret",
                "*Treat it as not public and ask the Social Media CoE",
                "Post it with 'rumour has it'",
                "Ask in a public group whether anyone knows",
            ],
            "If you are not sure something is public, it is not.",
        ),
        multiple(
            "You use an AI tool to help draft a post for an official account. Which are required?",
            [
                "*A person checks every fact and claim before it is published",
                "*No confidential information goes into a tool IT & Security has not approved",
                "The AI tool is named as the author",
                "*An image generated by AI is labelled as such",
            ],
            "A person stays responsible, confidential data stays in approved tools, and AI-made media is labelled.",
        ),
        single(
            "Who may post on an official Acme account?",
            [
                "Anyone in the department that owns it",
                "*Trained and certified colleagues, through CoE Hub",
                "Whoever has the password",
                "Only the CEO",
            ],
            "Official posts go through CoE Hub by certified people, and follow the channel's approval route.",
        ),
        true_false(
            "After a reviewer approves your post, you may still fix a typo without it being reviewed again.",
            False,
            "Any change after an approval sends the post through the stages again, so reviewers approve what goes out.",
        ),
        single(
            "A content rule raises a warning on your post. What happens?",
            [
                "The post is deleted",
                "Nothing: warnings are for information only",
                "*A review stage is added, for example by Legal",
                "The post is published immediately with a label",
            ],
            "Blocking rules stop a post; warnings add a review stage so an expert looks at it.",
        ),
    ],
)

# --- 3. Brand voice and visual identity -----------------------------------------------------------

BRAND_VOICE = document(
    {
        "title": "Brand voice and visual identity",
        "slug": "brand-voice",
        "summary": "How Acme sounds and looks on every channel: the helpful expert's voice, tone for the "
        "moment, visuals everyone can see, and claims we can stand behind.",
        "level": "intermediate",
        "estimated_minutes": 30,
        "position": 30,
        "prerequisites": [],
        "quiz": STANDARD_QUIZ,
    },
    [
        lesson(
            "Our voice: the helpful expert",
            8,
            """\
Acme sounds like a helpful expert: **clear, warm and direct**. We know our subject and we share it
generously, without jargon and without showing off.

## Three qualities

- **Clear**: short sentences, plain words, one idea per post.
- **Warm**: we write to a person, not at an audience. "You" more than "customers".
- **Direct**: the useful part first. No throat-clearing.

## Before and after

| Before | After |
|---|---|
| "We are thrilled to unveil our revolutionary solution." | "Checkout now takes three taps, not seven." |
| "We apologise for any inconvenience caused." | "Sorry, your order is late. Update by 3 pm." |
| "Leverage synergies across omnichannel touchpoints." | "Answer customers wherever they ask." |

## What we never do

We do not mock customers, competitors or anyone else, and we do not join jokes at someone's expense,
even when they are trending.
""",
        ),
        lesson(
            "Tone for the moment",
            7,
            """\
Our voice stays the same; our **tone** changes with the situation, the way you speak differently at a
celebration and at a hospital bedside.

| Moment | Tone | Example |
|---|---|---|
| Product launch | upbeat, concrete | "It's here: batch refunds in one click." |
| Customer problem | calm, personal, no jokes | "That's not the experience we want for you. DM us your order number?" |
| Outage or crisis | sober, factual, frequent | "Checkout is down. We're fixing it and will update at 14:30." |
| Community win | generous, credit others | "Huge thanks to the 300 volunteers who…" |

## Read the room

Before a scheduled post goes out, check the news. A cheerful promotion published during a tragedy
reads as careless. During a declared crisis incident, CoE Hub freezes scheduled posts on the
affected channels for exactly this reason.

## Emoji

Use them sparingly, at the end of a sentence, never in place of words — screen readers read every
emoji aloud.
""",
        ),
        lesson(
            "Visual identity that everyone can see",
            8,
            """\
## Logos, colours and templates

Use only the logo files and templates from the brand portal. Keep the clear space around the logo, do
not stretch, recolour or animate it, and never put it on a busy photo.

## Accessibility is part of the brand

- **Alt text** on every image: describe what matters in the picture, in a sentence.
- **Contrast**: text on images needs enough contrast to be read on a phone in sunlight.
- **Captions** on every video; many people watch without sound.
- **Hashtags in CamelCase** (#AcmeSupport, not #acmesupport), so screen readers read the words.
- Do not put important information only in an image: say it in the text too.

## Photos of people

Only use photos of people who agreed to appear, and never of customers without written permission.
Diverse, real people beat stock photos.
""",
        ),
        lesson(
            "Claims and words we avoid",
            7,
            """\
Every claim we make in public must be true, provable and fair.

## Claims need evidence

"Fastest", "best", "number one", "guaranteed" and "100 % secure" are claims. If we cannot show the
evidence — a test, a survey, a published ranking — we do not say it. "Customers tell us…" needs real
customers who said it.

## Competitors

We may compare ourselves with competitors only on facts that can be checked, and we never disparage
them.

## Words we avoid

Some words are banned on our channels because they are misleading or risky: "risk-free", "cure",
"guaranteed returns". CoE Hub's content rules stop posts that use them and explain why.

## When Legal looks at a post

A post that makes a health, financial or safety claim, runs a contest, or mentions a competitor may
get a Legal review stage added automatically. That is not a failure: it is the route working.
""",
        ),
    ],
    [
        single(
            "Which post sounds most like Acme's voice?",
            [
                "Acme is thrilled to unveil a revolutionary, best-in-class solution!",
                "*Checkout now takes three taps instead of seven. Here's how.",
                "Leverage our synergies to optimise your omnichannel journey.",
                "You won't BELIEVE what we just launched!!!",
            ],
            "Clear, warm and direct: the useful fact first, in plain words.",
        ),
        true_false(
            "Our tone changes with the situation, but our voice stays the same.",
            True,
            "The helpful-expert voice is constant; the tone adapts — upbeat for a launch, sober in a crisis.",
        ),
        single(
            "A customer posts that their order is late for the second time. Which reply fits our tone?",
            [
                "Sorry for any inconvenience caused.",
                "Ha, we're a bit slow this week, bear with us!",
                "*That's not the experience we want for you. Could you DM us your order number so we can sort it?",
                "Please read our delivery terms.",
            ],
            "Calm, personal and helpful, with a next step — and no jokes about someone's problem.",
        ),
        multiple(
            "Which make a post accessible?",
            [
                "*Alt text that describes the image",
                "*Captions on the video",
                "*Hashtags written in CamelCase",
                "Putting the key information only inside the image",
            ],
            "Alt text, captions and CamelCase hashtags help everyone; information only in an image is lost to "
            "screen readers.",
        ),
        true_false(
            "You may recolour the Acme logo to match a campaign's colours.",
            False,
            "Use the logo files from the brand portal as they are: no stretching, recolouring or animating.",
        ),
        single(
            "You want to write 'the fastest checkout in Europe'. What do you need first?",
            [
                "A colleague who agrees",
                "*Evidence such as an independent test that shows it",
                "Approval from your manager only",
                "Nothing, it's marketing language",
            ],
            "A superlative is a claim: without evidence we do not make it.",
        ),
        multiple(
            "Which of these are claims that need evidence before we post them?",
            [
                "*'Guaranteed to save you time'",
                "*'Number one for customer satisfaction'",
                "'Here's how to set up batch refunds'",
                "*'100 % secure'",
            ],
            "Guarantees, rankings and absolute security are claims; a how-to is not.",
        ),
        single(
            "Where do emoji belong in our posts?",
            [
                "In place of key words, to save space",
                "*Sparingly, at the end of a sentence",
                "As many as possible for reach",
                "Never, they are banned",
            ],
            "Screen readers read every emoji aloud, so they never replace words and stay few.",
        ),
        true_false(
            "A post that mentions a competitor may get a Legal review stage added automatically.",
            True,
            "Content rules warn on comparative claims and add a review stage; it is the route working.",
        ),
        single(
            "A cheerful promotion is scheduled for the afternoon, and a tragedy is in the news this morning. What "
            "do you do?",
            [
                "Let it go out; it was approved",
                "*Hold or reschedule it and check with your liaison or the CoE",
                "Add a sad emoji to it",
                "Post it earlier so it is out of the way",
            ],
            "Read the room: a tone-deaf post reads as careless, whatever its approval.",
        ),
    ],
)

# --- 4. Crisis response and escalation ------------------------------------------------------------

CRISIS_RESPONSE = document(
    {
        "title": "Crisis response and escalation",
        "slug": "crisis-response",
        "summary": "Telling an issue from a crisis, who to tell and how fast, what happens in the first hour, "
        "and how we speak until it is over.",
        "level": "intermediate",
        "estimated_minutes": 35,
        "position": 40,
        "prerequisites": [],
        "quiz": STANDARD_QUIZ,
    },
    [
        lesson(
            "Spotting a crisis early",
            8,
            """\
Most crises start small: one angry post, one video, one leaked screenshot. The sooner the CoE knows,
the more options we have.

## Issue or crisis?

An **issue** is a complaint or a negative story that stays contained. A **crisis** threatens people's
safety, our customers' trust, or the company's reputation at scale. Signals that an issue is
becoming a crisis:

- **velocity**: shares and mentions growing by the hour;
- **media interest**: journalists or influential accounts picking it up;
- **safety or legal**: anyone hurt, data exposed, a law possibly broken;
- **truth**: the claim might be correct.

## What to do when you see one

Do not reply, share, like or delete anything. Take a screenshot, copy the link and tell the Social
Media CoE straight away. Outside office hours, call the crisis line on the intranet.

## What not to do

Do not "set the record straight" from your own account, however tempting. Several people answering in
different words is how a crisis grows.
""",
        ),
        lesson(
            "The escalation ladder",
            9,
            """\
Our crisis plan grades every incident on four levels. The level decides who is called and how fast.

![The four levels of the escalation ladder](image:escalation-ladder.png)

| Level | What it looks like | Who is told |
|---|---|---|
| 1 · Low | a complaint that could spread | Social Media CoE, Customer Service liaison |
| 2 · Medium | negative attention, media interest | plus PR & Communications |
| 3 · High | trending, harm to our reputation | plus Legal and the leadership team |
| 4 · Critical | safety, legal or existential | everyone on the escalation list, at once |

## Declaring an incident

A CoE manager or a spokesperson named in the crisis plan declares the incident in CoE Hub. The people
on the escalation list are alerted, the first steps of the scenario are sent with the alert, and the
affected channels are frozen.

## When in doubt, go one level up

It costs little to stand a team down. It costs a lot to be late.
""",
        ),
        lesson(
            "The first hour",
            9,
            """\
The first hour decides whether we look in control. Three things happen at once.

## 1. Stop the noise

Scheduled posts on the affected channels are **frozen** the moment an incident is declared, so no
cheerful promotion goes out in the middle of it. Frozen posts wait until the incident is resolved and
a CoE manager decides: release, reschedule or withdraw.

## 2. Say something true, quickly

A **holding statement** is prepared wording, approved in advance, that we can publish within minutes:
we know, we are looking into it, here is when we will update. It has blanks in square brackets — the
time, the product — and nothing goes out until every blank is filled.

> We're aware that [what happened]. We're looking into it now and will share an update by [time].

## 3. One voice

Only the plan's **spokespeople** speak for Acme. Everyone else — including people who know the
answer — stays silent in public and sends what they know to the incident team.
""",
        ),
        lesson(
            "Responding and recovering",
            9,
            """\
## Keep updating

Update at the time you promised, even if nothing has changed: silence is filled by rumours. Hourly is
a good rhythm during the first day of a high or critical incident.

## How we speak

- facts, not speculation; say what we know and what we do not;
- apologise sincerely when we got something wrong, without legal hedging;
- never argue with angry people in the replies; offer a direct channel;
- do not delete critical posts or comments — deletion becomes the next story.

## Closing the incident

A CoE manager resolves the incident when it is over; the freeze lifts, and the frozen posts are
reviewed before anything goes out.

## The post-incident review

Within two weeks, the team reviews what happened: the timeline, what went well, what did not, and
what changes — in the plan, the holding statements or the training. The review is recorded with the
incident, so the next team learns from it.
""",
        ),
    ],
    [
        multiple(
            "Which signals suggest an issue is becoming a crisis?",
            [
                "*Mentions are growing by the hour",
                "*A journalist has asked for comment",
                "*Someone says they were hurt by a product",
                "One customer left a one-star review last month",
            ],
            "Velocity, media interest and safety or legal exposure are the warning signs.",
        ),
        single(
            "You see a video claiming an Acme product caught fire, and it is spreading. What do you do first?",
            [
                "Reply that our products are safe",
                "Report the video to the platform and move on",
                "*Screenshot it, copy the link and tell the Social Media CoE at once",
                "Share it with your team to ask what they think",
            ],
            "Do not engage; capture the evidence and alert the CoE (or the crisis line out of hours).",
        ),
        true_false(
            "If you know the right answer, you should post it from your own account to set the record straight.",
            False,
            "Only the plan's spokespeople speak for Acme; many voices make a crisis grow.",
        ),
        single(
            "An incident is trending and harming our reputation, but nobody is hurt. Which level is it?",
            ["1 · Low", "2 · Medium", "*3 · High", "4 · Critical"],
            "Trending with harm to reputation is level 3; level 4 is for safety, legal or existential threats.",
        ),
        single(
            "What happens to scheduled posts on the affected channels when an incident is declared?",
            [
                "They are published early",
                "They are deleted",
                "*They are frozen until the incident is resolved and a CoE manager decides on them",
                "Nothing",
            ],
            "The freeze stops tone-deaf posts; a CoE manager releases, reschedules or withdraws each afterwards.",
        ),
        single(
            "What is a holding statement?",
            [
                "A statement that blames the platform",
                "*Wording approved in advance that says we know and when we will update, with blanks to fill in",
                "A legal notice sent to journalists",
                "A post that is held back until the crisis is over",
            ],
            "It lets us say something true within minutes; every [blank] must be filled before it goes out.",
        ),
        true_false(
            "A holding statement can go out while a blank such as [time] is still in it.",
            False,
            "Nothing goes out until every blank is filled in.",
        ),
        multiple(
            "During an incident, which are right?",
            [
                "*Update at the time you promised, even if nothing changed",
                "*Say what we know and what we do not",
                "Delete the angriest comments",
                "Argue with people who spread false claims",
            ],
            "Regular, honest updates build trust; deleting and arguing make the story worse.",
        ),
        single(
            "You are unsure whether an incident is level 2 or level 3. What does the plan say?",
            [
                "Pick level 2 to avoid alarm",
                "*Go one level up: standing a team down costs little",
                "Wait an hour to see",
                "Ask on social media",
            ],
            "When in doubt, escalate: being late costs far more than a false alarm.",
        ),
        single(
            "When does the post-incident review happen?",
            [
                "Only after critical incidents",
                "*Within two weeks of every incident, recorded with the incident",
                "At the end of the year",
                "Only if leadership asks",
            ],
            "Every incident is reviewed soon after, so the plan and training improve.",
        ),
    ],
)

# --- 5. Social selling and pipeline ---------------------------------------------------------------

SOCIAL_SELLING = document(
    {
        "title": "Social selling and pipeline",
        "slug": "social-selling",
        "summary": "Using social networks to find and help the right buyers, turn conversations into "
        "pipeline, and measure it — without spam and within the rules.",
        "level": "advanced",
        "estimated_minutes": 35,
        "position": 50,
        "prerequisites": ["account-setup-and-etiquette"],
        "quiz": STANDARD_QUIZ,
    },
    [
        lesson(
            "What social selling is (and is not)",
            8,
            """\
Social selling is **helping buyers before they are ready to buy**, so that when they are, they think
of you. It is relationships and useful content, not cold pitches in direct messages.

## Why it works

Business buyers do most of their research before they talk to a salesperson. They read posts, ask
their network and watch who is helpful. A seller who is already part of that conversation starts
ahead.

## What it is not

- mass connection requests with a sales pitch attached;
- automated messages pretending to be personal;
- commenting "Great post!" on everything a prospect writes.

## Your foundation

Everything in *Setting up your professional accounts* matters twice here: a complete profile that
says who you help, and a network that trusts you.
""",
        ),
        lesson(
            "Building a network that matters",
            9,
            """\
## Know who you are looking for

Start from the accounts your team targets: the companies, the roles that decide, the roles that
influence. Follow them, and the people they listen to.

## Engage before you ask

For a few weeks, be useful in public: answer questions, share an insight with your own comment, and
congratulate people on real news. Your name becomes familiar.

## Connection requests that get accepted

Always add a note, and make it about them: where you met, what they wrote, why connecting helps them.

> "Hi Ana — your post on shortening onboarding for retail staff was spot on; we've seen the same in
> stores. Would be good to stay in touch."

## Share content that helps

Three useful things for every one thing about Acme. A customer story, a how-to, an industry report
with your take — each shared with your own words, not just the link.
""",
        ),
        lesson(
            "Turning conversations into pipeline",
            9,
            """\
## Notice the signals

A prospect comments on a post about a problem you solve, changes jobs, starts hiring for a role that
uses our product, or asks their network for recommendations. These are reasons to reach out.

## Move to a conversation with consent

Reply in public first, then offer to continue privately: "Happy to share how others handled it —
shall I send you a message?" Never drop a price list into someone's messages uninvited.

## Keep the record

Log meaningful conversations in the CRM, with the source "social", so the team knows what happened
and pipeline can be traced back.

## Make links measurable

Share links with campaign tags (UTM parameters) from CoE Hub's campaigns, so visits and sign-ups are
attributed to social. Without them, the work you do here is invisible in the numbers.
""",
        ),
        lesson(
            "Rules of the road",
            9,
            """\
Social selling happens on your own accounts, so the social media policy applies in full.

## Disclose and be honest

Your profile says you work at Acme. Never pretend to be a neutral customer recommending us.

## No spam, no automation

Tools that send connection requests or messages automatically break the networks' terms and annoy
exactly the people we want to reach. Do not use them.

## Customers' names

Name a customer in public only when they have agreed to it in writing — usually through a published
case study.

## Prices, contracts and regulated claims

Never discuss prices, discounts or contract terms in public. Claims about returns, savings or
compliance need the same evidence as on official channels; when in doubt, ask the CoE or Legal.
""",
        ),
    ],
    [
        single(
            "What is social selling?",
            [
                "Sending as many sales messages as possible through social networks",
                "*Helping buyers with useful content and relationships before they are ready to buy",
                "Buying ads that target competitors' customers",
                "Automating connection requests",
            ],
            "It is about being helpful and trusted early, not volume of pitches.",
        ),
        true_false(
            "A connection request with a personal note about the other person is more likely to be accepted.",
            True,
            "A note that is about them shows you are not mass-messaging.",
        ),
        multiple(
            "Which are good signals to reach out to a prospect?",
            [
                "*They asked their network for recommendations on a problem we solve",
                "*They commented on a post about a challenge our product addresses",
                "*Their company started hiring for a role that uses our product",
                "They have a large number of followers",
            ],
            "Signals relate to a need or a change; follower counts say nothing about intent.",
        ),
        single(
            "A prospect thanks you in public for an insight. What is the best next step?",
            [
                "Send them the price list by direct message",
                "*Reply, and offer to continue privately if they would find it useful",
                "Tag your manager in the thread",
                "Ask them to book a demo in the comments",
            ],
            "Move to a private conversation with consent; never pitch uninvited.",
        ),
        true_false(
            "Tools that automatically send connection requests and messages are fine if the messages look personal.",
            False,
            "Automation breaks the networks' terms and the trust social selling depends on.",
        ),
        single(
            "Why do you share links with campaign (UTM) tags?",
            [
                "They make links shorter",
                "*So visits and sign-ups are attributed to social and pipeline can be traced back",
                "The networks require them",
                "They hide where the link goes",
            ],
            "Without tags, the results of social selling are invisible in the numbers.",
        ),
        single(
            "When may you name a customer in a public post?",
            [
                "Whenever the deal is signed",
                "When they liked one of our posts",
                "*When they have agreed in writing, for example in a published case study",
                "Never",
            ],
            "Customer names are confidential unless the customer agreed in writing.",
        ),
        multiple(
            "Which belong in a healthy mix of what you share?",
            [
                "*A customer story that has been published",
                "*An industry report with your own take",
                "*A how-to that solves a common problem",
                "A discount code posted in a prospect's comments",
            ],
            "Mostly useful content with your own words; prices and discounts are not discussed in public.",
        ),
        true_false(
            "The social media policy does not apply to social selling because it happens on your own account.",
            False,
            "The policy applies whenever you talk about Acme, on any account.",
        ),
        single(
            "Where do you record a meaningful conversation with a prospect that started on social media?",
            [
                "Nowhere; social is informal",
                "In a private note on your phone",
                "*In the CRM, with the source 'social'",
                "In a public post thanking them",
            ],
            "Logging it keeps the team informed and makes social's contribution to pipeline visible.",
        ),
    ],
)

# --- 6. Measuring what matters --------------------------------------------------------------------

MEASURING = document(
    {
        "title": "Measuring what matters",
        "slug": "measuring-what-matters",
        "summary": "From vanity metrics to value: the few measures that show whether social media serves "
        "the charter's objectives, how to attribute results, and how to report them.",
        "level": "advanced",
        "estimated_minutes": 30,
        "position": 60,
        "prerequisites": [],
        "quiz": STANDARD_QUIZ,
    },
    [
        lesson(
            "From vanity to value",
            7,
            """\
Followers and likes are easy to count and easy to grow, which is exactly why they mislead. They are
**vanity metrics** when nobody can say what decision they change.

## Start from the objectives

The CoE's charter names what social media is for at Acme: for example, faster customer service,
qualified pipeline, a stronger employer brand. Each objective gets one or two measures that show
progress towards it, and a target.

| Objective | Measure that matters | Vanity trap |
|---|---|---|
| Faster service | median first-response time | number of replies sent |
| Pipeline | opportunities sourced from social | profile views |
| Employer brand | applications from social | page followers |

## A number needs a "so what"

For every figure in a report, ask: *compared with what, and what do we do about it?*
""",
        ),
        lesson(
            "The metrics we use",
            8,
            """\
## Engagement rate

Interactions (reactions, comments, shares, saves) divided by impressions, as a percentage:

`engagement rate = interactions ÷ impressions × 100`

A post seen 20,000 times with 500 interactions has an engagement rate of 2.5 %. Dividing by
impressions, not followers, makes posts of different reach comparable.

## Click-through rate

Clicks divided by impressions. It shows whether the post made people want more.

## Response time

For customer service: the **median** time to the first human reply. The median is not thrown off by
one message that waited all weekend.

## Share of voice and sentiment

Our mentions as a share of all mentions in our market, and the balance of positive to negative ones.
Sentiment tools misread sarcasm; check a sample by hand.

## Conversions

Sign-ups, demo requests, applications — counted only when the link carried campaign tags.
""",
        ),
        lesson(
            "Attribution and return on investment",
            8,
            """\
## Attribution

People rarely act after one post. **Last-touch** attribution gives all the credit to the last click
before a conversion; **first-touch** to the first. **Assisted** conversions count every touch along
the way. Say which model a figure uses — the same campaign looks very different under each.

## Return on investment

`ROI = (value gained − cost) ÷ cost × 100`

The cost includes people's time, not only ad spend and tools. A campaign that cost 10,000 in total
and produced 25,000 in attributed value has an ROI of 150 %.

## Be honest about uncertainty

Report ranges when the attribution is uncertain, and never add up the results of several attribution
models — the same sale would be counted more than once.
""",
        ),
        lesson(
            "Reports that leaders read",
            7,
            """\
Leaders have minutes, not hours. A good report answers three questions on one page:

1. **Are we on track?** Each objective's measure against its target, with the trend.
2. **Why?** One or two sentences on what moved the numbers.
3. **What next?** The decision or the help you need.

## Show trends, not snapshots

A single month's figure means little. Show the last six or twelve months and the target line.

## Fewer numbers, better

Ten charts hide the one that matters. Choose the measures tied to the charter's objectives; keep the
rest in an appendix or the dashboard.

## Consistency

Use the same definitions every time (the same engagement formula, the same attribution model), so
changes in the numbers are changes in the world, not in the method.
""",
        ),
    ],
    [
        single(
            "Which is a vanity metric when reported on its own?",
            [
                "*Number of page followers",
                "Opportunities sourced from social",
                "Median first-response time",
                "Applications from social",
            ],
            "Followers are easy to grow and rarely change a decision; the others tie to objectives.",
        ),
        single(
            "A post had 20,000 impressions and 500 interactions. What is its engagement rate?",
            ["0.25 %", "*2.5 %", "25 %", "40 %"],
            "500 ÷ 20,000 × 100 = 2.5 %.",
        ),
        true_false(
            "Dividing interactions by impressions rather than followers makes posts of different reach comparable.",
            True,
            "Impressions measure how many times the post was actually seen.",
        ),
        single(
            "Why do we report the median first-response time rather than the average?",
            [
                "The median is always lower",
                "*One message that waited all weekend does not distort it",
                "The networks only provide medians",
                "Averages cannot be calculated for time",
            ],
            "The median resists outliers, so it reflects the typical customer's experience.",
        ),
        single(
            "A campaign cost 10,000 in total, people's time included, and produced 25,000 in attributed value. "
            "What is its ROI?",
            ["60 %", "*150 %", "250 %", "35 %"],
            "(25,000 − 10,000) ÷ 10,000 × 100 = 150 %.",
        ),
        true_false(
            "The cost in an ROI calculation should include people's time, not only ad spend and tools.",
            True,
            "People are usually the largest cost of social media; leaving them out overstates the return.",
        ),
        multiple(
            "Which belong on a one-page report for leadership?",
            [
                "*Each objective's measure against its target, with the trend",
                "*A sentence on what moved the numbers",
                "*The decision or help needed",
                "Every chart the analytics tool can produce",
            ],
            "On track? Why? What next? Everything else goes in the appendix or the dashboard.",
        ),
        single(
            "What does last-touch attribution do?",
            [
                "Credits every touch equally",
                "*Gives all the credit to the last click before the conversion",
                "Credits the first post a person saw",
                "Ignores social media",
            ],
            "Say which model a figure uses: results look very different under each.",
        ),
        true_false(
            "To show the full picture, add up the conversions from the first-touch and last-touch models.",
            False,
            "The same sale would be counted twice; pick one model per figure and say which.",
        ),
        multiple(
            "Which need campaign (UTM) tags on the links to be counted as conversions from social?",
            ["*Sign-ups", "*Demo requests", "*Job applications", "Impressions"],
            "Conversions are counted only when the link carried campaign tags; impressions come from the network.",
        ),
    ],
)

# --- 7. Spokesperson final exam -----------------------------------------------------------------------

FINAL_EXAM = document(
    {
        "title": "Spokesperson final exam",
        "slug": "crisis-spokesperson-final-exam",
        "summary": "The Crisis Spokesperson track's final exam: scenarios from real crisis practice, under "
        "time pressure.",
        "level": "advanced",
        "estimated_minutes": 25,
        "position": 70,
        "prerequisites": ["crisis-response"],
        "quiz": {
            "questions_per_attempt": 10,
            "pass_mark_percent": 80,
            "max_attempts": 2,
            "cooldown_minutes": 1440,
            "time_limit_minutes": 20,
            "feedback": "after_pass",
        },
    },
    [
        lesson(
            "Before you take the exam",
            5,
            """\
This exam is the last step of the **Crisis Spokesperson** certification. It checks that you can apply
the crisis plan under pressure, not that you can recite it.

## How it works

- 10 scenario questions, drawn from a larger bank and shuffled;
- **20 minutes**, kept by the server from the moment you start — an attempt still open when time runs
  out is submitted as it stands;
- a pass mark of 80 %;
- **two attempts**, with a day between them, so you can go back over *Crisis response and escalation*;
- the right answers are shown once you pass.

If you need extra time as an accommodation, ask the CoE team before you start: they can add it to
your attempt.

## How to prepare

Re-read the escalation ladder and the first hour. For each scenario, ask yourself three questions:
*what level is this, who must know, and what do we say in the next thirty minutes?*
""",
        ),
        lesson(
            "Speaking for Acme: a refresher",
            8,
            """\
## The spokesperson's rules

1. **Speak only through the agreed channels**, in the words the incident team agreed.
2. **Lead with people**: anyone affected comes before the company's reputation.
3. **Say what you know, what you don't, and when you'll update** — then keep that promise.
4. **No speculation** on causes, blame or numbers that are not confirmed.
5. **No "no comment"**: say why you cannot say more yet ("we're confirming the facts with…").

## Interviews and live questions

Bridge back to your key message when a question invites speculation: *"What I can tell you is…"*.
Never repeat a hostile question's words in your answer; they become the quote.

## After you have spoken

Write down what you said, where and when, and add it to the incident's timeline in CoE Hub, so the
whole team knows exactly what Acme has said.
""",
        ),
    ],
    [
        single(
            "A customer posts a video of a smoking Acme charger; it has 50,000 views in two hours and a news site "
            "has asked for comment. What level is this incident?",
            ["1 · Low", "2 · Medium", "3 · High", "*4 · Critical"],
            "A possible safety issue spreading fast with media interest is critical.",
        ),
        single(
            "You are the spokesperson. Thirty minutes into a checkout outage, what do you publish?",
            [
                "Nothing until the cause is known",
                "*The approved holding statement with the blanks filled in, including when the next update comes",
                "An estimate of how long it will take, to reassure people",
                "A joke to lighten the mood",
            ],
            "Say something true quickly and promise the next update; do not guess at times.",
        ),
        true_false(
            "'No comment' is the safest answer when a journalist asks about the cause of an incident.",
            False,
            "Say why you cannot say more yet and when you will; 'no comment' reads as hiding something.",
        ),
        multiple(
            "Which belong in a first statement about a product safety complaint?",
            [
                "*That we know and are looking into it urgently",
                "*What people should do meanwhile, for example stop using the product",
                "*When we will update",
                "The likely cause, based on early guesses",
            ],
            "Lead with people's safety, facts and the next update; no speculation on causes.",
        ),
        single(
            "A reporter asks: 'Is Acme covering up a dangerous defect?' How do you answer?",
            [
                "'We are not covering up a dangerous defect.'",
                "*'What I can tell you is that customers' safety comes first: here is what we know and what we're "
                "doing.'",
                "'No comment.'",
                "'That's a ridiculous question.'",
            ],
            "Bridge to your key message and never repeat the hostile words: they become the quote.",
        ),
        single(
            "During an incident a colleague in Sales replies to an angry customer from their own account, trying "
            "to help. What should happen?",
            [
                "Nothing; the more people help, the better",
                "*The incident team asks them to stop and routes the customer to the agreed channel",
                "The colleague is removed from the company",
                "The spokesperson thanks them publicly",
            ],
            "One voice: only spokespeople speak for Acme, in the agreed words.",
        ),
        true_false(
            "After an interview, the spokesperson adds what was said, where and when to the incident's timeline.",
            True,
            "The team must know exactly what Acme has said.",
        ),
        single(
            "You promised an update at 15:00, but nothing has changed. What do you do at 15:00?",
            [
                "Skip it; there is nothing to say",
                "*Post an update saying work continues and when the next update will be",
                "Delete the earlier promise",
                "Wait until there is news",
            ],
            "Keep the promise even without news; silence is filled by rumours.",
        ),
        multiple(
            "An incident is declared on the support channels. Which happen in CoE Hub?",
            [
                "*Scheduled posts on the affected channels are frozen",
                "*The escalation list is alerted with the scenario's first steps",
                "All posts on every channel are deleted",
                "*Statements go through the plan's approval shortcut",
            ],
            "The freeze, the alert with first steps, and a fast approval route for statements; nothing is deleted.",
        ),
        single(
            "A frozen promotional post was scheduled for the middle of the incident. After the incident is "
            "resolved, who decides what happens to it?",
            [
                "It goes out automatically",
                "Its author",
                "*A CoE manager: release, reschedule or withdraw",
                "The platform",
            ],
            "Frozen posts wait for a CoE manager's decision once no active incident freezes the channel.",
        ),
        true_false(
            "If the cause of an outage is rumoured to be a cyber attack, the spokesperson may confirm it to calm "
            "speculation.",
            False,
            "Never confirm what is not confirmed by the incident team; speculation can mislead and create legal risk.",
        ),
        single(
            "Within two weeks after a critical incident is resolved, what is recorded with it?",
            [
                "Nothing; it is over",
                "*The post-incident review: timeline, what went well, what did not, and what changes",
                "Only the final statement",
                "A list of people to blame",
            ],
            "The review improves the plan, the holding statements and the training.",
        ),
    ],
)

CURRICULUM = [ACCOUNT_SETUP, POLICY_AND_DISCLOSURE, BRAND_VOICE, CRISIS_RESPONSE, SOCIAL_SELLING, MEASURING, FINAL_EXAM]
