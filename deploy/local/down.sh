#!/usr/bin/env bash
# deploy/local/down.sh — stops what runs under $ZS_RUN: the zaakstroom daemons
# named by $ZS_RUN/daemons/*.pid, then Kafka, then PostgreSQL. Nothing else.
set -uo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
. "$here/env.sh"

# A pid file names a daemon only while that pid still runs a zs- program
# (directly or under valgrind) or the channel stand-ins (ontvangers.py); a
# recycled pid belongs to someone else.
stop_daemon() {
	local f=$1 pid i
	pid=$(<"$f")
	if [[ $pid =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] &&
		tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qE '(^|/)(zs-[a-z]+|ontvangers\.py)$'; then
		kill -TERM "$pid" 2>/dev/null
		for ((i = 0; i < 300; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "down: $(basename "$f" .pid) did not exit after 30s, killing pid $pid" >&2
			kill -KILL "$pid" 2>/dev/null
		fi
		echo "$(basename "$f" .pid): stopped"
	fi
	rm -f "$f"
}

rc=0
for f in "$ZS_RUN"/daemons/*.pid; do
	[ -e "$f" ] && stop_daemon "$f"
done
"$here/kafka.sh" stop || rc=1
"$here/pg.sh" stop || rc=1
exit $rc
