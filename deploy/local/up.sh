#!/usr/bin/env bash
# deploy/local/up.sh — starts the local PostgreSQL and Kafka under $ZS_RUN and
# says where they are. Installs nothing: deploy/local/deps.sh does that.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
. "$here/env.sh"

"$here/pg.sh" start
"$here/kafka.sh" start
cat <<INFO

zaakstroom infrastructure is up (run directory $ZS_RUN):
  ZS_PG_URL=$("$here/pg.sh" url)
  ZS_KAFKA_BROKERS=$("$here/kafka.sh" brokers)
  logs: $ZS_RUN/pg/postgresql.log, $ZS_RUN/kafka/server.log
stop with: make down
INFO
