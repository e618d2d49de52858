# Sourced by the backup benches. measure <label> <cmd...>: sets <label>_wall (s), <label>_cpu (user+sys s)
# and <label>_rss (peak MB) from /usr/bin/time -v; needs $WORK for the raw report.
measure() {
  local label=$1; shift
  /usr/bin/time -v "$@" 2>"$WORK/$label.time" >/dev/null || { cat "$WORK/$label.time" >&2; exit 1; }
  local wall user sys rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/$label.time")
  user=$(awk -F': ' '/User time/ {print $2}' "$WORK/$label.time")
  sys=$(awk -F': ' '/System time/ {print $2}' "$WORK/$label.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2/1024}' "$WORK/$label.time")
  grep -E '^library' "$WORK/$label.time" >&2 || true
  eval "${label}_wall=$wall ${label}_cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}') ${label}_rss=$rss"
}
