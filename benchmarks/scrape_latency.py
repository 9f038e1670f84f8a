#!/usr/bin/env python3
"""Times sequential scrapes of a /metrics endpoint over one keep-alive connection.

usage: scrape_latency.py NAME URL COUNT [PID] [--as-prometheus]
Prints one line: name, scrapes, body bytes, median and p99 latency in ms, and the RSS of PID.
With --as-prometheus the requests carry the headers Prometheus 2.42 sends (OpenMetrics preferred,
gzip accepted), so the timing includes what a real scrape costs; body bytes are then compressed.
Only loopback URLs are accepted: benchmarks talk to servers they started themselves.
"""
import http.client
import statistics
import sys
import time
import urllib.parse


PROMETHEUS_HEADERS = {
    "Accept": "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
              "text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
    "Accept-Encoding": "gzip",
}


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    arguments = [argument for argument in sys.argv[1:] if argument != "--as-prometheus"]
    as_prometheus = len(arguments) < len(sys.argv) - 1
    name, url, count = arguments[0], arguments[1], int(arguments[2])
    pid = arguments[3] if len(arguments) > 3 else None
    headers = PROMETHEUS_HEADERS if as_prometheus else {}
    parsed = urllib.parse.urlparse(url)
    if parsed.hostname not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("refusing a non-loopback URL")
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    path = parsed.path or "/"
    latencies = []
    size = 0
    for _ in range(count):
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        latencies.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            sys.exit(f"{name}: HTTP {response.status}")
        size = len(body)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    rss = f"{rss_kib(pid) / 1024:.1f} MiB" if pid else "n/a"
    if as_prometheus:
        name += " (as Prometheus)"
    print(f"{name:<34} scrapes={count} body={size} bytes median={statistics.median(latencies):.3f} ms p99={p99:.3f} ms rss={rss}")
    return statistics.median(latencies)


if __name__ == "__main__":
    main()
