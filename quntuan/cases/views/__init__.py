"""Pages of the cases (诉求) domain. Thin: forms validate, services act, policies decide."""

from quntuan.cases.views.detail import action, attachment, detail, receipt, reveal
from quntuan.cases.views.public import lookup, otp_send, service_options, submit
from quntuan.cases.views.resident import mine
from quntuan.cases.views.staff import intake, overdue, stats, workbench

__all__ = ["action", "attachment", "detail", "intake", "lookup", "mine", "otp_send", "overdue", "receipt", "reveal", "service_options", "stats", "submit",
           "workbench"]
