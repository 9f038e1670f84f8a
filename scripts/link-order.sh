#!/usr/bin/env bash
# Writes scripts/link-order.txt, the functions a running agent executes, and
# scripts/link/hot-sections.ld, the sections of those that no name can place (below), which the
# release link places together at the start of the binary's code (lld --symbol-ordering-file and
# --script; Package.swift); then links the agent with them. The kernel maps a binary's pages in
# 64 KiB blocks around each page touched, so code run spread over the whole 19 MiB text made most
# of it resident; gathered, what runs takes a few MiB.
#
# Runs the release agent under valgrind's callgrind (every function executed, not a sample) for
# PROFILE_SECONDS against a throwaway primary, replica and PgBouncer on loopback, while it is
# scraped as Prometheus does (text and OpenMetrics, gzip), its health checks, history, status
# page and /probe are read; then stops it gracefully (saving its history). The names are written
# as the linker knows them (mangled), most executed first.
#
#   scripts/link-order.sh     (as root; about 5 minutes; PROFILE_SECONDS=150)
# Run it again after large changes: functions it does not list are placed after the listed ones,
# as before, so a stale list costs resident pages, never correctness.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${PROFILE_SECONDS:-150}
command -v valgrind >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; }
work=$(mktemp -d)
# The linker's map says which section holds each function (below: why that matters).
binary=$(scripts/build-agent.sh release pgvigil -Xlinker -Map="$work/link.map" -Xlinker --no-demangle)

