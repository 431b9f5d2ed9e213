#!/usr/bin/env bash
# Idle cost of the real app: under Xvfb (1366x768) with 2 demo boards, after start-up,
# measures CPU time and resident memory over 10 s and prints them.
#   bash tests/bench/gui_idle.sh           builds the release binary first
#   BIN=path/to/dfu-station bash tests/bench/gui_idle.sh    measures that binary instead
# Targets: CPU <= 1% of a core, RSS <= 150 MB.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -n "${BIN:-}" ] || { cargo build --release --quiet --bin dfu-station; BIN=$PWD/target/release/dfu-station; }
export BIN SETTLE="${SETTLE:-3}" SECONDS_IDLE="${SECONDS_IDLE:-10}"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
HOME="$home" XDG_DATA_HOME="$home" WAYLAND_DISPLAY= \
  xvfb-run -a -s "-screen 0 1366x768x24" bash -c '
    "$BIN" --demo & pid=$!
    sleep "$SETTLE"
    ticks() { awk "{print \$14 + \$15}" "/proc/$pid/stat"; }
    hz=$(getconf CLK_TCK)
    before=$(ticks)
    sleep "$SECONDS_IDLE"
    after=$(ticks)
    rss_kb=$(awk "/^VmRSS:/ {print \$2}" "/proc/$pid/status")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    awk -v t=$((after - before)) -v hz="$hz" -v s="$SECONDS_IDLE" -v rss="$rss_kb" "BEGIN {
      printf \"idle %d s with 2 demo boards: CPU %.2f%% of a core, RSS %.1f MB\n\", s, 100 * t / hz / s, rss / 1024
    }"
  '
