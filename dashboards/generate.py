#!/usr/bin/env python3
"""Writes pgvigil's Grafana dashboards (dashboards/*.json) from the panel lists below.

The JSON files are committed; edit this file and run `python3 dashboards/generate.py` to change
them, so every panel shares one datasource variable, the `target`/`datname` filters and a unit.
IntegrationTests/MetricReferenceTests fails if a query names a metric the agent does not export.
"""
import json
import pathlib

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
T = 'target=~"$target"'
TD = 'target=~"$target",datname=~"$datname"'


def variables():
    """The datasource, target and datname variables every dashboard has."""
    def query_variable(name, label, query):
        return {
            "name": name, "label": label, "type": "query", "datasource": DATASOURCE,
            "query": {"query": query, "refId": f"{name}-values"}, "definition": query,
            "refresh": 2, "multi": True, "includeAll": True, "allValue": ".*",
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "sort": 1,
        }
    return {"list": [
        {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
         "current": {}, "hide": 0, "refresh": 1},
        query_variable("target", "Target", "label_values(pg_up, target)"),
        query_variable("datname", "Database", f"label_values(pg_database_size_bytes{{{T}}}, datname)"),
    ]}


class Board:
    """Lays panels out left to right on Grafana's 24-column grid."""

    def __init__(self):
        self.panels, self.x, self.y, self.row_height = [], 0, 0, 0

    def add(self, panel, width, height):
        if self.x + width > 24:
            self.x, self.y, self.row_height = 0, self.y + self.row_height, 0
        panel["id"] = len(self.panels) + 1
        panel["gridPos"] = {"x": self.x, "y": self.y, "w": width, "h": height}
        panel["datasource"] = DATASOURCE
        self.panels.append(panel)
        self.x += width
        self.row_height = max(self.row_height, height)

    def row(self, title):
        self.x, self.y, self.row_height = 0, self.y + self.row_height, 0
        self.panels.append({"type": "row", "title": title, "collapsed": False, "panels": [],
                            "id": len(self.panels) + 1, "gridPos": {"x": 0, "y": self.y, "w": 24, "h": 1}})
        self.y += 1


def queries(exprs, instant=False):
    return [{"refId": chr(65 + i), "expr": expr, "legendFormat": legend, "datasource": DATASOURCE,
             **({"instant": True, "range": False, "format": "table"} if instant else {"range": True})}
            for i, (expr, legend) in enumerate(exprs)]


def timeseries(title, unit, exprs, description="", minimum=None, maximum=None, stack=False):
    defaults = {"unit": unit, "custom": {"fillOpacity": 10, "showPoints": "never", "spanNulls": False,
                                         "stacking": {"mode": "normal" if stack else "none"}}}
    if minimum is not None:
        defaults["min"] = minimum
    if maximum is not None:
        defaults["max"] = maximum
    return {"type": "timeseries", "title": title, "description": description, "targets": queries(exprs),
            "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": {"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["lastNotNull", "max"]},
                        "tooltip": {"mode": "multi", "sort": "desc"}}}


