#!/usr/bin/env bash
# deploy/local/daemons.sh start|stop|status — the zaakstroom daemons that are
# built (build/bin/zs-*), against the local PostgreSQL and Kafka under $ZS_RUN.
# Each runs detached with a pid file and a log in $ZS_RUN/daemons/; starting
# twice is harmless; stop stops what the pid files name (down.sh does too).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/env.sh"
BUILD=${BUILD:-build}
dir=$ZS_RUN/daemons
mkdir -p "$dir"

# One port per daemon; the order is the order of the pipeline.
declare -A PORTS=([intake]=8081 [status]=8082 [notificatie]=8083 [audit]=8084 [inzage]=8085)
declare -A PORT_VARS=([intake]=ZS_INTAKE_HTTP_PORT [status]=ZS_STATUS_HTTP_PORT
	[notificatie]=ZS_NOTIFICATIE_HTTP_PORT [audit]=ZS_AUDIT_HTTP_PORT [inzage]=ZS_INZAGE_HTTP_PORT)
ORDER=(intake status notificatie audit inzage)

running() {
	local f=$dir/$1.pid pid
	[ -e "$f" ] || return 1
	pid=$(<"$f")
	[[ $pid =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] &&
		tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qE "(^|/)(zs-$1|$1\.py)\$"
}

# Local stand-ins for NotifyNL and an SMTP relay (ontvangers.py): what
# zs-notificatie sends lands in $dir/ontvangen.jsonl. Development values only.
: "${ZS_ONTVANGERS_NOTIFYNL_PORT:=8090}"
: "${ZS_ONTVANGERS_SMTP_PORT:=2525}"
NOTIFYNL_SERVICE=7c0b3c52-7d2b-4c8e-9a51-3f4c1d0e2a61
NOTIFYNL_SECRET=0d9e6a4f-5b7c-4e21-8f3a-2c1b0a9d8e7f
# A short merge window, so that a demo shows each update (15 minutes in production).
NOTIFICATIE_ENV=(
	"ZS_NOTIFICATIE_VENSTER_S=${ZS_NOTIFICATIE_VENSTER_S:-10}"
	"ZS_NOTIFICATIE_EMAIL=${ZS_NOTIFICATIE_EMAIL:-smtp}"
	"ZS_SMTP_URL=${ZS_SMTP_URL:-smtp://127.0.0.1:$ZS_ONTVANGERS_SMTP_PORT}"
	"ZS_NOTIFYNL_URL=${ZS_NOTIFYNL_URL:-http://127.0.0.1:$ZS_ONTVANGERS_NOTIFYNL_PORT}"
	"ZS_NOTIFYNL_API_KEY=${ZS_NOTIFYNL_API_KEY:-zaakstroom_dev-$NOTIFYNL_SERVICE-$NOTIFYNL_SECRET}"
	"ZS_NOTIFYNL_EMAIL_TEMPLATE=${ZS_NOTIFYNL_EMAIL_TEMPLATE:-2b1a5d0c-0f7e-4c5a-9d3b-6e8f1a2c3b4d}"
	"ZS_NOTIFYNL_SMS_TEMPLATE=${ZS_NOTIFYNL_SMS_TEMPLATE:-5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b}"
)

start_ontvangers() {
	[ -x "$ZS_ROOT/$BUILD/bin/zs-notificatie" ] || return 0
	running ontvangers && return 0
	rm -f "$dir/ontvangers.pid"
	setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$dir/ontvangers.pid" \
		python3 "$here/ontvangers.py" --notifynl-poort "$ZS_ONTVANGERS_NOTIFYNL_PORT" \
		--smtp-poort "$ZS_ONTVANGERS_SMTP_PORT" --service-id "$NOTIFYNL_SERVICE" \
		--secret "$NOTIFYNL_SECRET" --uit "$dir/ontvangen.jsonl" \
		>>"$dir/ontvangers.log" 2>&1 </dev/null &
	for ((i = 0; i < 100; i++)); do
		grep -qs "^ontvangers:" "$dir/ontvangers.log" && break
		sleep 0.05
	done
	echo "  ontvangers: NotifyNL and SMTP stand-ins (messages in $dir/ontvangen.jsonl)"
}

# A daemon's port: its ZS_<NAME>_HTTP_PORT when set, else the table's.
port_of() {
	local var=${PORT_VARS[$1]}
	echo "${!var:-${PORTS[$1]}}"
}

start_one() {
	local name=$1 bin=$ZS_ROOT/$BUILD/bin/zs-$1 port i
	port=$(port_of "$1")
	[ -x "$bin" ] || return 0
	if running "$name"; then
		echo "  $name: already running (pid $(<"$dir/$name.pid"), http://127.0.0.1:$port)"
		return 0
	fi
	rm -f "$dir/$name.pid"
	# The resident's page on zs-status shows "mijn gegevens" from zs-inzage
	# and the voorkeuren of zs-notificatie, which let that page's origin call
	# them (CORS); none is the others' business beyond that.
	local extra=()
	case $name in
	status) extra=("ZS_WEB_INZAGE_URL=${ZS_WEB_INZAGE_URL:-http://127.0.0.1:$(port_of inzage)}"
		"ZS_WEB_NOTIFICATIE_URL=${ZS_WEB_NOTIFICATIE_URL:-http://127.0.0.1:$(port_of notificatie)}") ;;
	inzage) extra=("ZS_HTTP_CORS_ORIGINS=${ZS_HTTP_CORS_ORIGINS:-http://127.0.0.1:$(port_of status)}") ;;
	# Its channels (the stand-ins) and the page's origin: a case arm of its
	# own, since bash takes only the first arm that matches.
	notificatie) extra=("${NOTIFICATIE_ENV[@]}"
		"ZS_HTTP_CORS_ORIGINS=${ZS_HTTP_CORS_ORIGINS:-http://127.0.0.1:$(port_of status)}") ;;
	esac
	# Detached from this shell's session, so it outlives `make demo`; the
	# shell writes its own pid before it becomes the daemon (exec).
	env ZS_PG_URL="$("$here/pg.sh" url)" ZS_KAFKA_BROKERS="$("$here/kafka.sh" brokers)" \
		ZS_HOME="$ZS_ROOT" "${PORT_VARS[$name]}=$port" "${extra[@]}" \
		setsid bash -c 'echo $$ >"$1"; exec "$2"' _ "$dir/$name.pid" "$bin" \
		>>"$dir/$name.log" 2>&1 </dev/null &
	for ((i = 0; i < 50; i++)); do
		[ -s "$dir/$name.pid" ] && break
		sleep 0.02
	done
	for ((i = 0; i < 300; i++)); do
		if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
			echo "  $name: ready (pid $(<"$dir/$name.pid"), http://127.0.0.1:$port, log $dir/$name.log)"
			return 0
		fi
		running "$name" || zs_die "$name exited during startup; see $dir/$name.log" \
			"tail $dir/$name.log"
		sleep 0.1
	done
	zs_die "$name did not become ready within 30 s; see $dir/$name.log"
}

