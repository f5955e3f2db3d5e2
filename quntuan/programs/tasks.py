"""Background work for targeted notices. Tasks take ids and may run twice without harm."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from quntuan.programs import services
from quntuan.programs.models import FanoutShard, Notice


@shared_task(bind=True, name="quntuan.programs.tasks.notice_fanout", acks_late=True)
def notice_fanout(self, notice_id: int, batch_size: int = services.BATCH_SIZE, shard_id: int | None = None) -> str:
    """Without ``shard_id``: start (or resume) a chain for every unfinished shard of the notice.
    With it: one batch of that shard, then the next batch as a new task on the same queue. Safe
    to run twice: the shard's cursor and the unique delivery row make a repeated batch a no-op."""
    queue = (self.request.delivery_info or {}).get("routing_key") if not self.request.is_eager else None
    options = {"queue": queue} if queue else {}
    if shard_id is None:
        shards = list(FanoutShard.objects.filter(notice_id=notice_id, done=False).values_list("pk", flat=True))
        for pk in shards:
            notice_fanout.apply_async((notice_id, batch_size, pk), **options)
        return f"shards:{len(shards)}"
    result = services.notice_fanout_batch(shard_id=shard_id, batch_size=batch_size)
    if result == "more":
        notice_fanout.apply_async((notice_id, batch_size, shard_id), **options)
    elif result == "wait" and not self.request.is_eager:
        notice = Notice.objects.filter(pk=notice_id).only("not_before").first()
        if notice is not None and notice.not_before:
            notice_fanout.apply_async((notice_id, batch_size, shard_id), eta=notice.not_before, **options)
    return result


@shared_task(name="quntuan.programs.tasks.resume_fanouts")
def resume_fanouts(stale_minutes: int = 10) -> int:
    """Restart fan-outs that made no progress for a while (a worker died holding their task)."""
    now = timezone.now()
    cutoff = now - timedelta(minutes=stale_minutes)
    ids = list(Notice.objects.filter(status=Notice.Status.SENDING, updated_at__lt=cutoff)
               .filter(Q(not_before__isnull=True) | Q(not_before__lte=now)).values_list("pk", flat=True))
    for notice_id in ids:
        notice_fanout.delay(notice_id)
    return len(ids)
