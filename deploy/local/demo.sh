#!/usr/bin/env bash
# deploy/local/demo.sh — the scenario `make demo` plays: infrastructure up,
# topics, daemons, the catalogus, and sample aanvragen from a portal, told in
# plain words. The system stays up afterwards for you to explore (make down).
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
. "$here/env.sh"
BUILD=${BUILD:-build}
zs() { "$ZS_ROOT/$BUILD/bin/zs" "$@"; }
# The ports daemons.sh starts them on (ZS_*_HTTP_PORT when set).
intake_port=${ZS_INTAKE_HTTP_PORT:-8081} status_port=${ZS_STATUS_HTTP_PORT:-8082}
audit_port=${ZS_AUDIT_HTTP_PORT:-8084}
inzage_port=${ZS_INZAGE_HTTP_PORT:-8085}
export ZS_HOME=$ZS_ROOT ZS_KAFKA_BROKERS ZS_INTAKE_URL=http://127.0.0.1:$intake_port
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

	step "De inwoner volgt haar zaak (Track & Trace API, met DigiD-token)"
	api=http://127.0.0.1:$status_port/api/v1/zaken
	ident=$(zs tail zaken --begin --key "$zaak" --timeout 2 | python3 -c \
		'import json, sys; print(json.loads(sys.stdin.readline())["value"]["identificatie"])')
	vraag() { # TOKEN URL [BODY]: one API reply, told as a portal page would show it
		local post=()
		[ -n "${3:-}" ] && post=(-H 'Content-Type: application/json' -d "$3")
		curl -s -H "Authorization: Bearer $1" "${post[@]}" "$2" | "$here/vertel.py" api
	}
	inwoner=$(zs token inwoner --bsn 999991772)
	echo "  A. Jansen (BSN 999991772), Mijn zaken:"
	vraag "$inwoner" "$api"
	echo "  A. Jansen opent $ident:"
	vraag "$inwoner" "$api/$ident"
	echo "  Een andere inwoner vraagt dezelfde zaak op (niet te onderscheiden van een zaak die niet bestaat):"
	vraag "$(zs token inwoner --bsn 999993653)" "$api/$ident"
	kcc=$(zs token medewerker --id m.devries --rol kcc-medewerker --bsn 999990020)
	echo "  Een KCC-medewerker (14070) zonder reden voor het klantcontact:"
	vraag "$kcc" "$api/_zoek" '{"bsn": "999991772"}'
	echo "  Dezelfde medewerker met reden (samenvatting, zonder de gebruikte gegevens):"
	# The reason in a header (percent-encoded), not in the URL: proxies log URLs.
	curl -s -H "Authorization: Bearer $kcc" -H "ZS-Reden: inwoner%20belt%20over%20de%20status" \
		"$api/$ident" | "$here/vertel.py" api
	echo "  Elke raadpleging, toegestaan of geweigerd, is vastgelegd (betrokkene als pseudoniem):"
	zs tail raadplegingen --begin --timeout 2 | "$here/vertel.py" | tail -n 6
fi

