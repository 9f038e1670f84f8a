#!/usr/bin/env python3
"""Times sequential scrapes of a /metrics endpoint over one keep-alive connection.

usage: scrape_latency.py NAME URL COUNT [PID]
Prints one line: name, scrapes, body bytes, median and p99 latency in ms, and the RSS of PID.
Only loopback URLs are accepted: benchmarks talk to servers they started themselves.
"""
import http.client
import statistics
import sys
import time
import urllib.parse


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    name, url, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    pid = sys.argv[4] if len(sys.argv) > 4 else None
    parsed = urllib.parse.urlparse(url)
    if parsed.hostname not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("refusing a non-loopback URL")
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    path = parsed.path or "/"
    latencies = []
    size = 0
    for _ in range(count):
        start = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        latencies.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            sys.exit(f"{name}: HTTP {response.status}")
        size = len(body)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    rss = f"{rss_kib(pid) / 1024:.1f} MiB" if pid else "n/a"
    print(f"{name:<20} scrapes={count} body={size} bytes median={statistics.median(latencies):.3f} ms p99={p99:.3f} ms rss={rss}")
    return statistics.median(latencies)


if __name__ == "__main__":
    main()
