#!/usr/bin/env bash
# The UCF-Crime-scale epoch, gcl beside PyTorch, one after the other on the same files:
#   ./gcl synth --preset ucf --out DIR          # 1,610 + 290 videos, 817,981 + 144,560 segments, D 2048, 7.9 GB
#   benchmarks/ucf_epoch.sh DIR OUT [gcl-b gcl-pt ...]
# For each variant: `./gcl train` with the default launcher (no GCL_JAVA_OPTS), then
# benchmarks/ucf_epoch_pytorch.py with 2 threads; gcl-pt with --pretrain-epochs 1 on both sides. Prints wall time,
# the phases (run.json's, and the script's), peak RSS (from /usr/bin/time) and, for gcl, the peak of the process's
# anonymous memory (RssAnon: heap and native buffers) beside its file-backed pages (RssFile: the mapped features,
# shared with every other process through the page cache), sampled from /proc every second.
set -euo pipefail
# both sides get the OpenBLAS kernels a user's machine gets: the pins are lifted for this command alone
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
data="$1"; out="$2"; shift 2
variants=("${@:-gcl-b}")
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$out"

# peak RssAnon and RssFile (kB) of the java process under launcher pid $1, into file $2, until it exits
sample() {
  local launcher="$1" file="$2" anon=0 filepages=0 pid a f
  while kill -0 "$launcher" 2>/dev/null; do
    pid="$(pgrep -P "$launcher" java || true)"
    if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
      a="$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"
      f="$(awk '/^RssFile:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"
      [ "${a:-0}" -gt "$anon" ] && anon="$a"
      [ "${f:-0}" -gt "$filepages" ] && filepages="$f"
    fi
    sleep 1
  done
  echo "$anon $filepages" > "$file"
}

for v in "${variants[@]}"; do
  extra=()
  [ "$v" = gcl-pt ] && extra=(--pretrain-epochs 1)
  echo "== gcl $v ($(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1 /proc/loadavg), $(free -g | awk '/Mem:/ {print $7}') GiB available)"
  unset GCL_JAVA_OPTS
  /usr/bin/time -f "%e %M" -o "$out/gcl-$v.time" "$root/gcl" train --data "$data/dataset.yaml" --variant "$v" \
      --epochs 1 "${extra[@]}" --out "$out/gcl-$v" --force > "$out/gcl-$v.log" 2>&1 &
  launcher=$!
  sleep 1
  sample "$(pgrep -P "$launcher" -f "$root/gcl" | head -1 || echo "$launcher")" "$out/gcl-$v.mem" &
  sampler=$!
  wait "$launcher"
  wait "$sampler" || true
  read -r wall rss < "$out/gcl-$v.time"
  read -r anon filepages < "$out/gcl-$v.mem"
  phases="$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(' '.join(f'{k}={v:.1f}' for k,v in r['phases'].items()), f\"segments/s={r['segments_per_second']:.0f} auc={r['auc_roc']:.4f}\")" "$out/gcl-$v/run.json")"
  echo "gcl $v: wall $wall s, peak RSS $(awk -v k="$rss" 'BEGIN {printf "%.2f", k / 1048576}') GiB (RssAnon $(awk -v k="$anon" 'BEGIN {printf "%.2f", k / 1048576}') GiB, RssFile $(awk -v k="$filepages" 'BEGIN {printf "%.2f", k / 1048576}') GiB); $phases"

  echo "== pytorch $v ($(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1 /proc/loadavg), $(free -g | awk '/Mem:/ {print $7}') GiB available)"
  /usr/bin/time -f "%e %M" -o "$out/torch-$v.time" /usr/bin/python3 "$root/benchmarks/ucf_epoch_pytorch.py" \
      --data "$data/dataset.yaml" --variant "$v" --epochs 1 --pretrain-epochs 1 --threads 2 > "$out/torch-$v.log" 2>&1
  read -r wall rss < "$out/torch-$v.time"
  echo "pytorch $v: wall $wall s, peak RSS $(awk -v k="$rss" 'BEGIN {printf "%.2f", k / 1048576}') GiB; $(grep '^PHASES' "$out/torch-$v.log" | cut -d' ' -f2-)"
done
