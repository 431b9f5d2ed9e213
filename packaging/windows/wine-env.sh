# shellcheck shell=bash
# Sourced by check-wine.sh and check-installer.sh: installs what running the Windows
# build under Wine needs, starts an X server of its own (Xvfb) and a fresh 64-bit Wine
# prefix in a temporary folder, and removes both on exit.
#   wine_env_start   sets WINEPREFIX, DISPLAY and $work (a scratch folder)

wine_packages=(wine64 xvfb xauth gcc-mingw-w64-x86-64 libgl1-mesa-dri mesa-vulkan-drivers
  libvulkan1 imagemagick)

# shellcheck source=packaging/install-missing.sh
source packaging/install-missing.sh

wine_env_start() {
  install_missing "${wine_packages[@]}"

  work=$(mktemp -d /tmp/dfu-station-wine.XXXXXX)
  export WINEPREFIX=$work/prefix WINEARCH=win64
  # Wine's own chatter (fixme lines, the "wine32 is missing" hint) is not the program's.
  export WINEDEBUG=-all
  # The English texts, whatever the machine's locale, on both builds compared.
  export DFU_STATION_LANG=en
  trap wine_env_stop EXIT

  # An X server of our own: Wine's desktop process needs a display from the first
  # program it runs, and the window needs one for OpenGL/Vulkan (Mesa's llvmpipe).
  Xvfb -displayfd 3 -screen 0 1366x768x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
  xvfb_pid=$!
  for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
  DISPLAY=":$(cat "$work/display")"
  export DISPLAY

  local start=$SECONDS
  # No Mono or Gecko download prompts (nothing here uses .NET or HTML).
  WINEDLLOVERRIDES="mscoree,mshtml=" wineboot --init
  wineserver --wait
  # Rust's std (1.78 and later) takes random numbers from ProcessPrng in
  # bcryptprimitives.dll, a Windows 10 system DLL that Wine has only from 8.13 on; Debian
  # 12 has Wine 8.0. This stand-in forwards to RtlGenRandom, as Fedora's Wine does.
  # It goes into the prefix's system32, never next to the program under test.
  cat >"$work/bcryptprimitives.c" <<'EOF'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
EOF
  x86_64-w64-mingw32-gcc -O2 -shared -s -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    "$work/bcryptprimitives.c" -ladvapi32
  echo "Wine $(wine --version) prefix in $WINEPREFIX, display $DISPLAY ($((SECONDS - start)) s)"
}

wine_env_stop() {
  # Only what this script started: its prefix's wineserver and its Xvfb.
  wineserver --kill 2>/dev/null || true
  [ -z "${xvfb_pid:-}" ] || kill "$xvfb_pid" 2>/dev/null || true
  [ -z "${work:-}" ] || [ -n "${KEEP_WINE_WORK:-}" ] || rm -rf "$work"
}
