#!/usr/bin/env bash
# CI: proves the library works as a dependency, as the two consumers docs/java-api.md describes: the core alone
# (pure Java: gcl-core and Jackson, no natives) and the core with the OpenBLAS scorer (gcl-core + gcl-blas).
# Installs this checkout's artifacts (tests skipped: .ci/run has just run them), trains a small model with
# ./gcl train, scores the test videos with ./gcl score by each consumer's scorer, then builds examples/embedding
# once per consumer (a separate Maven project depending on the installed artifacts only) and, for each: asserts
# its dependency tree (what it must and must not bring) and the size of its runtime class path, and runs it: it
# scores the same videos from 16 threads, prints segments/s, the single-row latency percentiles and "scores equal",
# and exits non-zero if a score differs from gcl score's. The core-only consumer runs a second time with the core on
# the module path.
# Usage: .ci/embedding-example.sh [WORK_DIR]   (run from anywhere; .ci/run calls it in its fresh clone)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d "${TMPDIR:-/tmp}/gcl-embedding.XXXXXX")}"
mkdir -p "$work"
cd "$root"
echo "embedding: installing the dev.gcl artifacts from $(git rev-parse --short HEAD 2>/dev/null || echo "$root")" >&2
# After .ci/run's `mvn test` the classes, kernels and build info are those of HEAD: skip the exec steps (nvcc and
# the stand-in take minutes) and only package and install. Otherwise (another commit, a dirty tree, no build) build
# it all.
recorded=$(sed -n 's/^git.commit=//p' src/core/target/classes/dev/gcl/build-info.properties 2>/dev/null || true)
if [[ -n $recorded && $recorded == "$(git rev-parse --short HEAD 2>/dev/null)" ]]; then
    mvn -B -ntp -q install -DskipTests -Dexec.skip=true
else
    mvn -B -ntp -q install -DskipTests
fi
# A small model the way a research group would hand one over: generated videos (D = 1024, 990 training segments)
# and gcl train (frame ROC AUC 0.85 here; about a minute on 2 cores).
./gcl synth --preset demo --dim 1024 --train-videos 24 --test-videos 40 --seed 3 --out "$work/data" >/dev/null
./gcl train --data "$work/data/dataset.yaml" --out "$work/run" --no-pictures --no-epoch-auc --quiet --seed 2 \
    --epochs 3 --pretrain-epochs 3 --batch 32 --lr 1e-3 --g-hidden 512,128,512 --d-hidden 128,32 \
    --cleaning quantile --cleaning-value 0.8
./gcl info --model "$work/run/model"

cd examples/embedding
fail() { echo "embedding: $*" >&2; exit 1; }
# consumer  profile    scorer it gets     largest runtime class path (MB)
for consumer in "core-only java 8" "with-blas blas 40"; do
    read -r profile scorer limit_mb <<<"$consumer"
    echo "embedding: consumer $profile (scorer $scorer)" >&2
    (cd "$root" && ./gcl score --model "$work/run/model" --input "$work/data/dataset.yaml" --scorer "$scorer" \
        --out "$work/scores-$scorer")
    tree="$work/dependency-tree-$profile.txt"
    mvn -B -ntp -q -P "$profile" dependency:tree -DoutputFile="$tree"
    cat "$tree"
    grep -q 'dev.gcl:gcl-core:jar' "$tree" || fail "$profile: gcl-core is not in the tree"
    if grep -Ei 'picocli|progressbar|jline|jfreechart|gcl-tool|jcuda|gcl-cuda' "$tree"; then
        fail "$profile: a tool-only or CUDA artifact reached the consumer (above)"
    fi
    if [[ $profile == core-only ]]; then
        if grep -Ei 'bytedeco|gcl-blas' "$tree"; then fail "core-only: OpenBLAS reached the consumer (above)"; fi
        # nothing but gcl-core and Jackson (and Jackson's SnakeYAML)
        if grep -E '(\+-|\\-) ' "$tree" | grep -vE 'dev\.gcl:gcl-core|com\.fasterxml\.jackson|org\.yaml:snakeyaml'; then
            fail "core-only: an artifact beyond gcl-core and Jackson (above)"
        fi
    else
        grep -q 'org.bytedeco:openblas:jar:linux-x86_64' "$tree" || fail "with-blas: no OpenBLAS natives"
    fi
    mvn -B -ntp -q -P "$profile" clean package
    if jar tf target/lib/gcl-core-*.jar | grep -q '^dev/gcl/demo/'; then fail "gcl-core carries the demo data"; fi
    natives=$(for j in target/lib/*.jar; do
        jar tf "$j" | { grep -E '\.(so|dll|dylib)$' || true; } | sed "s|^|$(basename "$j"): |"; done)
    if [[ $profile == core-only && -n $natives ]]; then fail "core-only: native code on the class path: $natives"; fi
    bytes=$(du -cb target/lib/*.jar | tail -n 1 | cut -f1)
    echo "embedding: $profile runtime class path: $(ls target/lib | wc -l) jars, $((bytes / 1024)) KiB:" \
        "$(ls target/lib | tr '\n' ' ')" >&2
    (( bytes < limit_mb * 1024 * 1024 )) || fail "$profile: runtime class path over $limit_mb MB"
    java -Xmx1g -cp "target/classes:target/lib/*" dev.gcl.examples.embedding.EmbeddedScorer \
        "$work/run/model" "$work/data/dataset.yaml" "$work/scores-$scorer" | tee "$work/run-$profile.txt"
    grep -q "scoring with the $scorer scorer" "$work/run-$profile.txt" || fail "$profile: not the $scorer scorer"
    grep -q "single-row latency: p50" "$work/run-$profile.txt" || fail "$profile: no single-row latency percentiles"
    if [[ $profile == core-only ]]; then
        # gcl-core is a real module (module-info: dev.gcl) and its dependencies are modules too: resolve it there
        java -Xmx1g --module-path target/lib --add-modules dev.gcl -cp target/classes \
            dev.gcl.examples.embedding.EmbeddedScorer "$work/run/model" "$work/data/dataset.yaml" \
            "$work/scores-$scorer" | tee "$work/run-$profile-modules.txt"
        grep -q "scores equal" "$work/run-$profile-modules.txt" || fail "core-only on the module path"
    fi
done
