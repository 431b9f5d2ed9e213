#!/usr/bin/env bash
# The Windows build (windows-gnu release, linked by cross-check.sh) run under Wine:
#  - --version, info and pack on the README's example files give the same stdout, exit
#    code and output bytes as the Linux build (and pack gives ESP-IDF's own vectors);
#  - list, list --json and flash on a computer without boards say so and exit as on Linux
#    (Wine's USB has no devices: libusb starts and finds none);
#  - flash --all on emulated boards writes production records naming this computer;
#  - the window opens with demo boards, flashes the ESP32-S2 to PASS by itself (a profile
#    in auto mode) and saves a screenshot: with the renderer it picks (wgpu, then OpenGL)
#    and with wgpu on Vulkan. Run by .ci/run after cross-check.sh.
#
#   WINDOWS_EXE_DIR  the Windows executables (default: where cross-check.sh links them)
#   SCREENSHOT_DIR   where the screenshots are kept (default: target/wine)
set -euo pipefail
cd "$(dirname "$0")/../.."
exe_dir=${WINDOWS_EXE_DIR:-${CROSS_TARGET_DIR:-/var/cache/dfu-station/cross}/x86_64-pc-windows-gnu/release}
exe=$exe_dir/dfu-station.exe
[ -f "$exe" ] || { echo "No $exe: run packaging/windows/cross-check.sh first" >&2; exit 1; }
# shellcheck source=packaging/windows/wine-env.sh
source packaging/windows/wine-env.sh

# The Linux build the Windows one is compared with (built already by .ci/run).
cargo build --release --locked --quiet --bin dfu-station
target_dir=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
linux=$target_dir/release/dfu-station
shots=${SCREENSHOT_DIR:-$target_dir/wine}
mkdir -p "$shots"

wine_env_start
started=$SECONDS

# The README's example files (`info build/dfu.bin`, `pack ... --flasher-args
# build/flasher_args.json`), from ESP-IDF's mkdfu vectors, once per build: relative paths
# with forward slashes, which both systems take and print alike.
inputs() {
  mkdir -p "$1/build/bin"
  cp tests/vectors/esp-idf/1/dfu.bin "$1/build/dfu.bin"
  cp tests/vectors/esp-idf/1/{1,2,3}.bin "$1/build/bin/"
  echo '{"flash_files": {"0x10000": "bin/3.bin", "0x1000": "bin/1.bin", "0x8000": "bin/2.bin"}}' \
    >"$1/build/flasher_args.json"
  printf '\316%.0s' {1..10} >"$1/bin" # vector 2's input: ten 0xCE bytes named "bin"
}
inputs "$work/linux"
inputs "$work/windows"

# run SIDE NAME ARGS...: runs one build in its folder; stdout, stderr and exit code in files.
run() {
  local side=$1 name=$2 code=0
  shift 2
  if [ "$side" = linux ]; then
    (cd "$work/linux" && "$linux" "$@") >"$work/$name.linux.out" 2>"$work/$name.linux.err" || code=$?
  else
    (cd "$work/windows" && wine "$exe" "$@") >"$work/$name.windows.out" 2>"$work/$name.windows.err" || code=$?
  fi
  echo "$code" >"$work/$name.$side.code"
}

# same NAME [--stderr] ARGS...: both builds give the same stdout (byte for byte: a CR
# would show) and exit code; with --stderr the same stderr too.
same() {
  local name=$1 stderr=no
  shift
  [ "$1" != --stderr ] || { stderr=yes; shift; }
  run linux "$name" "$@"
  run windows "$name" "$@"
  local streams=(out) s
  [ $stderr = no ] || streams+=(err)
  for s in "${streams[@]}" code; do
    if ! cmp -s "$work/$name.linux.$s" "$work/$name.windows.$s"; then
      echo "DIFFERENT $s: dfu-station $* (Linux, then Windows under Wine):" >&2
      cat -A "$work/$name.linux.$s" >&2
      echo "---" >&2
      cat -A "$work/$name.windows.$s" >&2
      exit 1
    fi
  done
  echo "same on Linux and Wine: dfu-station $* (exit $(cat "$work/$name.linux.code"), $(wc -c <"$work/$name.linux.out") bytes of stdout)"
}

# same_file PATH [VECTOR]: the file both builds wrote is the same, and ESP-IDF's if given.
same_file() {
  cmp "$work/linux/$1" "$work/windows/$1"
  [ -z "${2:-}" ] || cmp "$work/windows/$1" "$2"
  echo "same bytes: $1 ($(wc -c <"$work/windows/$1") bytes${2:+, = $2})"
}

same version --version
same info info build/dfu.bin
same info-json info --json build/dfu.bin
same not-dfu --stderr info build/bin/1.bin
same pack-args pack -o dfu.bin --chip esp32s2 --flash-size 4MB --flasher-args build/flasher_args.json
same_file dfu.bin tests/vectors/esp-idf/1/dfu.bin
same pack-pairs pack --json -o pairs.bin --chip esp32s2 --flash-size 4MB \
  0x1000 build/bin/1.bin 0x8000 build/bin/2.bin 0x10000 build/bin/3.bin
