#!/usr/bin/env bash
# The line's store under a line's load (benches/line.rs), on a throw-away PostgreSQL
# cluster made here with Debian's postgresql (installed by `bash tests/run.sh --deps`):
# default durability (fsync and synchronous commit on, as a factory's server runs),
# password authentication over TCP on 127.0.0.1. Prints:
#   (a) claims per second with 3 stations claiming in parallel, and one claim's latency;
#   (b) the time a board waits for its unit and NVS image: store vs. row journal (target:
#       the store adds under 50 ms per board; a flash takes seconds);
#   (c) one record's upload (in the background, off the flash's path);
#   (d) rounds of 8 emulated boards flashed at once, end to end: mean flash time with the
#       store and with files only, and what the store adds per board (target < 50 ms).
#   bash tests/bench/line_claims.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo bench --no-run --bench line --quiet

bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed: bash tests/run.sh --deps"; exit 1; }
dir=$(mktemp -d)
as_server=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  as_server=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
  "${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
echo postgres > "$dir/superuser-password"
chmod 644 "$dir/superuser-password"
"${as_server[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust \
  --auth-host=scram-sha-256 -E UTF8 --locale=C --pwfile "$dir/superuser-password" >/dev/null
"${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null
"${as_server[@]}" "$bin/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres \
  -c "CREATE ROLE dfu LOGIN PASSWORD 'bench'" -c "CREATE DATABASE line OWNER dfu"

echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, $(nproc) cores"
DFU_STATION_BENCH_STORE="postgres://dfu@127.0.0.1:$port/line" DFU_STATION_LINE_PASSWORD=bench \
  cargo bench --bench line --quiet
