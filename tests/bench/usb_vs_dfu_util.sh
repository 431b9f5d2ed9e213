#!/usr/bin/env bash
# Benchmark (not a test): DFU Station against dfu-util on the same emulated boards,
# through the real libusb (dfu-station-harness under umockdev-wrapper). Prints wall and
# CPU time (user + sys of the flashing process) and the ratios ours / dfu-util:
#   (a) DFU-mode board, 1 MiB image, wTransferSize 1024          target ratio <= 1.0
#   (b) download-boot board: DETACH, then the same 1 MiB          target ratio <= 0.5
#   (c) plug to `list --watch` Added line (hotplug; polling too)  target <= 300 ms
# Each case runs with the emulated ROM's erase time (25 ms per 4 KiB sector, 6.4 s for
# 1 MiB, the same for both hosts) and without it (erase=0: what the hosts themselves cost).
#   bash tests/bench/usb_vs_dfu_util.sh        (REPEAT=N runs per figure, default 3)
set -euo pipefail
cd "$(dirname "$0")/../.."

REPEAT=${REPEAT:-3}
cargo build --quiet --release --features umockdev --bins
H=$PWD/target/release/dfu-station-harness
D=$PWD/target/release/dfu-station
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

head -c 1048576 /dev/urandom >"$work/app.bin"
"$D" pack -o "$work/app-dfu.bin" --pid 2 --flash-size 4MB 0x10000 "$work/app.bin" >/dev/null
image=$work/app-dfu.bin

# time_one BOARD COMMAND...: runs COMMAND on BOARD under the harness; prints "wall cpu" (s).
time_one() {
  local board=$1
  shift
  umockdev-wrapper "$H" --board "$board" -- bash -c \
    'TIMEFORMAT="%R %U %S"; { time "$@" >"'"$work"'/log" 2>&1; } 2>"'"$work"'/time"' _ "$@" ||
    { echo "failed: $* on $board" >&2; cat "$work/log" >&2; exit 1; }
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$work/time"
}

# compare NAME BOARD DFU_UTIL_DEVICE: ours and dfu-util's figures (means of REPEAT runs)
# and the ratios. The two hosts take turns, run by run, so that whatever drifts on the
# machine during the benchmark weighs on both alike.
compare() {
  local ours theirs
  for _ in $(seq "$REPEAT"); do
    ours=$(time_one "$2" "$D" flash "$image")
    theirs=$(time_one "$2" dfu-util -d "$3" -D "$image")
    echo "$ours $theirs"
  done | awk -v name="$1" '{ ow += $1; oc += $2; tw += $3; tc += $4 } END {
    printf "%-44s ours wall %6.2f s cpu %5.2f s | dfu-util wall %6.2f s cpu %5.2f s | ratio wall %.2f cpu %.2f\n",
      name, ow / NR, oc / NR, tw / NR, tc / NR, ow / tw, oc / tc }'
}

echo "1 MiB image, wTransferSize 1024, mean of $REPEAT runs:"
compare "(a) DFU mode, ROM erase time" "s2@1-1:dfu,xfer=1024" 303a:0002
compare "(a) DFU mode, erase=0" "s2@1-1:dfu,xfer=1024,erase=0" 303a:0002
compare "(b) download boot + DETACH, ROM erase time" "s2@1-1:xfer=1024" 303a:0002
compare "(b) download boot + DETACH, erase=0" "s2@1-1:xfer=1024,erase=0" 303a:0002

# latency [POLL]: "from_schedule from_uevent" (ms) for each of 5 plugs, 1.7 s apart (out
# of step with the 1 s polling scans; each stays 1.1 s, as polling misses a board plugged
# for less than a scan). from_schedule:
# from the moment the plug was due (includes the harness's 10 ms tick and the ~4 ms it
# takes umockdev to add the device: an upper bound); from_uevent: from the harness's log
# line written right after the "add" uevent. Our lines are stamped as they arrive.
latency() {
  local schedule=() at
  for at in 1 2 3 4 5; do
    schedule+=(--unplug "1-1@$((at * 1700 - 600))" --plug "1-1@$((at * 1700))")
  done
  DFU_STATION_USB_POLL=${1:-0} umockdev-wrapper "$H" --verbose --board s2@1-1 "${schedule[@]}" -- \
    bash -c 's=${EPOCHREALTIME/./}; "$1" list --watch --watch-seconds 11 |
      while IFS= read -r line; do echo "$(( (${EPOCHREALTIME/./} - s) / 1000 )) $line"; done' _ "$D" \
    >"$work/watch" 2>"$work/harness"
  # harness: "harness: +T ms: 1-1 added as /dev/bus/usb/001/NNN (...)"
  # ours: "MS Added: Found ...: [...] ver=..., devnum=N, ..." (plug k brings devnum k + 1)
  awk '
    FNR == NR { if (/added as/) { n = $7; sub(/.*\//, "", n); uevent[n + 0] = substr($2, 2) }; next }
    /Added:/ { match($0, /devnum=[0-9]+/); n = substr($0, RSTART + 7, RLENGTH - 7) + 0
               if (n > 1) printf "%d %d\n", $1 - (n - 1) * 1700, $1 - uevent[n] }' \
    "$work/harness" "$work/watch"
}
for mode in 0 1; do
  name=$([ "$mode" = 1 ] && echo "polling (DFU_STATION_USB_POLL=1, 1 s scans)" || echo "hotplug (default)")
  latency "$mode" | awk -v name="$name" '{ s += $1; u += $2; if ($1 > m) m = $1; all = all " " $1 }
    END { printf "(c) plug to Added, %-44s from the plug:%s ms (mean %.0f, max %d); from the uevent: mean %.0f ms\n",
      name, all, s / NR, m, u / NR }'
done
