#!/usr/bin/env bash
# Benchmark (not a test): the real window under Xvfb, inside the umockdev harness with two
# emulated boards, while both are pulled out and plugged back in CYCLES times (default
# 1000) through the harness's control FIFO. Prints the window's resident memory and
# thread count after a warm-up of WARMUP cycles and at the end, and their growth.
# Targets: RSS growth <= 2 MB, thread count flat. Needs the packages of tests/run.sh.
#   bash tests/bench/hotplug_soak.sh        (CYCLES=N WARMUP=N PAUSE=seconds)
set -euo pipefail
cd "$(dirname "$0")/../.."
# PAUSE: seconds between pulling the boards out and plugging them back in, and again
# after; much quicker and umockdev's uevent socket overflows (EAGAIN) before the app does.
CYCLES=${CYCLES:-1000} WARMUP=${WARMUP:-50} PAUSE=${PAUSE:-0.15}
cargo build --quiet --release --features umockdev --bins
H=$PWD/target/release/dfu-station-harness
D=$PWD/target/release/dfu-station
work=$(mktemp -d)
trap "" PIPE
# On any failure (a write to the FIFO of a harness that died ends the script with
# EPIPE), say so with the end of the app's and the harness's output.
trap 'code=$?; kill "$harness" 2>/dev/null || true; wait 2>/dev/null || true
  [ $code -eq 0 ] || { echo "soak failed ($code); the last lines of the run:" >&2; tail -n 20 "$work/app.log" >&2; }
  rm -rf "$work"' EXIT
fifo=$work/control

HOME=$work XDG_DATA_HOME=$work XDG_CONFIG_HOME=$work WAYLAND_DISPLAY= \
  xvfb-run -a -s "-screen 0 1366x768x24" \
  umockdev-wrapper "$H" --control "$fifo" --board s2@1-1 --board s3@1-2 -- "$D" \
  >"$work/app.log" 2>&1 &
harness=$!
for _ in $(seq 100); do
  pid=$(pgrep -n -x dfu-station || true)
  [ -n "$pid" ] && [ -p "$fifo" ] && break
  sleep 0.1
done
[ -n "${pid:-}" ] || { echo "the window did not start" >&2; cat "$work/app.log" >&2; exit 1; }
sleep 3
exec 3>"$fifo"

cycle() {
  echo "unplug 1-1" >&3
  echo "unplug 1-2" >&3
  sleep "$PAUSE"
  echo "plug 1-1" >&3
  echo "plug 1-2" >&3
  sleep "$PAUSE"
}
measure() { # prints "rss_kb threads"
  awk '/^VmRSS:/ { rss = $2 } /^Threads:/ { threads = $2 } END { print rss, threads }' \
    "/proc/$pid/status"
}
for _ in $(seq "$WARMUP"); do cycle; done
sleep 1
read -r rss0 threads0 < <(measure)
start=$SECONDS
for i in $(seq "$CYCLES"); do
  cycle
  if [ $((i % 250)) -eq 0 ]; then
    read -r rss threads < <(measure)
    awk -v i="$i" -v r="$rss" -v t="$threads" \
      'BEGIN { printf "after %4d cycles: RSS %.1f MB, %d threads\n", i, r / 1024, t }'
  fi
done
sleep 2
read -r rss1 threads1 < <(measure)
elapsed=$((SECONDS - start))
kill -0 "$pid" || { echo "the window died" >&2; cat "$work/app.log" >&2; exit 1; }
awk -v r0="$rss0" -v r1="$rss1" -v t0="$threads0" -v t1="$threads1" -v n="$CYCLES" \
  -v s="$elapsed" 'BEGIN {
  printf "%d plug/unplug cycles of 2 boards in %.0f s: RSS %.1f -> %.1f MB (growth %+.2f MB, target <= 2), threads %d -> %d (target flat)\n",
    n, s, r0 / 1024, r1 / 1024, (r1 - r0) / 1024, t0, t1 }'