if [ -x "$ZS_ROOT/$BUILD/bin/zs-notificatie" ] && [ -n "${zaak:-}" ]; then
	step "De inwoners horen het zelf, ongevraagd (via de lokale NotifyNL en SMTP)"
	ontvangen=$ZS_RUN/daemons/ontvangen.jsonl
	wacht_op() { # TEXT: until a message the stand-ins received contains it
		for ((i = 0; i < 300; i++)); do
			grep -qsF "$1" "$ontvangen" && return 0
			sleep 0.2
		done
		echo "  (nog niet ontvangen: $1)"
	}
	toon() { # [TEXT]: the received messages (containing TEXT), as a resident sees them
		python3 - "$ontvangen" "${1:-}" <<'PY'
import json, sys
for regel in open(sys.argv[1], encoding="utf-8"):
    b = json.loads(regel)
    if sys.argv[2] and sys.argv[2] not in json.dumps(b, ensure_ascii=False):
        continue
    print(f"  ✉ {b['kanaal']} aan {b['aan']}: {b['onderwerp']}")
    for r in (b.get("tekst") or "").strip().splitlines():
        if r.strip() and not r.startswith(("Beste", "Met vriendelijke", "Gemeente Den Haag")):
            print(f"      {r}")
PY
	}
	# Updates to one resident about one zaak within the window (here 10 s,
	# 15 minutes in production) arrive as one message.
	wacht_op "is afgerond"
	toon
	echo "  Wat A. Jansen in haar tijdlijn ziet (Track & Trace, berichten):"
	curl -s -H "Authorization: Bearer $inwoner" "$api/$ident" | python3 -c \
		'import json,sys; [print("    ", b["verstuurdOp"], b["kanaal"], b["aanleiding"]) for b in json.load(sys.stdin)["berichten"]]'

	step "Te laat? Dan zeggen we het zelf, voordat de inwoner belt (termijnbewaking op een latere dag)"
	later=$(python3 -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=100))')
	echo "  zs-status rekent met ZS_VANDAAG=$later: de beloofde datum van de open zaken is voorbij."
	herstart_status() { # [ZS_VANDAAG]
		local pid
		pid=$(<"$ZS_RUN/daemons/status.pid")
		kill -TERM "$pid"
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
		ZS_VANDAAG=${1:-} "$here/daemons.sh" start >/dev/null
	}
	herstart_status "$later"
	wacht_op "Het duurt langer dan we beloofden"
	sleep 1
	toon "Het duurt langer dan we beloofden"
	herstart_status # back to the clock
fi

if [ -x "$ZS_ROOT/$BUILD/bin/zs-audit" ] && [ -n "${zaak:-}" ]; then
	step "De FG ziet wat er met de zaak gebeurde (auditlog, manipulatiebestendig)"
	keys=${ZS_KEYS_DIR:-$here/keys}
	export ZS_PG_URL=${ZS_PG_URL:-$("$here/pg.sh" url)} ZS_AUDIT_PUBLIEK=$keys/audit-ed25519.pub.pem
	sleep 1 # the audit daemon's last batch
	echo "  Elke gebeurtenis rond $ident, wie, wat en met welke uitkomst:"
	zs tail audit --begin --timeout 2 | grep -F "\"hoofdObject\":\"$zaak\"" | "$here/vertel.py" |
		sed 's/^/  /'
	echo "  Het hele log, nagerekend tegen elk getekend boomhoofd met alleen de publieke sleutel:"
	zs audit verify | sed 's/^/    /'
	fg=$(zs token medewerker --id f.gegevens --rol fg --bsn 999990020)
	eerste=$(zs tail audit --begin --timeout 2 | grep -F "\"hoofdObject\":\"$zaak\"" |
		python3 -c 'import json, sys; print(json.loads(sys.stdin.readlines()[0])["value"]["volgnummer"])')
	bewijs=$(mktemp)
	curl -s -H "Authorization: Bearer $fg" \
		"http://127.0.0.1:$audit_port/api/v1/audit/bewijs?doel=toezicht&volgnummer=$eerste" >"$bewijs"
	echo "  De FG vraagt een bewijs op (en dat verzoek staat zelf ook in het log):"
	"$here/vertel.py" api <"$bewijs"
	zs audit verify --bewijs "$bewijs" | sed 's/^/    /'
	rm -f "$bewijs"
	echo "  Een KCC-medewerker probeert het ook:"
	curl -s -H "Authorization: Bearer $kcc" \
		"http://127.0.0.1:$audit_port/api/v1/audit/bewijs?doel=toezicht&volgnummer=$eerste" |
		"$here/vertel.py" api
	echo "  Het verwerkingsregister (AVG art. 30), uit de catalogus en van het platform zelf:"
	curl -s -H "Authorization: Bearer $fg" \
		"http://127.0.0.1:$audit_port/api/v1/verwerkingsregister?doel=toezicht" | "$here/vertel.py" api
	echo "  Wat er niet klopt tussen het register en wat er werkelijk verwerkt is:"
	curl -s -H "Authorization: Bearer $fg" \
		"http://127.0.0.1:$audit_port/api/v1/verwerkingsregister/bevindingen?doel=toezicht" |
		"$here/vertel.py" api
