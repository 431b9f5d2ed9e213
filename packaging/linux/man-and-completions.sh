#!/usr/bin/env bash
# Builds the release binary and writes, next to it, the manual page and the bash, zsh and
# fish completions that the .deb installs (all generated from the command line's own
# definitions). Run by check-deb.sh and the release workflow before `cargo deb --no-build`.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --locked --bins
bin=target/release/dfu-station
mkdir -p target/release/completions
"$bin" man >target/release/dfu-station.1
"$bin" completions bash >target/release/completions/dfu-station
"$bin" completions zsh >target/release/completions/_dfu-station
"$bin" completions fish >target/release/completions/dfu-station.fish