export CLUSTER_DIR=/tmp/pgvigil-link-order PRIMARY_PORT=58632
scripts/pg-cluster.sh stop 2>/dev/null || true
scripts/pg-cluster.sh start >/dev/null
agent_pid=""
cleanup() {
  [ -z "$agent_pid" ] || kill "$agent_pid" 2>/dev/null || true
  scripts/pg-cluster.sh stop >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

dsn="host=127.0.0.1 user=pgvigil password=pgvigil-test-password dbname=postgres"
cat >"$work/agent.yaml" <<YAML
listen: "127.0.0.1:58640"
interval: 5s
state_directory: "$work/state"
targets:
  - { name: primary, dsn: "$dsn port=$PRIMARY_PORT" }
  - { name: replica, dsn: "$dsn port=$((PRIMARY_PORT + 1))" }
YAML
# Valgrind 3.19 cannot read this toolchain's DWARF 5: it profiles a copy without debug
# information (the symbol table, which names the functions, stays).
objcopy --strip-debug "$binary" "$work/pgvigil"
valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/callgrind.out" \
  "$work/pgvigil" run --config "$work/agent.yaml" --log-level warning 2>"$work/valgrind.log" &
agent_pid=$!
url=http://127.0.0.1:58640
deadline=$((SECONDS + 300))
until curl -sf "$url/metrics" | grep -q '^pg_up{target="replica"} 1'; do
  [ $SECONDS -lt $deadline ] || { echo "link-order.sh: the agent did not sample in time" >&2; cat "$work/valgrind.log" >&2; exit 1; }
  sleep 2
done
openmetrics="Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
# Scrapes and health checks every second, as a running agent sees them; the pages people open
# now and then every 30 seconds, so that their code is listed after what runs all the time.
end=$((SECONDS + seconds)) round=0
while [ $SECONDS -lt $end ]; do
  curl -s -o /dev/null -H "$openmetrics" -H "Accept-Encoding: gzip" "$url/metrics"
  curl -s -o /dev/null "$url/metrics"
  curl -s -o /dev/null "$url/healthz"
  curl -s -o /dev/null "$url/readyz"
  if [ $((round % 30)) = 0 ]; then
    curl -s -o /dev/null "$url/?window=1h"
    curl -s -o /dev/null "$url/api/v1/series?match=pg_up&window=10m"
    curl -s -o /dev/null -H "Accept-Encoding: gzip" "$url/probe?target=primary"
  fi
  round=$((round + 1))
  sleep 1
done
kill -TERM "$agent_pid"
wait "$agent_pid" || true
agent_pid=""
# Instructions per function, most executed first, as callgrind's file has them: a function is
# named once ("fn=(id) name", or "cfn=(id) name" where first called) and then by id; the cost
# lines under "fn=" are "position instructions", and the line after "calls=" is a callee's cost.
# Only the binary's own functions are kept (libpq's and OpenSSL's among them, which are linked in;
# not libc's or Kerberos', nor unnamed ones).
#
# The linker places sections, not functions, and it places every definition of a name the list
# gives. pgvigil's and its packages' code has a section per function, but the Swift runtime's
# and Foundation's archives, libpq and OpenSSL have one per object file. A local name that many
# object files define (`objectdestroyTm`, Optional's value witnesses `$sSqwxx`) would move every
# such object's whole code among the functions that run: the regex parser, property-list
# decoders, AttributedString, 1.2 MiB that a running agent never executes. So a name defined
# more than once is listed only if each of its definitions has a section of its own or lies in a
# section that a name defined once brings in anyway. The others' own sections are named in
# scripts/link/hot-sections.ld instead, which places sections by their name: only a definition
# with a section of its own has a section called `.text.NAME`.
python3 - "$work/callgrind.out" "$work/link.map" scripts/link/hot-sections.ld >scripts/link-order.txt <<'PY'
import collections, re, sys

def text_sections(map_path):
    """The map's input sections of code: "file:(section)" -> the names defined in it."""
    sections, output, current = collections.defaultdict(list), None, None
    for line in open(map_path, errors="replace"):
        row = re.match(r"^\s*[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+\d+ (\s*)(\S.*)$", line.rstrip("\n"))
        if not row:
            continue
        depth, text = len(row.group(1)), row.group(2)
        if depth == 0:
            output, current = text, None
        elif output.startswith(".text") and depth < 12:
            current = text
        elif output.startswith(".text") and current is not None:
            sections[current].append(text)
    return sections

def executed(callgrind_path):
    """Names of the functions that ran, most instructions first."""
    names, cost, current, callee_line = {}, {}, None, False
    for line in open(callgrind_path, errors="replace"):
        named = re.match(r"^c?fn=\((\d+)\)(?: (.+))?$", line.rstrip("\n"))
        if named and named.group(2):
            names[named.group(1)] = named.group(2)
        if line.startswith("fn="):
            current = named.group(1) if named else None
        elif line.startswith("calls="):
            callee_line = True
        elif line[:1] in "0123456789+-*" and current is not None:
            if callee_line:
                callee_line = False
            else:
                fields = line.split()
                cost[current] = cost.get(current, 0) + (int(fields[1]) if len(fields) > 1 else 0)
    return [names[id] for id in sorted(cost, key=lambda id: -cost[id]) if id in names]

sections = text_sections(sys.argv[2])
defined_in = collections.defaultdict(list)
for section, defined in sections.items():
    for name in defined:
        defined_in[name].append(section)
ran = [name for name in executed(sys.argv[1]) if name in defined_in]
placed = {defined_in[name][0] for name in ran if len(defined_in[name]) == 1}
own_sections = []
for name in ran:
    if all(len(sections[section]) == 1 or section in placed for section in defined_in[name]):
        print(name)
    elif ".text." + name not in own_sections and any(section.endswith(":(.text." + name + ")") for section in defined_in[name]):
        own_sections.append(".text." + name)
with open(sys.argv[3], "w") as script:
    script.write('''/* Written by scripts/link-order.sh; the release link reads it (Package.swift, releaseLink).
   Code placed just before what scripts/link-order.txt places first, by section name, for the
   functions that list cannot place by their name:
   - the functions Swift leaves without a name (`.text..L__unnamed_N`, `.text..Lobjectdestroy`:
     about 3,500 of 10 to 100 bytes, in nearly every object file);
   - the definitions with a section of their own of the names that a running agent executes and
     that several object files define (link-order.sh says why those are not in the list).
   Left among their object file's code, each one called made the 64 KiB around it resident. */
SECTIONS {
  .text.hot : {
    *(.text..L*)
''')
    for section in own_sections:
        script.write(f'    *("{section}")\n')
    script.write("  }\n} INSERT BEFORE .text;\n")
PY
echo "link-order.sh: $(wc -l <scripts/link-order.txt) functions written to scripts/link-order.txt, $(grep -c '"' scripts/link/hot-sections.ld) sections to scripts/link/hot-sections.ld"
# SwiftPM links again only when an input it knows changes, and the list is not one of them.
rm -f "$binary"
scripts/build-agent.sh release >/dev/null
echo "link-order.sh: $binary linked with the new list"