def stat(title, unit, exprs, description="", mappings=None, thresholds=None):
    return {"type": "stat", "title": title, "description": description, "targets": queries(exprs),
            "fieldConfig": {"defaults": {"unit": unit, "mappings": mappings or [],
                                         "thresholds": {"mode": "absolute", "steps": thresholds or [{"color": "green", "value": None}]}},
                            "overrides": []},
            "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                        "colorMode": "background", "graphMode": "none", "textMode": "value_and_name", "justifyMode": "auto"}}


def table(title, unit, exprs, columns, description=""):
    """An instant-query table; `columns` are the labels shown, then the value."""
    return {"type": "table", "title": title, "description": description, "targets": queries(exprs, instant=True),
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "options": {"showHeader": True, "sortBy": [{"displayName": "Value", "desc": True}]},
            "transformations": [{"id": "organize", "options": {
                "excludeByName": {"Time": True, "__name__": True},
                "indexByName": {name: i for i, name in enumerate(columns + ["Value"])}}}]}


def dashboard(uid, title, description, board):
    return {
        "uid": uid, "title": title, "description": description, "tags": ["postgresql", "pgvigil"],
        "schemaVersion": 39, "version": 1, "editable": True, "graphTooltip": 1,
        "time": {"from": "now-6h", "to": "now"}, "refresh": "30s", "timezone": "",
        "templating": variables(),
        "annotations": {"list": [{"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": True,
                                  "hide": True, "iconColor": "rgba(0, 211, 255, 1)", "name": "Annotations & Alerts",
                                  "type": "dashboard"}]},
        "links": [{"title": "pgvigil dashboards", "type": "dashboards", "tags": ["pgvigil"], "asDropdown": True}],
        "panels": board.panels,
    }


def overview():
    board = Board()
    up_mappings = [{"type": "value", "options": {"0": {"text": "DOWN", "color": "red"}, "1": {"text": "UP", "color": "green"}}}]
    board.add(stat("Targets", "none", [(f"pg_up{{{T}}}", "{{target}}")], "pg_up: 1 when the last connection and SELECT succeeded.",
                   mappings=up_mappings, thresholds=[{"color": "red", "value": None}, {"color": "green", "value": 1}]), 12, 4)
    board.add(stat("Firing pgvigil alerts", "none", [("sum(pgvigil_alerts_firing)", "firing")],
                   "Alert instances the agent's own rules have firing (see /api/v1/alerts on the agent).",
                   thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 1}]), 4, 4)
    board.add(table("Firing alerts by rule", "none", [("pgvigil_alerts_firing > 0", "")], ["alert"]), 8, 4)

    board.row("Load")
    board.add(timeseries("Connections vs max_connections", "short", [
        (f"sum by (target) (pg_stat_activity_count{{{T}}})", "{{target}} sessions"),
        (f"pg_settings_max_connections{{{T}}}", "{{target}} max_connections"),
    ], "Client sessions (pgvigil's own excluded) against the server's limit.", minimum=0), 8, 8)
    board.add(timeseries("Sessions by state", "short", [
        (f"sum by (target, state) (pg_stat_activity_count{{{T}}})", "{{target}} {{state}}"),
    ], stack=True, minimum=0), 8, 8)
    board.add(timeseries("Transactions per second", "ops", [
        (f"sum by (target) (rate(pg_stat_database_xact_commit_total{{{TD}}}[$__rate_interval]))", "{{target}} commits"),
        (f"sum by (target) (rate(pg_stat_database_xact_rollback_total{{{TD}}}[$__rate_interval]))", "{{target}} rollbacks"),
    ], minimum=0), 8, 8)
    board.add(timeseries("Cache hit ratio", "percentunit", [
        (f"pg_cache_hit_ratio{{{TD}}}", "{{target}} {{datname}}"),
    ], "Block hits / (hits + reads) over the agent's cache_hit_ratio window (5m by default).", minimum=0, maximum=1), 8, 8)
    board.add(timeseries("Blocked sessions", "short", [
        (f"sum by (target, datname) (pg_stat_activity_blocked_count{{{TD}}})", "{{target}} {{datname}}"),
    ], "Sessions waiting on a lock held by another session.", minimum=0), 8, 8)
    board.add(timeseries("Longest transaction and idle in transaction", "s", [
        (f"max by (target, datname) (pg_stat_activity_max_tx_duration_seconds{{{TD}}})", "{{target}} {{datname}} transaction"),
        (f"max by (target, datname) (pg_stat_activity_max_idle_in_transaction_seconds{{{TD}}})", "{{target}} {{datname}} idle in tx"),
        (f"max by (target, datname) (pg_stat_activity_max_query_duration_seconds{{{TD}}})", "{{target}} {{datname}} query"),
    ], minimum=0), 8, 8)

    board.row("Replication and WAL")
    board.add(timeseries("Replication lag (seconds)", "s", [
        (f"pg_replication_lag_seconds{{{T}}}", "standby {{target}}"),
        (f"max by (target, application_name) (pg_stat_replication_replay_lag_seconds{{{T}}})", "{{target}} → {{application_name}}"),
    ], "Standby: replay delay (0 when everything received is replayed). Primary: each standby's replay lag.", minimum=0), 8, 8)
    board.add(timeseries("Replication lag (bytes)", "bytes", [
        (f"pg_replication_lag_bytes{{{T}}}", "standby {{target}}"),
        (f"max by (target, application_name) (pg_stat_replication_lag_bytes{{{T}}})", "{{target}} → {{application_name}}"),
    ], "Standby: WAL received but not replayed. Primary: current WAL position minus each standby's replay position.", minimum=0), 8, 8)
    board.add(timeseries("WAL generation rate", "Bps", [
        (f"rate(pg_wal_lsn_bytes{{{T}}}[$__rate_interval])", "{{target}}"),
    ], "Bytes of WAL written per second (from the current LSN).", minimum=0), 8, 8)

    board.row("Tables")
    board.add(table("Biggest tables", "bytes", [
        (f"topk(15, pg_stat_user_tables_total_size_bytes{{{TD}}})", ""),
    ], ["target", "datname", "schemaname", "relname"], "Table + indexes + TOAST, the agent's top tables per database."), 12, 10)
    board.add(table("Fastest growing tables (last hour)", "bytes", [
        (f"topk(15, delta(pg_stat_user_tables_total_size_bytes{{{TD}}}[1h]))", ""),
    ], ["target", "datname", "schemaname", "relname"], "Growth of total size over the last hour."), 12, 10)
    board.add(timeseries("Database sizes", "bytes", [
        (f"pg_database_size_bytes{{{TD}}}", "{{target}} {{datname}}"),
    ], minimum=0), 24, 8)
    return dashboard("pgvigil-overview", "PostgreSQL overview (pgvigil)",
                     "Health, load, replication and table growth of the PostgreSQL servers pgvigil samples.", board)


