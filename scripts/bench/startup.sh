#!/usr/bin/env bash
# Startup benchmark: median wall time of `pxdeploy --version`, `pxdeploy --help` and bare `node -e 0`, measured in one run.
# Targets (issue 2): --version <= 1.2 x node, --help <= 1.5 x node. Prints figures, never fails on them.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-31}
[[ -f dist/main.js ]] || npm run build >/dev/null

ns() { date +%s%N; }
declare -a t_node t_version t_help
for ((i = 0; i < RUNS; i++)); do
  # Interleaved so that drift in machine load hits all three alike.
  s=$(ns); node -e 0; e=$(ns); t_node+=($(((e - s) / 1000)))
  s=$(ns); node bin/pxdeploy.js --version >/dev/null; e=$(ns); t_version+=($(((e - s) / 1000)))
  s=$(ns); node bin/pxdeploy.js --help >/dev/null; e=$(ns); t_help+=($(((e - s) / 1000)))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m_node=$(median "${t_node[@]}"); m_version=$(median "${t_version[@]}"); m_help=$(median "${t_help[@]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf 'startup benchmark (%d runs each, median wall time)\n' "$RUNS"
printf '  %-22s %8.1f ms\n' 'node -e 0' "$(awk -v v="$m_node" 'BEGIN{print v/1000}')"
printf '  %-22s %8.1f ms  ratio %s (target <= 1.20)\n' 'pxdeploy --version' "$(awk -v v="$m_version" 'BEGIN{print v/1000}')" "$(ratio "$m_version" "$m_node")"
printf '  %-22s %8.1f ms  ratio %s (target <= 1.50)\n' 'pxdeploy --help' "$(awk -v v="$m_help" 'BEGIN{print v/1000}')" "$(ratio "$m_help" "$m_node")"
