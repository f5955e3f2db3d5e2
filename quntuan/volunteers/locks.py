"""Row locks for the volunteers app, in one place. Shift sign-up locks the shift row, so the
places are counted and taken one volunteer at a time; hours confirmation locks the record."""

from __future__ import annotations

from quntuan.volunteers.models import Enrollment, ServiceRecord, Shift, Volunteer


def lock_shift(shift: Shift | int) -> Shift:
    pk = shift.pk if isinstance(shift, Shift) else shift
    return Shift.objects.select_for_update().get(pk=pk)


def lock_record(record: ServiceRecord | int) -> ServiceRecord:
    pk = record.pk if isinstance(record, ServiceRecord) else record
    return ServiceRecord.objects.select_for_update().get(pk=pk)


def lock_volunteer(volunteer: Volunteer | int) -> Volunteer:
    pk = volunteer.pk if isinstance(volunteer, Volunteer) else volunteer
    return Volunteer.objects.select_for_update().get(pk=pk)


def lock_enrollment(enrollment: Enrollment | int) -> Enrollment:
    pk = enrollment.pk if isinstance(enrollment, Enrollment) else enrollment
    return Enrollment.objects.select_for_update().get(pk=pk)