def replication_capacity():
    board = Board()
    board.row("Replication")
    board.add(timeseries("Standby replay lag (standby side)", "s", [
        (f"pg_replication_lag_seconds{{{T}}}", "{{target}}"),
    ], "now() - last replayed transaction, 0 when all received WAL is replayed (an idle primary is not lag).", minimum=0), 12, 8)
    board.add(timeseries("Standby WAL not yet replayed", "bytes", [
        (f"pg_replication_lag_bytes{{{T}}}", "{{target}}"),
    ], minimum=0), 12, 8)
    board.add(timeseries("Write / flush / replay lag per standby (primary side)", "s", [
        (f"pg_stat_replication_write_lag_seconds{{{T}}}", "{{target}} → {{application_name}} write"),
        (f"pg_stat_replication_flush_lag_seconds{{{T}}}", "{{target}} → {{application_name}} flush"),
        (f"pg_stat_replication_replay_lag_seconds{{{T}}}", "{{target}} → {{application_name}} replay"),
    ], minimum=0), 12, 8)
    board.add(timeseries("Bytes behind per standby (primary side)", "bytes", [
        (f"pg_stat_replication_lag_bytes{{{T}}}", "{{target}} → {{application_name}} ({{state}})"),
    ], minimum=0), 12, 8)
    board.add(timeseries("WAL retained by replication slots", "bytes", [
        (f"pg_replication_slot_retained_bytes{{{T}}}", "{{target}} {{slot_name}} active={{active}}"),
    ], "An inactive slot keeps WAL until the disk fills.", minimum=0), 12, 8)
    board.add(timeseries("WAL archiving", "short", [
        (f"increase(pg_stat_archiver_archived_total{{{T}}}[$__rate_interval])", "{{target}} archived"),
        (f"increase(pg_stat_archiver_failed_total{{{T}}}[$__rate_interval])", "{{target}} failed"),
    ], minimum=0), 12, 8)

    board.row("Capacity")
    board.add(timeseries("Connections used", "percentunit", [
        (f"pg_connections_used_ratio{{{T}}}", "{{target}}"),
    ], "Client sessions / max_connections.", minimum=0, maximum=1), 8, 8)
    board.add(timeseries("Database growth per day", "bytes", [
        (f"pg_database_size_growth_bytes_per_day{{{TD}}}", "{{target}} {{datname}}"),
    ], "The agent's least-squares trend of the size over the table_sizes window (24h)."), 8, 8)
    board.add(timeseries("Temporary files written", "Bps", [
        (f"sum by (target, datname) (rate(pg_stat_database_temp_bytes_total{{{TD}}}[$__rate_interval]))", "{{target}} {{datname}}"),
    ], "Sorts and hashes that did not fit in work_mem.", minimum=0), 8, 8)
    board.add(timeseries("Transaction ID wraparound horizon used", "percentunit", [
        (f"pg_database_xid_wraparound_ratio{{{TD}}}", "{{target}} {{datname}} xid"),
        (f"pg_database_mxid_wraparound_ratio{{{TD}}}", "{{target}} {{datname}} multixact"),
    ], "age(datfrozenxid) / 2^31; anti-wraparound autovacuum starts at autovacuum_freeze_max_age.", minimum=0, maximum=1), 8, 8)
    board.add(timeseries("Partition coverage ahead", "s", [
        (f"pg_partitioned_table_future_coverage_seconds{{{TD}}}", "{{target}} {{datname}} {{schemaname}}.{{relname}}"),
    ], "How far into the future range partitions exist; negative when the current period has none."), 8, 8)
    board.add(timeseries("Checkpoints", "short", [
        (f"increase(pg_stat_checkpointer_num_timed_total{{{T}}}[$__rate_interval])", "{{target}} timed"),
        (f"increase(pg_stat_checkpointer_num_requested_total{{{T}}}[$__rate_interval])", "{{target}} requested"),
    ], "Requested checkpoints outnumbering timed ones suggest max_wal_size is too small.", minimum=0), 8, 8)
    board.add(table("Dead tuples (top tables)", "percentunit", [
        (f"topk(15, pg_stat_user_tables_dead_tuple_ratio{{{TD}}})", ""),
    ], ["target", "datname", "schemaname", "relname"], "n_dead_tup / (n_live_tup + n_dead_tup)."), 12, 10)
    board.add(table("Unused and invalid indexes", "short", [
        (f"pg_database_unused_indexes{{{TD}}} > 0", ""),
        (f"pg_database_invalid_indexes{{{TD}}} > 0", ""),
    ], ["target", "datname"], "Indexes never scanned since the statistics reset (not unique, not primary keys), and invalid ones."), 12, 10)

    board.row("Forecasts")
    board.add(timeseries("Time left (forecasts)", "s", [
        (f"pg_database_xid_wraparound_forecast_seconds{{{TD}}}", "{{target}} {{datname}} xid limit"),
        (f"pg_database_xid_freeze_max_age_forecast_seconds{{{TD}}}", "{{target}} {{datname}} forced anti-wraparound vacuum"),
        (f"pg_replication_slot_wal_keep_forecast_seconds{{{T}}}", "{{target}} slot {{slot_name}} invalidated"),
        (f"pg_replication_slot_budget_forecast_seconds{{{T}}}", "{{target}} slot {{slot_name}} budget"),
        (f"pg_sequence_exhaustion_forecast_seconds{{{TD}}}", "{{target}} {{datname}} {{schemaname}}.{{sequencename}} exhausted"),
        (f"pg_database_size_budget_forecast_seconds{{{TD}}}", "{{target}} {{datname}} size budget"),
    ], "Seconds until each limit at the agent's fitted trend; a series is absent while there is too little history or the value is not rising (absent is no forecast, not safe).", minimum=0), 12, 8)
    board.add(timeseries("Sequences: range used", "percentunit", [
        (f"topk(10, pg_sequence_used_ratio{{{TD}}})", "{{target}} {{datname}} {{schemaname}}.{{sequencename}}"),
    ], "Share of each sequence's range used, to its owning integer column's limit if that comes first.", minimum=0, maximum=1), 12, 8)
    board.add(timeseries("Table growth per day (top 10)", "bytes", [
        (f"topk(10, pg_stat_user_tables_total_size_growth_bytes_per_day{{{TD}}})", "{{target}} {{datname}} {{schemaname}}.{{relname}}"),
    ], "The agent's least-squares trend of each reported table's total size over the table_sizes window (24h)."), 12, 8)
    board.add(timeseries("Slot retained-WAL growth", "Bps", [
        (f"pg_replication_slot_retained_bytes_per_second{{{T}}}", "{{target}} {{slot_name}} active={{active}}"),
    ], "Growth of the WAL each slot holds back; negative while its consumer catches up."), 12, 8)
    return dashboard("pgvigil-replication-capacity", "PostgreSQL replication and capacity (pgvigil)",
                     "Replication on both sides, slots, archiving, and what runs out: connections, disk, XIDs, partitions.", board)


if __name__ == "__main__":
    directory = pathlib.Path(__file__).parent
    for name, board in [("pgvigil-overview.json", overview()), ("pgvigil-replication-capacity.json", replication_capacity())]:
        (directory / name).write_text(json.dumps(board, indent=2, ensure_ascii=False) + "\n")
