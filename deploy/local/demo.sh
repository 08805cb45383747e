#!/usr/bin/env bash
# deploy/local/demo.sh — the scenario `make demo` plays: infrastructure up,
# topics, daemons, the catalogus, and sample aanvragen from a portal, told in
# plain words. The system stays up afterwards for you to explore (make down).
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
. "$here/env.sh"
BUILD=${BUILD:-build}
zs() { "$ZS_ROOT/$BUILD/bin/zs" "$@"; }
export ZS_HOME=$ZS_ROOT ZS_KAFKA_BROKERS ZS_INTAKE_URL=http://127.0.0.1:8081
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "PostgreSQL en Kafka starten"
"$here/up.sh" | sed -n '/infrastructure is up/,$p'
ZS_KAFKA_BROKERS=$("$here/kafka.sh" brokers)

step "Topics aanmaken"
zs topics create | sed 's/^/  /'

step "Daemons starten"
"$here/daemons.sh" start

step "Catalogus publiceren (de eerste processen uit het Haagse deck)"
zs catalogus publish | sed 's/^/  /'

step "Een portaal dient aanvragen in"
for f in terugbelnotitie subsidie-sanering-verkeerslawaai curatieve-klantreis afgewezen; do
	echo "  $f.json:"
	zs aanvraag submit "$ZS_ROOT/deploy/demo/aanvragen/$f.json" --wacht 30 | sed 's/^/    /'
done

step "Klaar — het systeem blijft draaien"
cat <<INFO
  Volg wat er gebeurt:     build/bin/zs tail zaken --begin
                           build/bin/zs tail aanvraag-uitkomsten --begin
  Een eigen aanvraag:      build/bin/zs aanvraag submit deploy/demo/aanvragen/subsidie-sanering-verkeerslawaai.json --wacht 10
  Uitkomst voor portalen:  curl http://127.0.0.1:8081/api/v1/aanvragen/<aanvraagId>
  Metrics:                 curl http://127.0.0.1:8081/metrics
  Logs:                    $ZS_RUN/daemons/*.log
  Stoppen:                 make down
INFO
