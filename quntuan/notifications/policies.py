from django.db.models import QuerySet

from quntuan.core.policies import BasePolicy
from quntuan.notifications.models import Notification


class NotificationPolicy(BasePolicy):
    """A user sees their own inbox only."""

    model = Notification

    def visible(self, user) -> QuerySet[Notification]:
        if user is None or not user.is_authenticated:
            return Notification.objects.none()
        return Notification.objects.filter(user=user)

    def unread_count(self, user) -> int:
        return self.visible(user).filter(read_at__isnull=True).count()


notification_policy = NotificationPolicy()
