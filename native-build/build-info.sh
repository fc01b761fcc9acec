#!/usr/bin/env bash
# Records the git commit the jar is built from, so that a model trained through the Java API (not only through the
# ./gcl launcher, which passes GCL_GIT_COMMIT) can say which commit trained it (model.json "git_commit"). Run by
# Maven (exec-maven-plugin, phase generate-resources) as: build-info.sh <project dir> <classes dir>.
# Outside a git checkout (a source tarball) or without git it writes an empty commit and succeeds; "-dirty" marks
# a build from a checkout with uncommitted changes to tracked files.
set -euo pipefail
project=${1:-$(cd "$(dirname "$0")/.." && pwd)}
classes=${2:-$project/target/classes}
commit=""
if command -v git >/dev/null 2>&1 && commit=$(git -C "$project" rev-parse --short HEAD 2>/dev/null); then
    if [[ -n $(git -C "$project" status --porcelain --untracked-files=no 2>/dev/null) ]]; then commit="$commit-dirty"; fi
else
    commit=""
fi
mkdir -p "$classes/dev/gcl"
target="$classes/dev/gcl/build-info.properties"
line="git.commit=$commit"
# rewritten only when it changes, so an unchanged build stays up to date for ./gcl's staleness check
if [[ ! -f $target ]] || [[ "$(cat "$target")" != "$line" ]]; then printf '%s\n' "$line" >"$target"; fi
