#!/usr/bin/env bash
# Benchmark (not a test): the real window under Xvfb, inside the umockdev harness with two
# emulated boards, while both are pulled out and plugged back in CYCLES times (default
# 1000) through the harness's control FIFO. Prints the window's resident memory and
# thread count after a warm-up of WARMUP cycles, every 250 cycles, at the CHECKPOINTS
# (cycle counts; default a sixth, a third, two thirds and all of CYCLES: 500 1000 2000
# 3000 for CYCLES=3000) and at the end, their growth over the whole run, and the growth
# from the FROM-th cycle (default a third of CYCLES) to the end, when the session log has
# long been full. Targets: RSS flat once the session log is full (growth from FROM to the
# end <= 1 MB), thread count flat. Needs the packages of tests/run.sh.
#   bash tests/bench/hotplug_soak.sh        (CYCLES=N WARMUP=N PAUSE=seconds
#                                            CHECKPOINTS="N N ..." FROM=N)
#   CYCLES=3000 bash tests/bench/hotplug_soak.sh   (the 3000-cycle soak: ~16 minutes)
set -euo pipefail
cd "$(dirname "$0")/../.."
# PAUSE: seconds between pulling the boards out and plugging them back in, and again
# after; much quicker (or with the app starved of CPU on a busy machine) and umockdev's
# uevent socket overflows (EAGAIN: the harness aborts) before the app does.
CYCLES=${CYCLES:-1000} WARMUP=${WARMUP:-50} PAUSE=${PAUSE:-0.15}
CHECKPOINTS=${CHECKPOINTS:-"$((CYCLES / 6)) $((CYCLES / 3)) $((CYCLES * 2 / 3)) $CYCLES"}
FROM=${FROM:-$((CYCLES / 3))}
# The growth is measured from FROM to the end: FROM is a checkpoint, and so is the end.
CHECKPOINTS=$(printf '%s\n' $CHECKPOINTS "$FROM" "$CYCLES" | awk -v n="$CYCLES" '$1 > 0 && $1 <= n' | sort -nu | tr '\n' ' ')
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
  # This build's window: other work trees on the machine may run a dfu-station too.
  pid=$(pgrep -n -f "^$D( |\$)" || true)
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
measure() { # prints "rss_kb threads anon_kb file_kb"
  awk '/^VmRSS:/ { rss = $2 } /^Threads:/ { threads = $2 } /^RssAnon:/ { anon = $2 }
    /^RssFile:/ { file = $2 } END { print rss, threads, anon, file }' "/proc/$pid/status"
}
declare -A at_rss at_threads
for _ in $(seq "$WARMUP"); do cycle; done
sleep 1
read -r rss0 threads0 _ < <(measure)
start=$SECONDS
for i in $(seq "$CYCLES"); do
  cycle
  checkpoint=
  [[ " $CHECKPOINTS " == *" $i "* ]] && checkpoint=yes
  if [ $((i % 250)) -eq 0 ] || [ -n "$checkpoint" ]; then
    read -r rss threads anon file < <(measure)
    [ -z "$checkpoint" ] || { at_rss[$i]=$rss; at_threads[$i]=$threads; }
    awk -v i="$i" -v r="$rss" -v t="$threads" -v a="$anon" -v f="$file" -v s=$((SECONDS - start)) \
      'BEGIN { printf "after %4d cycles (%4d s): RSS %.1f MB (anonymous %.1f, files %.1f), %d threads\n",
        i, s, r / 1024, a / 1024, f / 1024, t }'
  fi
done
sleep 2
read -r rss1 threads1 _ < <(measure)
elapsed=$((SECONDS - start))
kill -0 "$pid" || { echo "the window died" >&2; cat "$work/app.log" >&2; exit 1; }
awk -v r0="$rss0" -v r1="$rss1" -v t0="$threads0" -v t1="$threads1" -v n="$CYCLES" \
  -v s="$elapsed" 'BEGIN {
  printf "%d plug/unplug cycles of 2 boards in %.0f s: RSS %.1f -> %.1f MB (growth %+.2f MB, target <= 2), threads %d -> %d (target flat)\n",
    n, s, r0 / 1024, r1 / 1024, (r1 - r0) / 1024, t0, t1 }'
summary="RSS at"
for c in $CHECKPOINTS; do
  summary+=$(awk -v c="$c" -v r="${at_rss[$c]}" -v t="${at_threads[$c]}" \
    'BEGIN { printf " %d: %.1f MB (%d threads),", c, r / 1024, t }')
done
echo "${summary%,}"
awk -v from="$FROM" -v n="$CYCLES" -v a="${at_rss[$FROM]}" -v b="${at_rss[$CYCLES]}" 'BEGIN {
  growth = (b - a) / 1024
  printf "RSS growth from %d to %d cycles: %+.2f MB (target <= 1 MB once the session log is full): %s\n",
    from, n, growth, growth <= 1 ? "held" : "NOT held" }'
