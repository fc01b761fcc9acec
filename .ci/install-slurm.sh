#!/usr/bin/env bash
# Installs Slurm and munge (Debian packages) when they are missing, so that SlurmSweepTest runs its live
# single-node cluster instead of skipping. The test starts and stops its own daemons (own key, socket, ports and
# state in a temporary folder); nothing here starts a service. Needs root (as the test's daemons do).
set -euo pipefail
if command -v sbatch >/dev/null 2>&1 && command -v munged >/dev/null 2>&1 \
    && { command -v slurmctld >/dev/null 2>&1 || [ -x /usr/sbin/slurmctld ]; }; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "ci: not root: SlurmSweepTest will skip (install slurm-wlm and munge as root to run it)" >&2
  exit 0
fi
echo "ci: installing slurm-wlm and munge for the live Slurm test" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
