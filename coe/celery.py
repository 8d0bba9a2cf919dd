"""The Celery app: configured from Django settings (CELERY_*), tasks autodiscovered per app."""

import gc
import os
from pathlib import Path

from celery import Celery
from celery.signals import task_prerun, worker_process_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coe.settings")

app = Celery("coe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Celery's Django fixup closes every database connection before and after every task unless this
# is set: a new Postgres connection per task, a third of a short task's time. Connections are kept
# instead (CONN_MAX_AGE), and each task drops unusable or expired ones the way Django does around a
# request (close_old_connections, below), so with CONN_HEALTH_CHECKS a Postgres restart costs no
# failed task. The fixup still recycles connections after this many tasks per process.
app.conf.CELERY_DB_REUSE_MAX = 1000


@task_prerun.connect
def _drop_unusable_database_connections(**kwargs) -> None:
    from django.db import close_old_connections

    close_old_connections()


@worker_process_init.connect
def _freeze_what_was_imported(**kwargs) -> None:
    # Everything loaded before the fork lives as long as the process: the garbage collector need
    # not scan it on every collection (a few % of a short task), nor touch its shared pages.
    gc.freeze()


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
