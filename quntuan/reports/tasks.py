from celery import shared_task

from quntuan.reports.services import draft_generate


@shared_task
def generate_report_draft(draft_id: int) -> None:
    """Generate a draft's figures; running it twice recomputes the same figures."""
    draft_generate(draft_id=draft_id)


@shared_task
def run_roster_import(run_id: int) -> None:
    """Import a queued roster upload; safe to run twice (the second run finds it finished)."""
    from quntuan.reports.importer import import_run_execute

    import_run_execute(run_id=run_id)


@shared_task(name="quntuan.reports.tasks.resume_imports")
def resume_imports() -> int:
    """Queue again (or reject after too many starts) imports left behind by a dead worker."""
    from quntuan.reports.importer import import_runs_resume

    return import_runs_resume()
