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
	out=$(zs aanvraag submit "$ZS_ROOT/deploy/demo/aanvragen/$f.json" --wacht 30)
	echo "$out" | sed 's/^/    /'
	[ "$f" = subsidie-sanering-verkeerslawaai ] && aanvraag=$(echo "$out" | sed -n 's/^ingediend: aanvraag //p')
done

if [ -x "$ZS_ROOT/$BUILD/bin/zs-status" ]; then
	step "De afhandelcomponent behandelt de subsidieaanvraag"
	zaak=$(curl -fs "$ZS_INTAKE_URL/api/v1/aanvragen/$aanvraag" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["uitkomst"]["zaak"])')
	for f in "$ZS_ROOT"/deploy/demo/opdrachten/0*.json "$ZS_ROOT"/deploy/demo/opdrachten/geweigerd-*.json; do
		zs opdracht submit "$f" --zaak "$zaak" >/dev/null
	done
	# What the resident would see, and what the afhandelcomponent was told.
	zs tail zaken --begin --key "$zaak" --timeout 3 | "$here/vertel.py"
	zs tail opdracht-uitkomsten --begin --key "$zaak" --timeout 2 | "$here/vertel.py"
fi

step "Klaar — het systeem blijft draaien"
cat <<INFO
  Volg wat er gebeurt:     build/bin/zs tail zaken --begin
                           build/bin/zs tail aanvraag-uitkomsten --begin
  Een eigen aanvraag:      build/bin/zs aanvraag submit deploy/demo/aanvragen/subsidie-sanering-verkeerslawaai.json --wacht 10
  Opdrachten geven:        zie deploy/demo/opdrachten/README.md
  Uitkomst voor portalen:  curl http://127.0.0.1:8081/api/v1/aanvragen/<aanvraagId>
  Metrics:                 curl http://127.0.0.1:8081/metrics
  Logs:                    $ZS_RUN/daemons/*.log
  Stoppen:                 make down
INFO
