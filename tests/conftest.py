"""Personas per role and factory fixtures for the foundation's tests (core, registry, leads, cases, disclosure, API).

Two county brigades (武进区 320412, 新北区 320411) under the 常州市 (320400) detachment, on the regions the
migrations seed. Users get no password (tests sign in with force_login), which keeps fixtures fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/factories.py, whatever the import mode

from django.test import override_settings  # noqa: E402

from ecoenforce.core.models import Organization, Region, Role, User  # noqa: E402
from factories import advance_case, make_case, make_entity, make_lead, reference_reseed  # noqa: E402

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# Fixtures through which a test reaches the database (pytest-django's, and the live server's).
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                     "live_server"}  # fmt: skip


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only", action="store_true",
        help="run only the tests that reach the database (the second engine's pass of `make test`)",
    )  # fmt: skip


def touches_database(item) -> bool:
    """True when the test can reach the configured database: a django_db mark or a database fixture. pytest-django
    refuses database access to every other test, and the tests that start processes give those processes SQLite
    files of their own (tests/ops), so the rest answer the same whichever engine DATABASE_URL names."""
    return item.get_closest_marker("django_db") is not None or bool(DATABASE_FIXTURES & set(item.fixturenames))


def pytest_collection_modifyitems(config, items):
    """With --database-tests-only (the PostgreSQL pass of `make test`), leave out the tests that cannot reach the
    database — codecs, pure cores, Spark parity, gateway subprocesses: they ran in the SQLite pass of the same
    `make test`, and a second engine cannot change their answer."""
    if not config.getoption("--database-tests-only"):
        return
    kept, left_out = [], []
    for item in items:
        (kept if touches_database(item) else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(scope="session", autouse=True)
def _tasks_run_in_process():
    """Background jobs run at once in tests (a test that proves a job is queued switches to DATABASE_TASKS)."""
    with override_settings(TASKS=IMMEDIATE_TASKS):
        yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the product's default language (Chinese): a request through LocaleMiddleware activates
    its language in this thread and leaves it there, so without this a test's language depends on the one before."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def seeded_reference(db) -> None:
    """The regions, industries, calendar and policy versions the migrations seed, put back if an earlier
    transactional test flushed them (its flush empties every table): a test that needs them whatever ran before it."""
    reference_reseed()


@pytest.fixture
def region_city(db) -> Region:
    return Region.objects.get(code="320400")


@pytest.fixture
def region_wj(db) -> Region:
    return Region.objects.get(code="320412")


@pytest.fixture
def region_xb(db) -> Region:
    return Region.objects.get(code="320411")


@pytest.fixture
def org_city(region_city) -> Organization:
    return Organization.objects.create(name="常州市生态环境综合行政执法支队", short_name="常",
                                       kind=Organization.Kind.CITY_BUREAU, region=region_city)


@pytest.fixture
def org_wj(region_wj, org_city) -> Organization:
    return Organization.objects.create(name="武进区生态环境综合行政执法大队", short_name="武",
                                       kind=Organization.Kind.COUNTY_BUREAU, region=region_wj, parent=org_city)


@pytest.fixture
def org_xb(region_xb, org_city) -> Organization:
    return Organization.objects.create(name="新北区生态环境综合行政执法大队", short_name="新",
                                       kind=Organization.Kind.COUNTY_BUREAU, region=region_xb, parent=org_city)


def _user(username: str, role: str, org: Organization | None, *, cert: str = "", full_name: str = "",
          **extra) -> User:
    user = User(username=username, role=role, organization=org, certificate_no=cert, full_name=full_name, **extra)
    user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def inspector_wj(org_wj) -> User:
    return _user("inspector_wj", Role.INSPECTOR, org_wj, cert="32041200001", full_name="周明")


@pytest.fixture
def inspector2_wj(org_wj) -> User:
    return _user("inspector2_wj", Role.INSPECTOR, org_wj, cert="32041200002", full_name="吴静")


@pytest.fixture
def uncertified_wj(org_wj) -> User:
    return _user("uncertified_wj", Role.INSPECTOR, org_wj, full_name="见习员")


@pytest.fixture
def leader_wj(org_wj) -> User:
    return _user("leader_wj", Role.UNIT_LEADER, org_wj, cert="32041200003", full_name="陈建华")


@pytest.fixture
def legal_wj(org_wj) -> User:
    return _user("legal_wj", Role.LEGAL_REVIEWER, org_wj, cert="32041200004", full_name="林海燕")


@pytest.fixture
def inspector_xb(org_xb) -> User:
    return _user("inspector_xb", Role.INSPECTOR, org_xb, cert="32041100001", full_name="赵强")


@pytest.fixture
def inspector2_xb(org_xb) -> User:
    return _user("inspector2_xb", Role.INSPECTOR, org_xb, cert="32041100002", full_name="钱磊")


@pytest.fixture
def city_leader(org_city) -> User:
    return _user("city_leader", Role.UNIT_LEADER, org_city, cert="32040000001", full_name="王国栋")


@pytest.fixture
def operator(org_city) -> User:
    return _user("operator", Role.MONITORING_OPERATOR, org_city, full_name="徐晓东")


@pytest.fixture
def grid_member(org_wj) -> User:
    return _user("grid_member", Role.GRID_MEMBER, org_wj, full_name="蒋春华")


@pytest.fixture
def enterprise_user(db) -> User:
    return _user("enterprise_user", Role.ENTERPRISE, None, full_name="曹丽娟")


@pytest.fixture
def admin_user(org_city) -> User:
    return _user("admin_user", Role.ADMINISTRATOR, org_city, full_name="系统管理员", is_staff=True, is_superuser=True)


@pytest.fixture
def personas(inspector_wj, inspector2_wj, leader_wj, legal_wj, inspector_xb, city_leader, operator, grid_member,
             enterprise_user, admin_user) -> dict[str, User]:
    """Every persona by fixture name (for parametrized matrices)."""
    return {u.username: u for u in (inspector_wj, inspector2_wj, leader_wj, legal_wj, inspector_xb, city_leader,
                                    operator, grid_member, enterprise_user, admin_user)}


# --- static files ------------------------------------------------------------------------------------------

@pytest.fixture(scope="session", autouse=True)
def static_from_the_source_tree(tmp_path_factory):
    """Serve static files as they are in the source tree: the hashed, compressed manifest storage needs the
    collectstatic that `ecoenforce up` runs, which takes tens of seconds (tests/core/test_core_delivery.py
    runs it once and checks what it produces)."""
    from django.test import override_settings

    plain = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
             "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=plain, WHITENOISE_USE_FINDERS=True,
                           STATIC_ROOT=str(tmp_path_factory.mktemp("static-root"))):
        yield


# --- factories -------------------------------------------------------------------------------------------

@pytest.fixture
def entity_wj(region_wj, admin_user):
    return make_entity(region=region_wj, actor=admin_user, name="常州恒泰化工有限公司")


@pytest.fixture
def entity_xb(region_xb, admin_user):
    return make_entity(region=region_xb, actor=admin_user, name="常州华宇印染有限公司")


@pytest.fixture
def lead_wj(entity_wj, inspector_wj):
    return make_lead(entity=entity_wj, created_by=inspector_wj)


@pytest.fixture
def lead_xb(entity_xb, inspector_xb):
    return make_lead(entity=entity_xb, created_by=inspector_xb, title="网格员发现雨水排口异常排水")


@pytest.fixture
def case_wj(entity_wj, inspector_wj, inspector2_wj):
    return make_case(entity=entity_wj, opener=inspector_wj, handlers=[inspector_wj, inspector2_wj])


@pytest.fixture
def case_xb(entity_xb, inspector_xb, inspector2_xb):
    return make_case(entity=entity_xb, opener=inspector_xb, handlers=[inspector_xb, inspector2_xb])


@pytest.fixture
def advance(inspector_wj, leader_wj, legal_wj):
    """advance(case, to=Stage.X): walk a 武进 case along the main road with the right personas."""
    def _advance(case, *, to):
        return advance_case(case, to=to, inspector=inspector_wj, leader=leader_wj, legal=legal_wj)
    return _advance


@pytest.fixture
def decided_case_wj(case_wj, advance):
    from ecoenforce.cases.workflow import Stage
    return advance(case_wj, to=Stage.DECISION)


@pytest.fixture
def operator_wj(org_wj) -> User:
    """A monitoring operator of the 武进 county brigade (sees only 武进's devices and spool material)."""
    return _user("op_wj", Role.MONITORING_OPERATOR, org_wj, full_name="值班员武进")


@pytest.fixture
def operator_xb(org_xb) -> User:
    """A monitoring operator of the 新北 county brigade."""
    return _user("op_xb", Role.MONITORING_OPERATOR, org_xb, full_name="值班员新北")
