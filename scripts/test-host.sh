#!/bin/bash
# Host tests (pvesim contract + e2e on real LXC) in lanes: pvesim set up once, the lanes run side by side,
# each lane's files one after another, pvesim torn down after; exits non-zero if any lane failed.
#
# Why lanes: most of an e2e file's time is spent waiting on CT boots, apt and health gates, so two or three
# files at once fit on two cores. Files in different lanes must use disjoint vmids, IPs and global objects
# (template-cache archive names, instance ids): the ranges are listed in docs/architecture.md ("Test ranges").
# The last lane takes every host test file not named in another lane.
# Env: PVESIM_SKIP_SETUP=1 (pvesim already up), PVESIM_KEEP=1 (leave it up), HOST_LANES=1 (all in one lane).
set -uo pipefail
cd "$(dirname "$0")/.."
[[ $(id -u) == 0 ]] || { echo "host tests need root: they run real LXC containers (sudo npm test)" >&2; exit 1; }

# Lane 2 is also the cluster lane: every file that acts as or adds another node in pvesim's shared /etc/pve/nodes (or asserts which
# nodes the cluster has) runs there, one after another, since the node set is global to every lane
# (test/unit/test-lanes.test.ts checks this).
LANES=(
  "test/e2e/instances.test.ts test/e2e/vikunja.test.ts"
  "test/e2e/nodes.test.ts test/e2e/inventory.test.ts test/pvesim/contract/lifecycle.test.ts test/pvesim/contract/pvesh-write.test.ts test/pvesim/contract/cli.test.ts test/e2e/backup-instance.test.ts test/e2e/stacks.test.ts"
)
[[ ${HOST_LANES:-} == 1 ]] && LANES=()

if [[ ${PVESIM_SKIP_SETUP:-} != 1 ]]; then bash scripts/pvesim-setup.sh || exit 1; fi
failed=()
LANE_LOGS=$(mktemp -d /tmp/pxdeploy-host-lanes.XXXXXX)
finish() { # teardown first: CI shows only the tail of the output, and that must be the failures
  [[ ${PVESIM_KEEP:-} == 1 ]] || bash scripts/pvesim-teardown.sh
  for name in "${failed[@]}"; do print_failures "$name"; done
  ((${#failed[@]} == 0)) || echo "host tests failed in: ${failed[*]}" >&2
  rm -rf "$LANE_LOGS"
}
trap finish EXIT

run_lane() { # name, files... (no files: the rest)
  local name=$1; shift
  local args=()
  if (($# > 0)); then
    args=("$@")
  else
    for lane in "${LANES[@]}"; do for f in $lane; do args+=(--exclude "$f"); done; done
  fi
  local existing=()
  if (($# > 0)); then for f in "$@"; do [[ -f $f ]] && existing+=("$f"); done; ((${#existing[@]} > 0)) || return 0; args=("${existing[@]}"); fi
  PVESIM_SKIP_SETUP=1 PVESIM_KEEP=1 npx vitest run --config vitest.host.config.ts "${args[@]}" 2>&1 |
    sed -u "s/^/[$name] /" | tee "$LANE_LOGS/$name.log"
  return "${PIPESTATUS[0]}"
}

# The lanes' output interleaves and CI shows only its tail, so a failed lane's failures are printed again last.
print_failures() { # lane name
  local log=$LANE_LOGS/$1.plain
  sed 's/\x1b\[[0-9;]*m//g' "$LANE_LOGS/$1.log" >"$log"
  echo "==== $1 failed; its failures again:" >&2
  # vitest's own list of failed files/tests, then the failure details (bounded: CI keeps only the tail).
  grep -E "^\[$1\] +(❯|×|FAIL) " "$log" | head -40 >&2
  sed -n -E "/Failed (Tests|Suites)/,\$p" "$log" | head -150 >&2
}

pids=(); names=()
i=1
for lane in "${LANES[@]}"; do
  # shellcheck disable=SC2086 # a lane is a space-separated list of paths
  run_lane "lane$i" $lane & pids+=($!); names+=("lane$i"); i=$((i + 1))
done
run_lane "rest" & pids+=($!); names+=("rest")

for k in "${!pids[@]}"; do wait "${pids[$k]}" || failed+=("${names[$k]}"); done
((${#failed[@]} == 0)) || exit 1
echo "host tests: all lanes passed"
