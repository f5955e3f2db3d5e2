from celery import shared_task

from quntuan.reports.services import draft_generate


@shared_task
def generate_report_draft(draft_id: int) -> None:
    """Generate a draft's figures; running it twice recomputes the same figures."""
    draft_generate(draft_id=draft_id)