# Token verification and pseudonyms: a daemon that serves personal data does
# not start without them. Unless set already, the development keys of
# keys.sh (made on first use, never committed).
trust_env() {
	local keys=${ZS_KEYS_DIR:-$here/keys}
	local jwt=${ZS_JWT_TRUST:-} ps=${ZS_PSEUDONIEM_SLEUTEL:-} au=${ZS_AUDIT_SLEUTEL:-}
	[ -n "$jwt" ] && [ -n "$ps" ] && [ -n "$au" ] && return 0
	# keys.sh is idempotent: it also adds what an older keys folder lacks
	# (the audit signing key came later than the others).
	grep -qs ZS_AUDIT_SLEUTEL "$keys/trust.env" || ZS_KEYS_DIR=$keys "$here/keys.sh" >/dev/null ||
		zs_die "could not make development keys in $keys" "run deploy/local/keys.sh"
	# shellcheck source=/dev/null
	. "$keys/trust.env"
	# what was set already stays
	ZS_JWT_TRUST=${jwt:-$ZS_JWT_TRUST} ZS_PSEUDONIEM_SLEUTEL=${ps:-$ZS_PSEUDONIEM_SLEUTEL}
	ZS_AUDIT_SLEUTEL=${au:-$ZS_AUDIT_SLEUTEL}
	# The development trust set: the page's development login may mint with
	# its keys (zs-status refuses it next to any real issuer anyway).
	[ -n "$jwt" ] || export ZS_WEB_DEV_LOGIN=${ZS_WEB_DEV_LOGIN:-true}
}

case "${1:-}" in
start)
	trust_env
	start_ontvangers
	for d in "${ORDER[@]}"; do start_one "$d"; done
	;;
stop)
	for d in "${ORDER[@]}" ontvangers; do
		if running "$d"; then
			kill -TERM "$(<"$dir/$d.pid")"
			echo "  $d: stopping"
		fi
	done
	;;
status)
	for d in "${ORDER[@]}"; do
		[ -x "$ZS_ROOT/$BUILD/bin/zs-$d" ] || continue
		if running "$d"; then
			echo "  $d: running (pid $(<"$dir/$d.pid"), http://127.0.0.1:$(port_of "$d"))"
		else
			echo "  $d: stopped (port $(port_of "$d"))"
		fi
	done
	;;
*)
	echo "usage: daemons.sh start|stop|status" >&2
	exit 2
	;;
esac
