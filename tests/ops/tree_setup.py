"""Run in a subprocess against the process tree's own database: a county, an entity, a registered flue-gas device with
its particulate limit, and an operator with an API token (prints the token). Uses the product's services only."""

import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ (factories)
django.setup()

from ecoenforce.core.models import Organization, Region, Role, User  # noqa: E402
from ecoenforce.core.services import api_token_create  # noqa: E402
from ecoenforce.monitoring import services as monitoring  # noqa: E402
from ecoenforce.warnings import services as warnings  # noqa: E402
from ecoenforce.warnings.models import EmissionLimit  # noqa: E402
from factories import make_entity  # noqa: E402

mn, password = sys.argv[1], sys.argv[2]
city = Region.objects.get(code="320400")
county = Region.objects.get(code="320412")
org = Organization.objects.create(name="常州市生态环境综合行政执法支队", short_name="常",
                                 kind=Organization.Kind.CITY_BUREAU, region=city)  # fmt: skip
admin = User.objects.create(username="tree-admin", role=Role.ADMINISTRATOR, organization=org, is_superuser=True,
                            is_staff=True, full_name="管理员")  # fmt: skip
operator = User.objects.create(username="tree-operator", role=Role.MONITORING_OPERATOR, organization=org,
                               full_name="徐晓东")  # fmt: skip
entity = make_entity(region=county, actor=admin, name="常州进程树测试印染有限公司")
monitoring.device_save(actor=admin, data=monitoring.DeviceInput(
    entity_id=entity.pk, outlet_code="DA001", outlet_name="窑头排气筒", outlet_kind="gas", mn=mn, password=password,
    pollutants=["a00000", "a34013"]))  # fmt: skip
monitoring.device_snapshot_write()
warnings.limits_seed_load(actor=admin)
# An hourly limit without O2 correction (GB 4915's particulate at a cement kiln head): the hour just closed is judged
# by the next run. (A daily mean is judged only once its Beijing day is complete.)
pm = EmissionLimit.objects.filter(pollutant="a34013", averaging="hour", reference_o2__isnull=True,
                                  limit_min__isnull=True).order_by("limit_value").first()  # fmt: skip
warnings.point_limit_assign(actor=admin, mn=mn, pollutant="a34013", limit=pm)
print(f"LIMIT {pm.limit_value}")
print(f"TOKEN {api_token_create(user=operator, name='process tree test')[1]}")
