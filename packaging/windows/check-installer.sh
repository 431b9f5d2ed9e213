#!/usr/bin/env bash
# The Windows installer, built and installed here. makensis (Debian's NSIS) builds
# packaging/windows/installer.nsi from the cross-built executables twice: for x86 (what
# the release workflow ships: official NSIS builds have only x86 stubs) and for amd64
# (what Wine without its 32-bit half can run; Debian 12's i386 wine32 does not install
# here). Under Wine the amd64 one installs silently, its Start-menu shortcut points to
# dfu-station-app.exe and opens the window, both installed executables carry the app's
# icon and the version resource, and the silent uninstall leaves no file, shortcut or
# registry key behind. Run by .ci/run after cross-check.sh.
#
#   WINDOWS_EXE_DIR  the Windows executables (default: where cross-check.sh links them)
#   SCREENSHOT_DIR   where the screenshot is kept (default: target/wine)
set -euo pipefail
cd "$(dirname "$0")/../.."
exe_dir=${WINDOWS_EXE_DIR:-${CROSS_TARGET_DIR:-/var/cache/dfu-station/cross}/x86_64-pc-windows-gnu/release}
for exe in dfu-station.exe dfu-station-app.exe; do
  [ -f "$exe_dir/$exe" ] || { echo "No $exe_dir/$exe: run packaging/windows/cross-check.sh first" >&2; exit 1; }
done
# shellcheck source=packaging/windows/wine-env.sh
source packaging/windows/wine-env.sh
wine_packages+=(nsis)
version=$(bash packaging/version.sh)
shots=${SCREENSHOT_DIR:-$PWD/target/wine}
mkdir -p "$shots"

wine_env_start
started=$SECONDS
fail() { echo "$*" >&2; exit 1; }

# Both installers, from Linux: EXE_DIR points makensis at the cross build, OUT_DIR out of
# the clone (the .nsi's own paths are Windows paths; makensis turns them around).
for arch in x86 amd64; do
  mkdir -p "$work/$arch"
  target=()
  [ $arch = x86 ] || target=(-DTARGET=amd64-unicode)
  makensis -V2 -DVERSION="$version" -DEXE_DIR="$exe_dir" -DOUT_DIR="$work/$arch" "${target[@]}" \
    packaging/windows/installer.nsi
  format=$(x86_64-w64-mingw32-objdump -f "$work/$arch/dfu-station-$version-setup.exe" |
    sed -n 's/.*file format //p')
  echo "makensis: $arch installer, $format, $(stat -c %s "$work/$arch/dfu-station-$version-setup.exe") bytes"
done
setup=$work/amd64/dfu-station-$version-setup.exe

# What the prefix holds before: files (outside Wine's own C:\windows) and registry.
snapshot() { # snapshot NAME
  (cd "$WINEPREFIX/drive_c" && find . -path ./windows -prune -o -print | sort) >"$work/$1.files"
  wine reg export 'HKLM\Software' "$work/$1.hklm.reg" /y >/dev/null
  wine reg export 'HKCU\Software' "$work/$1.hkcu.reg" /y >/dev/null
}
snapshot before

wine "$setup" /S
wineserver --wait
dir="C:\\Program Files\\DFU Station"
unix_dir=$(winepath -u "$dir")
for file in dfu-station.exe dfu-station-app.exe dfu-station.ico WinUSB-driver.txt \
  NotoSansSC-OFL.txt uninstall.exe; do
  [ -f "$unix_dir/$file" ] || fail "not installed: $dir\\$file"
done
cmp "$unix_dir/dfu-station.exe" "$exe_dir/dfu-station.exe"
cmp "$unix_dir/dfu-station-app.exe" "$exe_dir/dfu-station-app.exe"
echo "Installed silently (/S) in $dir: $(ls "$unix_dir" | tr '\n' ' ')"

# The Start-menu shortcuts, for every user; the app's one starts the launcher.
menu="C:\\ProgramData\\Microsoft\\Windows\\Start Menu\\Programs\\DFU Station"
unix_menu=$(winepath -u "$menu")
for link in "DFU Station" "DFU Station command prompt" "WinUSB driver for ESP32 boards"; do
  [ -f "$unix_menu/$link.lnk" ] || fail "no shortcut $menu\\$link.lnk"
