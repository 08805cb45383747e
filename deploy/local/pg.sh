#!/usr/bin/env bash
# deploy/local/pg.sh start|stop|status|url — a private PostgreSQL 15 cluster in
# $ZS_RUN/pg on 127.0.0.1:$ZS_PG_PORT (initdb + pg_ctl), trust on loopback, with
# a database $ZS_PG_DB. As root the cluster belongs to an unprivileged system
# user, since initdb and postgres refuse to run as root.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

dir=$ZS_RUN/pg
data=$dir/data
sock=$dir/socket
log=$dir/postgresql.log
url="postgresql://postgres@127.0.0.1:$ZS_PG_PORT/$ZS_PG_DB"
: "${ZS_PG_START_TIMEOUT:=60}"

[ -x "$PG_BIN/pg_ctl" ] || zs_die "PostgreSQL 15 not found in $PG_BIN" "run deploy/local/deps.sh"

# Runs a PostgreSQL server program as the cluster's owner.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$ZS_PG_OS_USER" -- "$@"
	else
		"$@"
	fi
}

make_owner() {
	[ "$(id -u)" -eq 0 ] || return 0
	if ! id -u "$ZS_PG_OS_USER" >/dev/null 2>&1; then
		# Another start may have made it meanwhile.
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin "$ZS_PG_OS_USER" 2>/dev/null ||
			id -u "$ZS_PG_OS_USER" >/dev/null ||
			zs_die "cannot create system user $ZS_PG_OS_USER"
	fi
	mkdir -p "$dir"
	chown "$ZS_PG_OS_USER:" "$dir"
	as_owner test -w "$dir" ||
		zs_die "user $ZS_PG_OS_USER cannot reach $dir" \
			"let others traverse the directories above it, or set ZS_RUN elsewhere"
}

pg_init() {
	[ -f "$data/PG_VERSION" ] && return 0
	mkdir -p "$dir"
	make_owner
	rm -rf "$data"
	as_owner "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 \
		--locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		zs_die "initdb failed in $data"
	}
	echo "include_if_exists = 'zaakstroom.conf'" >>"$data/postgresql.conf"
}

# Rewritten at every start, so that a changed port or run directory takes effect.
write_config() {
	# The kernel bounds a socket path to 107 bytes.
	[ ${#sock} -le 90 ] ||
		zs_die "socket directory path too long: $sock" "set ZS_RUN to a shorter path"
	as_owner mkdir -p "$sock"
	as_owner tee "$data/zaakstroom.conf" >/dev/null <<CONF
# Written by deploy/local/pg.sh at each start; edit env.sh, not this file.
listen_addresses = '127.0.0.1'
port = $ZS_PG_PORT
unix_socket_directories = '$sock'
max_connections = 200
shared_buffers = 128MB
# Durability is part of what the tests check: no shortcuts here.
fsync = on
synchronous_commit = on
full_page_writes = on
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
CONF
}

pg_running() {
	[ -f "$data/PG_VERSION" ] && as_owner "$PG_BIN/pg_ctl" status -D "$data" >/dev/null 2>&1
}

pg_start() {
	local t0
	t0=$(date +%s%N)
	pg_init
	if pg_running; then
		echo "postgresql: already running on 127.0.0.1:$ZS_PG_PORT"
	else
		write_config
		as_owner "$PG_BIN/pg_ctl" start -D "$data" -l "$log" -w -t "$ZS_PG_START_TIMEOUT" \
			>/dev/null || {
			tail -n 20 "$log" >&2
			zs_die "postgresql did not start" "see $log"
		}
		echo "postgresql: started on 127.0.0.1:$ZS_PG_PORT in" \
			"$((($(date +%s%N) - t0) / 1000000)) ms"
	fi
	if [ -z "$("$PG_BIN/psql" -h 127.0.0.1 -p "$ZS_PG_PORT" -U postgres -d postgres -XAtq \
		-v db="$ZS_PG_DB" <<<"select 1 from pg_database where datname = :'db'")" ]; then
		"$PG_BIN/createdb" -h 127.0.0.1 -p "$ZS_PG_PORT" -U postgres "$ZS_PG_DB"
	fi
}

pg_stop() {
	if ! pg_running; then
		echo "postgresql: not running"
		return 0
	fi
	as_owner "$PG_BIN/pg_ctl" stop -D "$data" -m fast -w -t 60 >/dev/null
	echo "postgresql: stopped"
}

pg_status() {
	if pg_running; then
		echo "postgresql: running on 127.0.0.1:$ZS_PG_PORT ($url)"
		return 0
	fi
	echo "postgresql: not running"
	return 3
}

case "${1:-}" in
start) pg_start ;;
stop) pg_stop ;;
status) pg_status ;;
url) echo "$url" ;;
*)
	echo "usage: $0 start|stop|status|url" >&2
	exit 2
	;;
esac
