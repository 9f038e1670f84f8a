#!/usr/bin/env python3
"""Counts what a fleet of pgvigil agents promised against what Prometheus stored.

Expected: every point each agent's history holds (GET /api/v1/series, for every family the agent
serves) with a timestamp at or before the cut-off. Delivered: what Prometheus stored for the same
series at or before the cut-off (count_over_time at the cut-off, the external labels left out of
the key). Waits first until every agent's last accepted remote-write request is later than the
cut-off. Exits 1 when delivered/expected is below --minimum or a target is served by no agent or
by two.
"""

import argparse
import json
import sys
import time
import urllib.parse
import urllib.request


def get_json(url):
    with urllib.request.urlopen(url, timeout=60) as answer:
        return json.load(answer)


def get_text(url):
    with urllib.request.urlopen(url, timeout=60) as answer:
        return answer.read().decode()


def sample_lines(exposition):
    """(name, labels text, value) of each sample line of a text exposition."""
    for line in exposition.splitlines():
        if not line or line.startswith("#"):
            continue
        head, _, value = line.rpartition(" ")
        name, _, labels = head.partition("{")
        yield name, labels, value


def key(labels, leave_out=()):
    """A series' identity; an empty value is no label (as in PromQL and remote-write)."""
    return tuple(sorted((name, value) for name, value in labels.items() if name not in leave_out and value != ""))


def wait_for_delivery(agents, cutoff, deadline_seconds=120):
    deadline = time.monotonic() + deadline_seconds
    while True:
        behind = []
        for agent in agents:
            stamps = [float(value) for name, _, value in sample_lines(get_text(agent + "/metrics"))
                      if name == "pgvigil_remote_write_last_success_timestamp_seconds"]
            if not stamps or min(stamps) <= cutoff:
                behind.append(agent)
        if not behind:
            return
        if time.monotonic() > deadline:
            sys.exit(f"no request accepted after the cut-off within {deadline_seconds}s: {behind}")
        time.sleep(1)


def expected_points(agent, cutoff):
    """{series key: points at or before the cut-off} from the agent's history, and its targets."""
    exposition = get_text(agent + "/metrics")
    names = sorted({name for name, labels, _ in sample_lines(exposition) if 'target="' in labels})
    targets = {labels.split('target="', 1)[1].split('"', 1)[0]
               for name, labels, _ in sample_lines(exposition) if name == "pg_up"}
    points = {}
    for name in names:
        query = urllib.parse.urlencode({"match": name})
        for series in get_json(f"{agent}/api/v1/series?{query}")["data"]["result"]:
            count = sum(1 for stamp, _ in series["values"] if float(stamp) <= cutoff)
            if count:
                points[key(series["metric"])] = count
    return points, names, targets


def delivered_points(prometheus, names, cutoff, external):
    points = {}
    for name in names:
        query = urllib.parse.urlencode({"query": f"count_over_time({name}[1d])", "time": f"{cutoff:.4f}"})
        for series in get_json(f"{prometheus}/api/v1/query?{query}")["data"]["result"]:
            # count_over_time drops the name: put it back to match the agent's series.
            labels = dict(series["metric"], __name__=name)
            points[key(labels, leave_out=external)] = int(float(series["value"][1]))
    return points


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prometheus", required=True)
    parser.add_argument("--cutoff", required=True, type=float, help="unix seconds")
    parser.add_argument("--external-label", action="append", default=[], help="NAME=VALUE the agents add")
    parser.add_argument("--expect-targets", type=int, required=True)
    parser.add_argument("--minimum", type=float, default=0.999)
    parser.add_argument("agents", nargs="+")
    arguments = parser.parse_args()
    external = {label.split("=", 1)[0] for label in arguments.external_label}

    wait_for_delivery(arguments.agents, arguments.cutoff)
    expected, names, owners = {}, set(), {}
    for agent in arguments.agents:
        points, agent_names, targets = expected_points(agent, arguments.cutoff)
        expected.update(points)
        names.update(agent_names)
        for target in targets:
            owners.setdefault(target, []).append(agent)
    twice = sorted(target for target, agents in owners.items() if len(agents) > 1)
    delivered = delivered_points(arguments.prometheus, sorted(names), arguments.cutoff, external)

    expected_total = sum(expected.values())
    delivered_total = sum(min(delivered.get(series, 0), count) for series, count in expected.items())
    missing_series = sum(1 for series in expected if series not in delivered)
    ratio = delivered_total / expected_total if expected_total else 0.0
    print(f"targets served: {len(owners)} of {arguments.expect_targets}, by two agents: {len(twice)}")
    print(f"series: {len(expected)} ({len(names)} families), none delivered: {missing_series}")
    print(f"samples expected: {expected_total}, delivered: {delivered_total}, ratio: {ratio:.5f}")
    short = sorted((series, count) for series, count in expected.items() if delivered.get(series, 0) < count)
    families = sorted({dict(series)["__name__"] for series, _ in short})
    if short:
        print(f"short: {len(short)} series of {len(families)} families: {', '.join(families[:10])}")
        for series, count in short[:3]:
            print(f"  e.g. {dict(series)}: {delivered.get(series, 0)} of {count}")
    if len(owners) != arguments.expect_targets or twice or ratio < arguments.minimum:
        sys.exit(f"FAILED: need every target served once and a ratio of at least {arguments.minimum}")


if __name__ == "__main__":
    main()
