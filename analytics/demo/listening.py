"""Listening demo: two topics (the Acme brand and its Acme Go app) with 30 days of mentions in a
daily rhythm (busy afternoons, quiet nights, calmer weekends), mixed positive, neutral and
negative, and one past spike (spike threshold z ≥ 5: at 3 the afternoon rush of a week-long baseline
already alerts): ten days ago checkout in the app failed and an hour of angry
mentions raised a volume-spike alert (left open) and a sharp-turn-negative alert (dismissed).

Idempotent: once the topics exist nothing is added. Quick: a few hundred distinct texts, their
sentiment computed once each, everything bulk-created and the hours computed in SQL."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from analytics.models import ListeningAlert, ListeningTopic, Mention
from analytics.services import listening as services

DAYS = 30
SPIKE_DAYS_AGO = 10
SPIKE_HOUR_UTC = 14

TOPICS = [
    {
        "name": "Acme brand",
        "any_terms": "acme\n#acme\n@acme",
        "all_terms": "",
        "exclude_terms": "road runner\nwile e\nlooney tunes",
        "spike_z": 5,
        "baseline_hours": 168,
        "negative_turn": 0.5,
    },
    {
        "name": "Acme Go app",
        "any_terms": "acme go\n#acmego\nacmego",
        "all_terms": "",
        "exclude_terms": "",
        "spike_z": 5,
        "baseline_hours": 168,
        "negative_turn": 0.5,
    },
]

SOURCES = [
    ("mastodon", "https://mastodon.social/@{author}/{n}"),
    ("bluesky", "https://bsky.app/profile/{author}.bsky.social/post/{n}"),
    ("forum", "https://forum.example.org/t/{n}"),
    ("news", "https://news.example.com/story/{n}"),
]
AUTHORS = [
    "maria_k", "tomdev", "lena.reads", "sam_outdoors", "prof_ngo", "jules", "kofi_a", "anna.b", "retailwatch",
    "dan_the_dad", "hikerhana", "ravi_codes", "mo_salah_fan", "clara.design", "pete_p", "yuki", "olu", "greta_w",
]  # fmt: skip

BRAND = {
    "positive": [
        "Just got my order from Acme and the packaging is lovely, great job!",
        "Acme customer service sorted my problem in five minutes. Impressed.",
        "Love the new Acme autumn collection, the colours are beautiful.",
        "Shout-out to the Acme team at the Lyon store, super helpful and friendly.",
        "#acme delivered a day early again. Best shop in town.",
        "Acme's repair programme is brilliant, my old blender works like new.",
        "Really happy with the Acme loyalty points, saved 20 euros today.",
        "The @acme recycling scheme is a great idea, more brands should do this.",
    ],
    "neutral": [
        "Does anyone know if Acme ships to Norway?",
        "Acme opening hours on Sunday?",
        "Reading the Acme annual report this morning.",
        "Acme announced a new store in Porto next spring.",
        "Is the #acme sale online only or in stores too?",
        "Comparing Acme and two other shops for a new kettle.",
        "Acme is hiring in logistics, apparently.",
        "Does Acme sell vouchers online?",
    ],
    "negative": [
        "Acme lost my parcel and nobody answers the phone. Terrible.",
        "Waited 40 minutes in the Acme queue, so frustrating.",
        "My Acme toaster broke after two weeks. Disappointed.",
        "Acme charged me twice and the refund is taking forever, awful.",
        "Why is the @acme website so slow today? Annoying.",
    ],
}
APP = {
    "positive": [
        "The Acme Go app makes reordering so easy, love it.",
        "Paid with Acme Go in two taps, brilliant.",
        "New dark mode in #acmego looks great!",
        "Acme Go found me a great coupon today. Nice!",
        "Really smooth update of the Acme Go app, well done.",
    ],
    "neutral": [
        "Is Acme Go available on older Android phones?",
        "Acme Go asked me to update again.",
        "How do I change my address in Acme Go?",
        "Trying out the Acme Go app for the first time.",
    ],
    "negative": [
        "Acme Go keeps logging me out, annoying.",
        "Acme Go crashed while I was paying. Not great.",
    ],
}
SPIKE = [
    "Acme Go checkout is broken, I cannot pay for anything! Terrible.",
    "Acme Go charged my card and then failed. Furious, where is my money?",
    "Is Acme Go down for everyone? Payment error every single time. Awful.",
    "Third time Acme Go checkout failed today. Worst app ever.",
    "@acme your Acme Go app just ate my order and my money. Unacceptable!",
    "Acme Go checkout error again, this is a disaster. Fix it!",
    "Cannot complete my order in #acmego, payment fails, so angry.",
    "Acme Go took the payment twice and shows an error. Scam?",
    "Acme Go payment broken, lost my basket too. Hate this.",
    "Why does Acme Go keep failing at checkout? Horrible experience.",
]


def _rate(hour: datetime, base: float) -> float:
    """Mentions expected in an hour: busy afternoons, quiet nights, calmer weekends."""
    local = hour.hour
    if 1 <= local <= 6:
        factor = 0.15
    elif local <= 9 or local >= 22:
        factor = 0.5
    elif 12 <= local <= 18:
        factor = 1.4
    else:
        factor = 1.0
    return base * factor * (0.7 if hour.weekday() >= 5 else 1.0)


def _pick(rng: random.Random, texts: dict[str, list[str]]) -> str:
    mood = rng.choices(["positive", "neutral", "negative"], weights=[45, 40, 15])[0]
    return rng.choice(texts[mood])


def seed() -> None:
    if ListeningTopic.objects.filter(name__in=[t["name"] for t in TOPICS]).exists():
        return
    manager = get_user_model().objects.filter(username="manager").first()
    member = get_user_model().objects.filter(username="member").first()
    topics = [ListeningTopic.objects.create(created_by=manager, **fields) for fields in TOPICS]

    rng = random.Random(20261125)  # noqa: S311 - demo data, not security
    now = timezone.now().astimezone(UTC)
    last_hour = now.replace(minute=0, second=0, microsecond=0)
    first_hour = last_hour - timedelta(days=DAYS)
    spike_hour = (last_hour - timedelta(days=SPIKE_DAYS_AGO)).replace(hour=SPIKE_HOUR_UTC)
    mentions: list[Mention] = []
    counter = 0

    def add(hour: datetime, text: str) -> None:
        nonlocal counter
        counter += 1
        source, pattern = rng.choice(SOURCES)
        author = rng.choice(AUTHORS)
        posted_at = hour + timedelta(seconds=rng.randrange(3600))
        if posted_at > now:
            return
        mentions.append(
            Mention(
                source=source,
                external_id=f"demo-{hour:%Y%m%d%H}-{counter}",
                author=author,
                text=text,
                url=pattern.format(author=author, n=100000 + counter),
                posted_at=posted_at,
                sentiment=services.sentiment_of(text),
                received_at=posted_at + timedelta(minutes=2),
            )
        )

    hour = first_hour
    while hour <= last_hour:
        for _ in range(_poisson(rng, _rate(hour, 2.2))):
            add(hour, _pick(rng, BRAND))
        for _ in range(_poisson(rng, _rate(hour, 1.0))):
            add(hour, _pick(rng, APP))
        hour += timedelta(hours=1)
    for burst_hour, count in ((spike_hour, 46), (spike_hour + timedelta(hours=1), 18)):
        for _ in range(count):
            add(burst_hour, rng.choice(SPIKE))

    Mention.objects.bulk_create(mentions, batch_size=1000, ignore_conflicts=True)
    for topic in topics:
        services.topic_rematch(topic=topic, days=DAYS + 1)

    raised = services.alerts_detect(topic_ids=[t.pk for t in topics], now=spike_hour + timedelta(hours=1, minutes=5))
    for alert in raised:
        if alert.kind == ListeningAlert.Kind.NEGATIVE_TURN and member is not None:
            services.alert_dismiss(actor=member, alert=alert)
            # Handled back then (the volume spike was left open, for the demo to act on).
            ListeningAlert.objects.filter(pk=alert.pk).update(
                created_at=alert.hour + timedelta(hours=1, minutes=5), handled_at=alert.hour + timedelta(minutes=95)
            )
        else:
            ListeningAlert.objects.filter(pk=alert.pk).update(created_at=alert.hour + timedelta(hours=1, minutes=5))


def _poisson(rng: random.Random, rate: float) -> int:
    """A Poisson-distributed count (Knuth's method; the rates here are small)."""
    limit, k, product = pow(2.718281828459045, -rate), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k
