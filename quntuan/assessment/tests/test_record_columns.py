"""The records behind a number show every column filled (the volunteer's real name)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.test import Client

from quntuan.activities.models import Activity, ActivityKind, ActivityStatus
from quntuan.core.testing import make_resident
from quntuan.volunteers.models import ServiceRecord, Shift, Volunteer
from quntuan.volunteers.tests.conftest import next_id_number

TZ = ZoneInfo("Asia/Shanghai")


def test_service_records_show_the_volunteers_real_name(world):
    start = datetime(2026, 6, 1, 9, tzinfo=TZ)
    act = Activity.objects.create(district=world.district, primary_host=world.youth, kind=ActivityKind.VOLUNTEER,
                                  title="助老志愿服务", start=start, end=start.replace(hour=12), capacity=10,
                                  address="广场", status=ActivityStatus.PUBLISHED)
    act.hosts.add(world.youth)
    shift = Shift.objects.create(activity=act, title="陪护", start=start, end=start.replace(hour=12), slots=2)
    resident = make_resident(world.district)
    volunteer = Volunteer.objects.create(user=resident, district=world.district, real_name="李志愿",
                                         id_number=next_id_number())
    ServiceRecord.objects.create(shift=shift, volunteer=volunteer, status=ServiceRecord.Status.CONFIRMED,
                                 minutes=90, content="陪护")
    c = Client()
    c.force_login(world.supervisor)
    page = c.get("/assessment/records/", {"kind": "service_records", "start": "2026-01-01",
                                          "end": "2026-06-15"}).content.decode()
    assert "<td>李志愿</td>" in page and "助老志愿服务" in page
