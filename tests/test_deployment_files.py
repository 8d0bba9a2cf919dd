"""No Docker engine runs here, so docker-compose.yml and the Dockerfile are checked by reading:
the commands they run are the ones tests/e2e/test_processes.py runs as real processes."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_whole_stack_with_health_checks_and_a_database_volume():
    services = compose()["services"]
    assert {"db", "redis", "migrate", "web", "worker", "beat"} <= set(services)
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in services["db"]["volumes"])
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://redis:")


def test_compose_runs_the_commands_the_process_tests_run():
    services = compose()["services"]
    assert services["web"]["command"][:2] == ["gunicorn", "coe.wsgi"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "coe", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "coe", "beat"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_procfile_starts_web_worker_and_beat():
    entries = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert set(entries) == {"web", "worker", "beat"}
    assert "gunicorn coe.wsgi" in entries["web"] and "celery -A coe worker" in entries["worker"]


def test_front_end_comes_from_packages_never_a_cdn():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        for match in re.finditer(r'(?:src|href)="(https?://[^"]+)"', path.read_text()):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(1)}")
    assert offenders == []
    lock = (ROOT / "package-lock.json").read_text()
    assert '"node_modules/bootstrap"' in lock and '"node_modules/htmx.org"' in lock


def test_every_setting_read_from_the_environment_is_documented():
    names = set()
    for module in ("coe/settings.py",):
        names |= set(re.findall(r'env_(?:str|bool|int|list|optional)\("([A-Z_]+)"', (ROOT / module).read_text()))
    readme, example = (ROOT / "README.md").read_text(), (ROOT / ".env.example").read_text()
    missing = sorted(name for name in names if name not in readme or name not in example)
    assert missing == []
