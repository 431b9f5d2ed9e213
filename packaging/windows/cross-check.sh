#!/usr/bin/env bash
# Windows and macOS from Linux: `cargo clippy --workspace --all-targets -D warnings` for
# x86_64-pc-windows-gnu, x86_64-pc-windows-msvc and aarch64-apple-darwin, each with the
# default features and with --no-default-features; then the release link of both Windows
# executables (windows-gnu), which check-wine.sh and check-installer.sh run. Run by .ci/run.
#
# The umockdev feature is left out: every line it adds is Linux-only
# (`cfg(all(feature = "umockdev", target_os = "linux"))`), so on these targets it only
# adds the harness's one-line stub, already covered by the default configuration.
#
#   CROSS_TARGET_DIR  where the cross builds are kept between runs, outside the clone
#                     (default /var/cache/dfu-station/cross; wiped when over 20 GiB)
# Prints where the executables are on its last line.
set -euo pipefail
cd "$(dirname "$0")/../.."

# rustup here has the host's std only and cannot fetch others: Debian's Rust builds std
# for any target from its source (rust-web-src, -Zbuild-std), with a matching clippy.
# MinGW links windows-gnu and compiles libusb and the resource; llvm-rc compiles the
# resource for msvc.
packages=(rustc-web cargo-web rust-web-src rust-web-clippy gcc-mingw-w64-x86-64 llvm)
# shellcheck source=packaging/install-missing.sh
source packaging/install-missing.sh
install_missing "${packages[@]}"

export PATH=/usr/bin:$PATH   # Debian's cargo, rustc and clippy, not rustup's
export RUSTC_BOOTSTRAP=1     # -Zbuild-std on a stable compiler
export CARGO_TARGET_DIR=${CROSS_TARGET_DIR:-/var/cache/dfu-station/cross}
export CARGO_TERM_COLOR=never
mkdir -p "$CARGO_TARGET_DIR"
# Kept between runs: old builds pile up as Cargo.lock moves on; start over past 20 GiB.
if [ "$(du -s --block-size=1G "$CARGO_TARGET_DIR" | cut -f1)" -gt 20 ]; then
  echo "$CARGO_TARGET_DIR is over 20 GiB: starting it over"
  rm -rf "${CARGO_TARGET_DIR:?}"/*
fi
cargo --version

build_std=("-Zbuild-std=std,panic_abort")
# No C compiler for msvc or macOS here: libusb1-sys's build script (which compiles
# libusb's C) is replaced through its `links` key. A check links nothing, so nothing is
# lost; windows-gnu compiles libusb for real with MinGW.
no_libusb() { echo "--config=target.$1.\"usb-1.0\".rustc-link-lib=[]"; }

failed=()
check() { # check TARGET [FEATURE FLAGS]
  local target=$1 start=$SECONDS config=()
  shift
  [ "$target" = x86_64-pc-windows-gnu ] || config=("$(no_libusb "$target")")
  echo "== clippy $target $* =="
  # --keep-going: every crate's findings in one run, not only the first one's.
  if cargo clippy "${config[@]}" "${build_std[@]}" --target "$target" --locked --workspace \
    --all-targets --keep-going "$@" -- -D warnings; then
    echo "== ok: $target $* ($((SECONDS - start)) s) =="
  else
    echo "== FAILED: $target $* ($((SECONDS - start)) s) =="
    failed+=("clippy $target $*")
  fi
}

for target in x86_64-pc-windows-gnu x86_64-pc-windows-msvc aarch64-apple-darwin; do
  check "$target"
  check "$target" --no-default-features
done

if [ ${#failed[@]} -gt 0 ]; then
  printf 'Cross check failed: %s\n' "${failed[@]}" >&2
  # The release link takes minutes and would not make this run pass.
  echo "The release link is not tried." >&2
  exit 1
fi

# The executables the installer ships, linked as the release workflow builds them
# (--bins: the harness needs the umockdev feature and is not built).
start=$SECONDS
echo "== release link x86_64-pc-windows-gnu --bins =="
cargo build "${build_std[@]}" --target x86_64-pc-windows-gnu --locked --release --bins
echo "== ok: release link ($((SECONDS - start)) s) =="
echo "Cross checks passed in ${SECONDS} s; the Windows executables are in:"
echo "$CARGO_TARGET_DIR/x86_64-pc-windows-gnu/release"
