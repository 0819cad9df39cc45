#!/usr/bin/env bash
# The batch's exactly-once bar: run a manifest uninterrupted, run it again elsewhere and
# kill -9 it halfway, restart it, then check that every job is done, that no job reached
# `done` twice, and that the outputs are byte-identical to the uninterrupted run.
#
# Usage: Benchmarks/batch/kill-resume.sh [MANIFEST] [LANDMARK_BINARY]
#   MANIFEST defaults to Benchmarks/batch/library.yaml (optimize + retarget, 40 jobs);
#   library-diagnostic.yaml has the same 40-job shape with copy/checksum kinds.
#   The manifest is copied into a work folder with `data` (a link to ../shared/data) and
#   `procedural/` (generated); the uninterrupted run's outputs are moved aside, then the
#   killed run works in the same folder (outputs may record absolute input paths).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
manifest=${1:-$here/library.yaml}
bin=$(cd "$(dirname "${2:-$root/.build/release/landmark}")" && pwd)/$(basename "${2:-landmark}")
data=${DATA:-$(cd "$root/.." && pwd)/shared/data}
workers=${WORKERS:-2}
work=$(mktemp -d /tmp/landmark-kill-resume.XXXXXX)
echo "work folder: $work"

# Both runs use the same folder (retarget outputs record their source's absolute path).
lib="$work/lib"
mkdir -p "$lib"
cp "$manifest" "$lib/jobs.yaml"
ln -s "$data" "$lib/data"
python3 "$here/procedural.py" "$lib/procedural"
cd "$lib"

start=$(date +%s.%N)
"$bin" batch run jobs.yaml --db reference.sqlite --workers "$workers" || true
echo "uninterrupted: $(echo "$(date +%s.%N) - $start" | bc) s"
total=$(sqlite3 reference.sqlite "SELECT COUNT(*) FROM job")
echo "jobs: $total, done: $(sqlite3 reference.sqlite "SELECT COUNT(*) FROM job WHERE state='done'")"
mv out "$work/reference-out"

"$bin" batch run jobs.yaml --db jobs.sqlite --workers "$workers" >run1.log 2>&1 &
pid=$!
half=$((total / 2))
while sleep 0.1; do
  n=$(sqlite3 jobs.sqlite "SELECT COUNT(*) FROM job WHERE state='done'" 2>/dev/null || echo 0)
  [ "${n:-0}" -ge "$half" ] && break
  kill -0 $pid 2>/dev/null || { echo "the run ended before it was killed"; break; }
done
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
echo "killed with kill -9 at $(sqlite3 jobs.sqlite "SELECT COUNT(*) FROM job WHERE state='done'")/$total done, $(sqlite3 jobs.sqlite "SELECT COUNT(*) FROM job WHERE state='running'") running"
sleep 0.3
"$bin" batch run jobs.yaml --db jobs.sqlite --workers "$workers" || true

echo "--- checks"
echo "states after restart: $(sqlite3 jobs.sqlite "SELECT group_concat(state || '=' || n, ' ') FROM (SELECT state, COUNT(*) n FROM job GROUP BY state)")"
echo "reference states:     $(sqlite3 reference.sqlite "SELECT group_concat(state || '=' || n, ' ') FROM (SELECT state, COUNT(*) n FROM job GROUP BY state)")"
twice=$(sqlite3 jobs.sqlite "SELECT COUNT(*) FROM (SELECT jobId FROM event WHERE event='done' GROUP BY jobId HAVING COUNT(*) > 1)")
echo "jobs that reached done more than once: $twice (max completions: $(sqlite3 jobs.sqlite "SELECT MAX(completions) FROM job"))"
echo "resumed (reset) jobs: $(sqlite3 jobs.sqlite "SELECT COUNT(DISTINCT jobId) FROM event WHERE event='reset'")"
if diff -r "$work/reference-out" out >/dev/null; then
  echo "outputs: byte-identical to the uninterrupted run ($(find out -type f | wc -l) files)"
else
  echo "outputs: DIFFER"; diff -rq "$work/reference-out" out | head
fi
leftovers=$(find out -name '.*.tmp-*' | wc -l)
echo "temporary files left: $leftovers"
