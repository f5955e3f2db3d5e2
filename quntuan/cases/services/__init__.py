"""Case services: every state change of a case, one function each.

Keyword-only arguments, one transaction each, the case row locked first (``locks.py``), a
``CaseEvent`` written in the same transaction, the requester told through
``notifications.services.notify``; refusals raise ``ApplicationError`` subclasses with a Chinese
message and leave the data unchanged.
"""

from quntuan.cases.services.attachments import case_attachment_add
from quntuan.cases.services.escalation import escalation_sweep
from quntuan.cases.services.extension import case_decide_extension, case_request_extension
from quntuan.cases.services.handling import (
    case_add_cohandler,
    case_add_note,
    case_cohandler_reply,
    case_confirm_requester_informed,
    case_contact,
    case_reply_and_close,
    case_request_material,
    case_supply_material,
    case_transfer,
    case_transfer_accept,
    case_transfer_out,
    case_transfer_return,
)
from quntuan.cases.services.intake import case_receipt, case_submit, next_tracking_no
from quntuan.cases.services.merge import case_merge
from quntuan.cases.services.privacy import case_personal_data_view
from quntuan.cases.services.rating import case_rate, followup_record

__all__ = [
    "case_add_cohandler",
    "case_add_note",
    "case_attachment_add",
    "case_cohandler_reply",
    "case_confirm_requester_informed",
    "case_contact",
    "case_decide_extension",
    "case_merge",
    "case_personal_data_view",
    "case_rate",
    "case_receipt",
    "case_reply_and_close",
    "case_request_extension",
    "case_request_material",
    "case_submit",
    "case_supply_material",
    "case_transfer",
    "case_transfer_accept",
    "case_transfer_out",
    "case_transfer_return",
    "escalation_sweep",
    "followup_record",
    "next_tracking_no",
]