same_file pairs.bin tests/vectors/esp-idf/1/dfu.bin
same pack-parts pack -o parts.bin --chip esp32s2 --flash-size 4MB --part-size 5 0 bin
same_file parts.bin tests/vectors/esp-idf/2/dfu.bin
same info-parts info parts.bin
same no-overwrite --stderr pack -o dfu.bin --chip esp32s2 0x1000 build/bin/1.bin

# No boards under Wine (its USB stack has no devices): the same words and exit codes as a
# Linux bus without boards (tests/e2e_cli.rs): list 0 and says so, list --json 0 with
# [] alone, flash 3 and says so.
no_board="No DFU board found."
expect() { # expect NAME CODE STDOUT STDERR'S-FIRST-LINE
  local name=$1
  [ "$(cat "$work/$name.windows.code")" = "$2" ] &&
    [ "$(cat "$work/$name.windows.out")" = "$3" ] &&
    [ "$(head -n 1 "$work/$name.windows.err")" = "$4" ] || {
    echo "dfu-station $name under Wine: exit $(cat "$work/$name.windows.code"), expected $2" >&2
    cat "$work/$name.windows.out" "$work/$name.windows.err" >&2
    exit 1
  }
  echo "Wine, no board: dfu-station $name exits $2: $(cat "$work/$name.windows.out" "$work/$name.windows.err" | head -n 1)"
}
run windows list list
expect list 0 "" "$no_board"
run windows list-json list --json
expect list-json 0 "[]" ""
run windows flash flash build/dfu.bin
expect flash 3 "" "$no_board"
sed -n 2p "$work/list.windows.err"

# Production records name the computer (Wine's host name is this machine's), not "cli".
run windows flash-all flash --all build/dfu.bin --demo 2 --log records
[ "$(cat "$work/flash-all.windows.code")" = 0 ] || {
  cat "$work/flash-all.windows.out" "$work/flash-all.windows.err" >&2
  exit 1
}
stations=$(python3 -c 'import json, sys
records = [json.loads(l) for l in open(sys.argv[1])]
assert len(records) == 2 and all(r["result"] == "pass" for r in records), records
print(" ".join(sorted({r["station"] for r in records})))' "$work/windows/records/dfu-station-log.jsonl")
[ "$stations" = "$(hostname)" ] || { echo "records name station '$stations', not '$(hostname)'" >&2; exit 1; }
echo "Wine: flash --all --demo 2 passed both; the records name station '$stations' (hostname: $(hostname))"

# The window: a profile locked to the vector, in auto mode, flashes the demo ESP32-S2 as it
# appears (the ESP32-S3 does not fit the file); the screenshot waits for that result.
sha=$(sha256sum tests/vectors/esp-idf/1/dfu.bin | cut -d' ' -f1)
cat >"$work/windows/wine.toml" <<EOF
station = "Wine"
image = "build/dfu.bin"
image_sha256 = "$sha"
auto_flash = true
log_folder = "window-log"
EOF
window() { # window NAME [ENV=VALUE...]: one run of the window, its screenshot kept
  local name=$1 code=0 start=$SECONDS
  shift
  (cd "$work/windows" && env "$@" DFU_STATION_SCREENSHOT="$name.png" \
    DFU_STATION_SCREENSHOT_AFTER_RESULT=1 timeout 180 \
    wine "$exe" --profile wine.toml --demo) >"$work/$name.out" 2>"$work/$name.err" || code=$?
  cat "$work/$name.out" "$work/$name.err"
  grep -q "ESP32-S2 at 1-1 PASS" "$work/$name.out" || {
    echo "The window under Wine ($name, exit $code) did not show a PASS" >&2
    exit 1
  }
  cp "$work/windows/$name.png" "$shots/$name.png"
  local size colours
  size=$(identify -format '%wx%h' "$shots/$name.png")
  colours=$(identify -format '%k' "$shots/$name.png")
  [ "$size" = 1280x700 ] && [ "$colours" -gt 50 ] || {
    echo "$shots/$name.png: ${size}, $colours colours: not the window" >&2
    exit 1
  }
  echo "Window under Wine ($name): PASS; $shots/$name.png, $size, $colours colours ($((SECONDS - start)) s)"
}
# As a user gets it: wgpu picks Direct3D 12, which Wine 8.0's vkd3d cannot run (its HLSL
# compiler lacks cs_5_1), so the app falls back to OpenGL: Wine's opengl32 over Mesa.
window wine-pass
# wgpu itself, on Vulkan: Wine's winevulkan over Mesa's lavapipe.
window wine-pass-wgpu-vulkan WGPU_BACKEND=vulkan
if grep -q "renderer could not open the window" "$work/wine-pass-wgpu-vulkan.err"; then
  echo "wgpu on Vulkan did not open the window under Wine" >&2
  exit 1
fi
echo "Wine checks passed in $((SECONDS - started)) s"
