"""The listening demo: two topics, a month of mentions with their hours, one past spike with an
open alert; a second run changes nothing."""

import pytest

from analytics.demo import listening as demo
from analytics.models import ListeningAlert, ListeningTopic, Mention, TopicHour

pytestmark = pytest.mark.django_db


def test_demo_seeds_topics_mentions_hours_and_a_past_spike_once(people):
    demo.seed()
    assert set(ListeningTopic.objects.values_list("name", flat=True)) == {"Acme brand", "Acme Go app"}
    mentions, hours = Mention.objects.count(), TopicHour.objects.count()
    assert mentions > 1000 and hours > 500
    assert (
        Mention.objects.filter(sentiment__lte=-0.05).exists() and Mention.objects.filter(sentiment__gte=0.05).exists()
    )
    app = ListeningAlert.objects.filter(topic__name="Acme Go app")
    assert app.get(kind="volume_spike").status == "open"
    assert app.get(kind="negative_turn").status == "dismissed"
    demo.seed()
    assert (Mention.objects.count(), TopicHour.objects.count(), ListeningAlert.objects.count()) == (mentions, hours, 4)
