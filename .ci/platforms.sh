#!/usr/bin/env bash
# CI: gcl-blas-platform brings OpenBLAS's and JavaCPP's natives for every platform, and -Djavacpp.platform=P keeps
# P's alone (the JavaCPP convention). Checked by dependency resolution only: `mvn dependency:tree` on the module's
# pom reads poms, never the native jars (hundreds of MB), and nothing here runs on those platforms. Needs gcl-blas
# installed in the local repository (.ci/embedding-example.sh installs it first).
# Usage: .ci/platforms.sh [WORK_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d "${TMPDIR:-/tmp}/gcl-platforms.XXXXXX")}"
mkdir -p "$work"
platforms="linux-x86_64 linux-arm64 macosx-x86_64 macosx-arm64 windows-x86_64"
tree() {  # tree FILE [maven args...]
    local out=$1; shift
    mvn -B -ntp -q -f "$root/src/blas-platform/pom.xml" dependency:tree -DoutputFile="$out" "$@"
}
fail() { echo "platforms: $*" >&2; exit 1; }
tree "$work/all.txt"
for p in $platforms; do
    for a in openblas javacpp; do
        grep -q "org.bytedeco:$a:jar:$p:" "$work/all.txt" || fail "gcl-blas-platform lacks $a's natives for $p"
    done
done
if grep -q 'org.bytedeco:openblas:jar:linux-x86_64.*gcl-blas' "$work/all.txt"; then fail "gcl-blas's own natives stayed"; fi
echo "platforms: gcl-blas-platform brings natives for: $(grep -oE 'org.bytedeco:openblas:jar:[a-z]+-[a-z0-9_]+:' \
    "$work/all.txt" | cut -d: -f4 | sort -u | tr '\n' ' ')" >&2
for p in $platforms; do
    tree "$work/$p.txt" -Djavacpp.platform="$p"
    found=$(grep -oE 'org.bytedeco:(openblas|javacpp):jar:[a-z0-9_-]+:' "$work/$p.txt" | cut -d: -f4 | sort -u | tr '\n' ' ')
    [[ $found == "$p " ]] || fail "-Djavacpp.platform=$p brings natives for: $found"
    grep -q 'dev.gcl:gcl-blas:jar' "$work/$p.txt" || fail "$p: gcl-blas is not in the tree"
    echo "platforms: -Djavacpp.platform=$p: natives for ${found% } only" >&2
done
