"""CSV uploads of metric snapshots: validated row by row, all-or-nothing (default) or the good
rows only, small files at once and large ones by a Celery task in chunks with their progress stored.

Rules kept here: only people who manage analytics import. The file must be UTF-8 CSV with the
documented header (analytics.services.ingest.CSV_COLUMNS) and at most ``MAX_ROWS`` rows. All or
nothing: every row is checked before any is stored, and one bad row stores nothing. Good rows:
each chunk stores its good rows. Every bad row is reported with its line, column and reason.
Re-running an import stores nothing twice (snapshots are idempotent).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from analytics import permissions
from analytics.models import MetricImport, MetricSnapshot
from analytics.services.ingest import CsvError, csv_rows, line_of, snapshots_ingest, snapshots_validate
from coe.audit import audit
from coe.errors import DomainError, NotAllowed

logger = logging.getLogger(__name__)

CHUNK_ROWS = 5000
INLINE_ROWS = 2000  # files up to this many rows are imported during the upload itself
MAX_ROWS = 2_000_000
MAX_BYTES = 200 * 1024 * 1024
KEPT_ERRORS = 1000


def _read(file) -> str:
    if getattr(file, "size", 0) and file.size > MAX_BYTES:
        raise DomainError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it and upload the parts.")
    try:
        return file.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DomainError("The file is not UTF-8 text; save it as “CSV UTF-8” and try again.") from error


def metric_import_start(*, actor, file, mode: str = MetricImport.Mode.ALL_OR_NOTHING) -> MetricImport:
    """Check the file's header and size and record the import; process it now when it is small,
    else enqueue the task (after commit). Raises DomainError for a file that cannot be read."""
    if not permissions.can_manage_analytics(actor):
        raise NotAllowed("Only the CoE imports metrics.")
    if mode not in MetricImport.Mode.values:
        raise DomainError("Choose all-or-nothing or import the good rows.", fields={"mode": ["Unknown mode."]})
    text = _read(file)
    try:
        total = sum(1 for _ in csv_rows(text))
    except CsvError as error:
        raise DomainError(str(error), fields={"file": [str(error)]}) from error
    if not total:
        raise DomainError("The file has no rows below the header.", fields={"file": ["No rows."]})
    if total > MAX_ROWS:
        raise DomainError(f"The file has {total:,} rows; the most one import takes is {MAX_ROWS:,}.")
    job = MetricImport.objects.create(
        created_by=actor, filename=getattr(file, "name", "")[:255], mode=mode, content=text, total_rows=total
    )
    if total <= INLINE_ROWS:
        metric_import_process(import_id=job.pk)
        job.refresh_from_db()
    else:
        from analytics.tasks import metric_import_process_task

        transaction.on_commit(lambda: metric_import_process_task.delay(job.pk))
    return job


def _errors(errors) -> list[dict[str, Any]]:
    return [{"line": line_of(error.index), "column": error.column, "reason": error.reason} for error in errors]


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _problems(problems: int, rows: int) -> str:
    return f"{_count(problems, 'problem')} in {_count(rows, 'row')}"


def _progress(job: MetricImport, **fields) -> None:
    MetricImport.objects.filter(pk=job.pk).update(**fields)


def metric_import_process(*, import_id: int) -> str:
    """Process one import (claimed once: a duplicate task delivery does nothing). Returns its status."""
    claimed = MetricImport.objects.filter(pk=import_id, status=MetricImport.Status.PENDING).update(
        status=MetricImport.Status.VALIDATING
    )
    job = MetricImport.objects.get(pk=import_id)
    if not claimed:
        return job.status
    try:
        rows = list(csv_rows(job.content))
        errors: list[dict[str, Any]] = []
        error_count = 0
        bad_rows: set[int] = set()
        created = duplicates = processed = 0
        if job.mode == MetricImport.Mode.ALL_OR_NOTHING:
            for start in range(0, len(rows), CHUNK_ROWS):
                _, bad = snapshots_validate(rows[start : start + CHUNK_ROWS], offset=start)
                error_count += len(bad)
                bad_rows.update(error.index for error in bad)
                errors.extend(_errors(bad[: max(KEPT_ERRORS - len(errors), 0)]))
                processed += len(rows[start : start + CHUNK_ROWS])
                _progress(job, processed_rows=processed)
            if error_count:
                _progress(
                    job,
                    status=MetricImport.Status.REJECTED,
                    errors=errors,
                    error_count=error_count,
                    content="",
                    finished_at=timezone.now(),
                    message=f"Nothing was imported: {_problems(error_count, len(bad_rows))}. "
                    "Fix them and upload the file again.",
                )
                return MetricImport.Status.REJECTED
        _progress(job, status=MetricImport.Status.IMPORTING)
        for start in range(0, len(rows), CHUNK_ROWS):
            chunk = rows[start : start + CHUNK_ROWS]
            report = snapshots_ingest(actor=None, rows=chunk, source=MetricSnapshot.Source.CSV, offset=start)
            created += report.created
            duplicates += report.duplicates
            error_count += len(report.errors)
            bad_rows.update(error.index for error in report.errors)
            errors.extend(_errors(report.errors[: max(KEPT_ERRORS - len(errors), 0)]))
            processed += len(chunk) * (2 if job.mode == MetricImport.Mode.GOOD_ROWS else 1)
            _progress(
                job,
                processed_rows=processed,
                created_count=created,
                duplicate_count=duplicates,
                error_count=error_count,
            )
        message = f"Imported {_count(created, 'snapshot')}; {duplicates:,} already stored"
        message += f"; {_problems(error_count, len(bad_rows))} left out." if error_count else "."
        _progress(
            job,
            status=MetricImport.Status.DONE,
            errors=errors,
            error_count=error_count,
            content="",
            finished_at=timezone.now(),
            message=message,
        )
        if job.created_by_id and created:
            audit(
                actor=job.created_by,
                action="metrics.imported",
                summary=f"Imported {created} metric snapshots from {job.filename or 'a CSV file'}.",
                obj=job,
                data={"created": created, "duplicates": duplicates, "errors": error_count},
            )
        return MetricImport.Status.DONE
    except Exception as error:
        logger.exception("Metric import %s failed", import_id)
        _progress(
            job, status=MetricImport.Status.FAILED, finished_at=timezone.now(), message=f"The import failed: {error}"
        )
        raise
