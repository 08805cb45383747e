"""tests/system/test_infra.py — the pinned Kafka broker and PostgreSQL 15 that
the harness starts do what zaakstroom relies on."""

import os
import subprocess
import uuid

import psycopg
from confluent_kafka.admin import AdminClient, ConfigResource

from infra import BUILD, Infra


def test_kafka_smoke_with_debian_librdkafka(infra):
    smoke = BUILD / "tests" / "kafka_smoke"
    assert smoke.exists(), f"{smoke} missing: the Makefile builds it (make BUILD={BUILD.name})"
    prefix = f"zs-smoke-{uuid.uuid4().hex[:8]}"
    r = subprocess.run(
        [str(smoke), infra.brokers, prefix], capture_output=True, text=True, timeout=240
    )
    print(r.stdout)
    assert r.returncode == 0, f"kafka_smoke failed:\n{r.stdout}\n{r.stderr}"
    assert "all steps held" in r.stdout


def test_broker_creates_no_topic_by_accident(infra):
    admin = AdminClient({"bootstrap.servers": infra.brokers})
    md = admin.list_topics(timeout=30)
    broker = ConfigResource(ConfigResource.Type.BROKER, str(next(iter(md.brokers))))
    configs = admin.describe_configs([broker])[broker].result(timeout=30)
    assert configs["auto.create.topics.enable"].value == "false"
    assert configs["offsets.topic.replication.factor"].value == "1"


def test_postgresql_is_15(infra):
    assert infra.scalar("select version()").startswith("PostgreSQL 15.")
    assert int(infra.scalar("show server_version_num")) // 10000 == 15


def test_postgresql_keeps_what_it_commits(infra):
    settings = dict(
        infra.psql(
            "select name, setting from pg_settings"
            " where name in ('fsync', 'synchronous_commit', 'full_page_writes')"
        )
    )
    assert settings == {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


def test_db_is_fresh_and_separate(infra, db):
    assert db != infra.pg_url
    assert infra.scalar("select count(*) from pg_tables where schemaname = 'public'", url=db) == 0
    infra.psql("create table probe (id int primary key)", url=db)
    with psycopg.connect(db) as conn:
        conn.execute("insert into probe values (1)")
    assert infra.scalar("select count(*) from probe", url=db) == 1
    assert infra.scalar("select to_regclass('public.probe')") is None


def _pids_of(inf):
    kafka = int((inf.run_dir / "kafka" / "kafka.pid").read_text())
    postmaster = int((inf.run_dir / "pg" / "data" / "postmaster.pid").read_text().split()[0])
    return kafka, postmaster


def _alive(pid):
    """Running, not merely an unreaped zombie."""
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_second_start_changes_nothing(infra):
    before = _pids_of(infra)
    assert "already running" in infra.script("kafka.sh", "start").stdout
    assert "already running" in infra.script("pg.sh", "start").stdout
    assert _pids_of(infra) == before
    assert all(_alive(p) for p in before)


def test_stop_ends_its_own_servers_only(infra):
    other = Infra.start(reuse=False)
    try:
        pids = _pids_of(other)
        assert all(_alive(p) for p in pids)
    finally:
        other.stop()
    for p in pids:
        infra.wait_until(lambda p=p: not _alive(p), 10, what=f"pid {p} to exit")
    assert not other.run_dir.exists() or os.environ.get("ZS_TEST_KEEP") == "1"
    # The session's own servers are untouched.
    assert infra.scalar("select 1") == 1
    assert infra.script("kafka.sh", "status", check=False).returncode == 0