done
lnk=$(python3 packaging/windows/win-files.py lnk "$unix_menu/DFU Station.lnk")
echo "$menu\\DFU Station.lnk:"
sed 's/^/  /' <<<"$lnk"
grep -qxF "target: $dir\\dfu-station-app.exe" <<<"$lnk" || fail "the shortcut does not start dfu-station-app.exe"

# Opening the shortcut as Explorer does (ShellExecute): the launcher starts dfu-station.exe
# without a console, which opens the window; the screenshot (inherited environment) is
# its proof, as nothing else of a GUI program is seen from here.
shot=$work/shortcut.png
start=$SECONDS
DFU_STATION_SCREENSHOT=$(winepath -w "$shot") wine start /unix "$unix_menu/DFU Station.lnk"
until [ -s "$shot" ] || [ $((SECONDS - start)) -gt 120 ]; do sleep 1; done
[ -s "$shot" ] || fail "the shortcut did not open the window within 120 s"
wineserver --wait
cp "$shot" "$shots/wine-shortcut.png"
echo "The shortcut opened the window: $shots/wine-shortcut.png ($((SECONDS - start)) s)"

# Each executable carries the icon (the .ico's images) and the version resource.
for exe in dfu-station.exe dfu-station-app.exe; do
  resources=$(python3 packaging/windows/win-files.py resources "$unix_dir/$exe" packaging/windows/dfu-station.ico)
  echo "$dir\\$exe:"
  sed 's/^/  /' <<<"$resources"
  for line in "resources: RT_ICON x7, RT_GROUP_ICON x1, RT_VERSION x1" \
    "icon: 7 images, the same as packaging/windows/dfu-station.ico's 7" \
    "version: fixed $version.0" "version: FileVersion=$version" \
    "version: ProductVersion=$version" "version: ProductName=DFU Station"; do
    grep -qxF "$line" <<<"$resources" || fail "$exe: no '$line'"
  done
done

# The registry: App Paths and the uninstall entry, in the 64-bit view.
key() { wine reg query "$@" >"$work/reg.out" 2>&1; }
app_paths='HKLM\Software\Microsoft\Windows\CurrentVersion\App Paths\dfu-station.exe'
uninstall='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\io.github.dfu_station.DfuStation'
key "$app_paths" /ve && grep -qF "$dir\\dfu-station.exe" "$work/reg.out" || fail "no App Paths: $(cat "$work/reg.out")"
key "$uninstall" /v DisplayVersion && grep -qF "$version" "$work/reg.out" || fail "no uninstall entry: $(cat "$work/reg.out")"
echo "Registry: App Paths and the uninstall entry (DisplayVersion $version) are there"

# The silent uninstall (it copies itself to TEMP and runs from there: wait for it).
wine "$dir\\uninstall.exe" /S
wineserver --wait
[ ! -e "$unix_dir" ] || fail "left behind: $(find "$unix_dir")"
[ ! -e "$unix_menu" ] || fail "left behind: $(find "$unix_menu")"
! key "$app_paths" || fail "left behind: $app_paths"
! key "$uninstall" || fail "left behind: $uninstall"
snapshot after
# Not the installer's: the window's own settings (app.ron in %APPDATA%\dfu-station, made
# by the shortcut's run), the user's and kept as Windows apps keep them; and the folder
# NSIS's uninstaller ran from (%TEMP%\~nsuN.tmp, which Windows' temp clean-up removes).
grep -Ev '/AppData/Roaming/dfu-station|/Temp/~nsu[0-9]*\.tmp' "$work/after.files" >"$work/after.kept" || true
for what in files hklm.reg hkcu.reg; do
  left=$work/before.$what
  right=$work/after.$what
  [ "$what" != files ] || right=$work/after.kept
  diff -u "$left" "$right" >"$work/$what.diff" || {
    cat "$work/$what.diff" >&2
    fail "the uninstall left the prefix different ($what)"
  }
done
echo "Uninstalled silently: no file, shortcut or registry key left (files and HKLM/HKCU\\Software as before the install)"
echo "Installer checks passed in $((SECONDS - started)) s"
