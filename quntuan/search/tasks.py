from celery import shared_task


@shared_task(name="quntuan.search.tasks.search_refresh")
def search_refresh() -> dict:
    """Index rows changed without signals (bulk updates, loads); see ``services.index_refresh``."""
    from quntuan.search.services import index_refresh

    return index_refresh()
