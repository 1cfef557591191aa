#!/usr/bin/env bash
# Regenerate the tables of host calls in docs/security.md ("Host calls,
# measured"): measures the filters of a live `cvisor do -- sleep` sandbox with
# cvisor-filters and puts them beside gVisor's (docs/filters/gvisor.list, read
# from its source) and Docker's (docs/filters/docker.list, measured by
# scripts/docker-filters.sh).  Run as root after `make all`.
#
#   scripts/filters-table.sh [BUILD]
set -euo pipefail
B=${1:-build}
DOC=docs/security.md
BEGIN='<!-- filters-table: begin -->'
END='<!-- filters-table: end -->'
tmp=$(mktemp -d)
"$B/cvisor" do -- sleep 1000 &
cli=$!
trap 'kill $cli 2>/dev/null; wait $cli 2>/dev/null || true; rm -rf "$tmp"' EXIT

"$B/cvisor-filters" --list "$cli" >"$tmp/cvisor.list"
python3 scripts/filters-table.py "$tmp/cvisor.list" docs/filters/gvisor.list \
	docs/filters/docker.list >"$tmp/table.md"
grep -qF "$BEGIN" "$DOC" && grep -qF "$END" "$DOC" ||
	{ echo "filters-table: $DOC has no $BEGIN ... $END" >&2; exit 1; }
awk -v begin="$BEGIN" -v end="$END" -v table="$tmp/table.md" '
	$0 == begin { print; while ((getline line < table) > 0) print line; skip = 1; next }
	$0 == end { skip = 0 }
	!skip' "$DOC" >"$tmp/doc"
cat "$tmp/doc" >"$DOC"
echo "filters-table: $DOC updated"