fi

if [ -x "$ZS_ROOT/$BUILD/bin/zs-inzage" ] && [ -n "${zaak:-}" ]; then
	step "Door inzicht minder inzage: A. Jansen bekijkt Mijn gegevens"
	inzage=http://127.0.0.1:$inzage_port/api/v1
	auth="Authorization: Bearer $inwoner"
	# The register follows the topics; wait until it holds the KCC's look-up
	# and the Logboek Dataverwerkingen zs-audit wrote.
	for ((i = 0; i < 100; i++)); do
		curl -s -H "$auth" "$inzage/mijn-gegevens" |
			python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d.get("raadplegingen") and d.get("verwerkingen") else 1)' &&
			break
		sleep 0.2
	done
	curl -s -H "$auth" "$inzage/mijn-gegevens" | "$here/mijn_gegevens.py" overzicht

	step "A. Jansen dient een formeel inzageverzoek in (AVG artikel 15); een behandelaar antwoordt"
	verzoek=$(curl -s -H "$auth" -H 'Content-Type: application/json' -d '{"recht": "inzage"}' \
		"$inzage/inzageverzoeken" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["verzoekId"], d["uitersteDatum"])')
	echo "  Ontvangen: verzoek ${verzoek% *}, antwoord uiterlijk ${verzoek#* }"
	verzoek=${verzoek% *}
	beh=$(zs token medewerker --id b.handel --rol behandelaar --bsn 999998456)
	curl -s -H "Authorization: Bearer $beh" -H 'Content-Type: application/json' \
		-d '{"uitkomst": "verstrekt"}' "$inzage/inzageverzoeken/$verzoek/afhandeling" >/dev/null
	echo "  Het antwoord dat A. Jansen ontvangt:"
	curl -s -H "$auth" "$inzage/inzageverzoeken/$verzoek/rapport" | "$here/mijn_gegevens.py" rapport
	curl -s -H "$auth" "$inzage/inzageverzoeken/$verzoek/rapport?formaat=html" >"$ZS_RUN/inzage-rapport.html"
	echo "  Om te bewaren of af te drukken: $ZS_RUN/inzage-rapport.html"
fi

step "Klaar — het systeem blijft draaien"
cat <<INFO
  Volg wat er gebeurt:     build/bin/zs tail zaken --begin
                           build/bin/zs tail aanvraag-uitkomsten --begin
  Een eigen aanvraag:      build/bin/zs aanvraag submit deploy/demo/aanvragen/subsidie-sanering-verkeerslawaai.json --wacht 10
  Opdrachten geven:        zie deploy/demo/opdrachten/README.md
  Uitkomst voor portalen:  curl http://127.0.0.1:$intake_port/api/v1/aanvragen/<aanvraagId>
  Mijn zaken (browser):    http://127.0.0.1:$status_port/  (ontwikkel-login, BSN 999991772)
  Track & Trace:           T=\$(build/bin/zs token inwoner --bsn 999991772)
                           curl -H "Authorization: Bearer \$T" http://127.0.0.1:$status_port/api/v1/zaken
  Berichten (ontvangen):   $ZS_RUN/daemons/ontvangen.jsonl
  Mijn voorkeuren:         curl -H "Authorization: Bearer \$T" http://127.0.0.1:${ZS_NOTIFICATIE_HTTP_PORT:-8083}/api/v1/voorkeuren
  Mijn gegevens:           curl -H "Authorization: Bearer \$T" http://127.0.0.1:$inzage_port/api/v1/mijn-gegevens
  Wie mag wat:             deploy/policy/README.md, build/bin/zs policy explain
  Auditlog (FG):           build/bin/zs audit verify; build/bin/zs audit tail --verify
  Metrics:                 curl http://127.0.0.1:$intake_port/metrics
  Logs:                    $ZS_RUN/daemons/*.log
  Stoppen:                 make down
INFO
