#!/usr/bin/env bash
# CI: proves the library works as a dependency. Installs this checkout's dev.gcl:gcl (tests skipped: .ci/run has
# just run them), trains a small model with ./gcl train, scores the test videos with ./gcl score, then builds
# examples/embedding, a separate Maven project depending on the installed artifact only, and runs it: it scores
# the same videos from 16 threads, prints segments/s and "scores equal", and exits non-zero if a score differs
# from gcl score's. Also prints the consumer's dependency tree (docs/java-api.md lists it) and fails if a CLI-only
# artifact (picocli, progressbar, jline, JFreeChart) or the demo data reaches the consumer.
# Usage: .ci/embedding-example.sh [WORK_DIR]   (run from anywhere; .ci/run calls it in its fresh clone)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d "${TMPDIR:-/tmp}/gcl-embedding.XXXXXX")}"
mkdir -p "$work"
cd "$root"
echo "embedding: installing dev.gcl:gcl from $(git rev-parse --short HEAD 2>/dev/null || echo "$root")" >&2
# After .ci/run's `mvn test` the classes, kernels and build info are those of HEAD: skip the exec steps (nvcc and
# the stand-in take minutes) and only package and install. Otherwise (another commit, a dirty tree, no build) build
# it all.
recorded=$(sed -n 's/^git.commit=//p' target/classes/dev/gcl/build-info.properties 2>/dev/null || true)
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
./gcl score --model "$work/run/model" --input "$work/data/dataset.yaml" --out "$work/scores"
./gcl info --model "$work/run/model"
cd examples/embedding
mvn -B -ntp -q dependency:tree -DoutputFile="$work/dependency-tree.txt"
cat "$work/dependency-tree.txt"
if grep -Ei 'picocli|progressbar|jline|jfreechart' "$work/dependency-tree.txt"; then
    echo "embedding: a CLI-only artifact reached the consumer (above)" >&2
    exit 1
fi
mvn -B -ntp -q package
if jar tf target/lib/gcl-*-SNAPSHOT.jar | grep -q '^dev/gcl/demo/'; then
    echo "embedding: the library jar carries the demo data" >&2
    exit 1
fi
java -Xmx1g -cp "target/classes:target/lib/*" dev.gcl.examples.embedding.EmbeddedScorer \
    "$work/run/model" "$work/data/dataset.yaml" "$work/scores"
