#!/usr/bin/env bash
# tests/fuzz/run.sh — fuzzes the Avro event decoder, then the bearer-token verifier, the
# aanvraag reader, the AVG request reader, the page's inputs, the Track & Trace API's
# request preparation and the policy loader, ${FUZZ_SECONDS:-60} seconds each. For the decoder it
# builds the libFuzzer target with clang (-fsanitize=fuzzer,address,undefined)
# against the common sources it needs, writes a seed corpus of valid events
# (every schema in schemas/ and tests/unit/schemas/, encoded from generated
# samples), fuzzes, then replays the whole corpus in a standalone ASan build
# that frees everything, so that LeakSanitizer reports real leaks only (see the
# comment in fuzz_avro_decode.c). Extra arguments go to libFuzzer.
# Output under ${BUILD:-build}/fuzz: corpus/ (kept between runs), seeds/,
# artifacts/ (crashing inputs; reproduce: build/fuzz/fuzz_avro_decode <file>).
set -euo pipefail
cd "$(dirname "$0")/../.."

OUT=${BUILD:-build}/fuzz
SRC=(tests/fuzz/fuzz_avro_decode.c common/wire/avro_canonical.c common/wire/avro_json.c
	common/wire/schemaset.c common/core/datum.c common/core/mask.c)
CFLAGS=(-std=gnu11 -g -O1 -D_GNU_SOURCE -Icommon -fno-omit-frame-pointer
	-fno-sanitize-recover=undefined)
LIBS=(-lavro -ljansson -lm)

mkdir -p "$OUT/corpus" "$OUT/artifacts"
rm -rf "$OUT/seeds"
clang "${CFLAGS[@]}" -fsanitize=address,undefined -DFUZZ_STANDALONE -o "$OUT/fuzz_tool" \
	"${SRC[@]}" "${LIBS[@]}"
clang "${CFLAGS[@]}" -fsanitize=fuzzer,address,undefined -o "$OUT/fuzz_avro_decode" \
	"${SRC[@]}" "${LIBS[@]}"
"$OUT/fuzz_tool" seeds "$OUT/seeds"

status=0
ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" "$OUT/fuzz_avro_decode" -max_total_time="${FUZZ_SECONDS:-60}" -max_len=65536 -timeout=10 \
	-rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1 \
	-artifact_prefix="$OUT/artifacts/" "$@" "$OUT/corpus" "$OUT/seeds" || status=$?
echo "replaying the corpus for leaks"
"$OUT/fuzz_tool" replay "$OUT/seeds" "$OUT/corpus" || status=$?

# The other parsers that face hostile input: bearer tokens, what a portal
# sends (seeded with the demo aanvragen), a request under the AVG, what reaches
# the resident's page (path, Accept-Encoding, OIDC URLs), what the Track & Trace
# API makes of a request's path, query, body and reason, and the
# autorisatiematrix loader (seeded with deploy/policy), and what reaches zs-notificatie
# (preferences, Retry-After, templates, subscriptions). Each gets the same time.
# core/config.c needs the list of known settings the Makefile generates.
mkdir -p "$OUT/gen"
tools/build/known-settings.sh >"$OUT/gen/known_settings.c"
ALL=($(ls common/*/*.c) "$OUT/gen/known_settings.c" $(ls services/*/*.c | grep -v '/main\.c$'))
ALL_LIBS=(-lrdkafka -lavro -lpq -ljansson -levent -lssl -lcrypto -lcurl -lz -lm)
for target in fuzz_jwt fuzz_aanvraag fuzz_verzoek fuzz_web fuzz_audit fuzz_http fuzz_policy \
	fuzz_notificatie; do
	mkdir -p "$OUT/corpus-$target"
	clang "${CFLAGS[@]}" -Iservices/intake -I/usr/include/postgresql -fsanitize=fuzzer,address,undefined -o "$OUT/$target" \
		"tests/fuzz/$target.c" "${ALL[@]}" "${ALL_LIBS[@]}"
	seeds=()
	[ "$target" = fuzz_aanvraag ] && seeds=(deploy/demo/aanvragen)
	[ "$target" = fuzz_verzoek ] && seeds=(tests/fuzz/verzoeken)
	[ "$target" = fuzz_policy ] && seeds=(deploy/policy)
	[ "$target" = fuzz_notificatie ] && seeds=(deploy/notificatie/sjablonen)
	"$OUT/$target" -max_total_time="${FUZZ_SECONDS:-60}" -max_len=16384 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$target-" \
		"$OUT/corpus-$target" "${seeds[@]}" || status=$?
done
exit "$status"
