#!/usr/bin/env bash
# Two processes training on the same memory-mapped features hold one copy of them: the page cache's.
#   benchmarks/shared_pages.sh DIR OUT        # DIR from `./gcl synth --preset ucf --out DIR`
# Starts two `./gcl train --variant gcl-b` on DIR at once (default launcher), waits until both train, then reads
# /proc/PID/smaps_rollup of each java process: Rss counts every page the process maps (the features included),
# Pss divides each shared page among the processes mapping it, so Pss_File of each is about half the features and
# the two together hold them once; it also prints the machine's page-cache and used memory. Then stops both runs
# (SIGKILL: nothing of theirs is kept) and removes OUT.
set -euo pipefail
data="$1"; out="$2"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$out"
unset GCL_JAVA_OPTS
gib() { awk -v k="$1" 'BEGIN {printf "%.2f", k / 1048576}'; }
field() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$2/smaps_rollup"; }
meminfo() { awk -v f="$1:" '$1 == f {print $2}' /proc/meminfo; }

echo "before: page cache $(gib "$(meminfo Cached)") GiB, used $(gib $(( $(meminfo MemTotal) - $(meminfo MemAvailable) ))) GiB"
launchers=()
for k in 1 2; do
  "$root/gcl" train --data "$data/dataset.yaml" --variant gcl-b --epochs 1 --no-pictures --out "$out/run$k" \
      > "$out/run$k.log" 2>&1 &
  launchers+=($!)
done
for k in 1 2; do
  until grep -q "^cooperative" "$out/run$k.log" 2>/dev/null; do sleep 2; done
done
sleep 10   # a few iterations each
pids=()
for l in "${launchers[@]}"; do pids+=("$(pgrep -P "$l" java)"); done
for p in "${pids[@]}"; do
  echo "java $p: Rss $(gib "$(field Rss "$p")") GiB, Pss $(gib "$(field Pss "$p")") GiB" \
       "(Pss_Anon $(gib "$(field Pss_Anon "$p")"), Pss_File $(gib "$(field Pss_File "$p")")) GiB"
done
echo "both training: page cache $(gib "$(meminfo Cached)") GiB, used $(gib $(( $(meminfo MemTotal) - $(meminfo MemAvailable) ))) GiB"
for p in "${pids[@]}"; do kill -9 "$p"; done
for l in "${launchers[@]}"; do wait "$l" || true; done
rm -rf "$out"
