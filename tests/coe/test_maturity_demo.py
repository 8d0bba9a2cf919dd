"""The maturity demo: three company assessments showing progress, one department's, idempotent."""

from coe.demo import maturity as demo
from coe.models import MaturityAnswer, MaturityAssessment, MaturityRecommendation


def test_the_demo_shows_progress_and_a_second_run_changes_nothing(people):
    demo.seed()
    company = list(MaturityAssessment.objects.filter(department=None).order_by("completed_at"))
    assert [(a.level, a.stage) for a in company] == [(1, 1), (2, 2), (3, 3)]
    assert [a.scores["overall"] for a in company] == sorted(a.scores["overall"] for a in company)
    assert MaturityAssessment.objects.filter(department=people.marketing, status="completed").count() == 1
    counts = (
        MaturityAssessment.objects.count(),
        MaturityAnswer.objects.count(),
        MaturityRecommendation.objects.count(),
    )
    demo.seed()
    assert (
        MaturityAssessment.objects.count(),
        MaturityAnswer.objects.count(),
        MaturityRecommendation.objects.count(),
    ) == counts
