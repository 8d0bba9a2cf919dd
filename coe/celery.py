"""The Celery app: configured from Django settings (CELERY_*), tasks autodiscovered per app."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coe.settings")

app = Celery("coe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_filesystem_broker_folders(sender: Celery, **kwargs) -> None:
    # The embedded broker keeps messages in folders that must exist before anyone writes.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@worker_ready.connect
def _heartbeat_on_start(sender, **kwargs) -> None:
    # Report at once, so /healthz is green as soon as a worker is up, not one interval later.
    sender.app.send_task("coe.tasks.worker_heartbeat_record_task")
