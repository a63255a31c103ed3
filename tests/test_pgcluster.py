"""The PostgreSQL test harness itself (tests/pgcluster.py): a real server, reached as a user would reach it."""

from __future__ import annotations

from urllib.parse import urlsplit

import psycopg
import pytest

from tests.pgcluster import Cluster


def test_connects_over_tcp_with_the_password(pg_url: str) -> None:
    assert pg_url.startswith("postgresql://mou:") and "@127.0.0.1:" in pg_url
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("select 1").fetchone() == (1,)
        assert conn.execute("show server_encoding").fetchone() == ("UTF8",)
        # brand new and empty: no table of anyone else's
        assert conn.execute("select count(*) from pg_tables where schemaname = 'public'").fetchone() == (0,)


def test_a_wrong_password_is_refused(pg_cluster: Cluster, pg_url: str) -> None:
    wrong = pg_url.replace(f":{pg_cluster.password}@", ":not-the-password@")
    assert wrong != pg_url
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong, connect_timeout=10)


def test_committed_data_survives_a_crash(pg_cluster: Cluster, pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("create table t (n int)")
        conn.execute("insert into t values (42)")
    try:
        pg_cluster.stop(mode="immediate")
        assert not pg_cluster.running
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(pg_url, connect_timeout=5)
    finally:
        pg_cluster.start()  # the cluster is shared by the session: never leave it stopped
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("select n from t").fetchall() == [(42,)]


def test_databases_are_created_fresh_and_dropped(pg_cluster: Cluster, pg_url: str) -> None:
    def databases() -> set[str]:
        with psycopg.connect(pg_cluster.admin_conninfo()) as conn:
            return {r[0] for r in conn.execute("select datname from pg_database")}

    assert urlsplit(pg_url).path.lstrip("/") in databases()
    url = pg_cluster.create_database("test_harness_extra")
    with psycopg.connect(url) as conn:  # a connection still open does not stop the drop
        conn.execute("create table t (n int)")
        conn.commit()
        pg_cluster.drop_database("test_harness_extra")
    assert "test_harness_extra" not in databases()
