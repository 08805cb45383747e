#!/usr/bin/env bash
# tests/run.sh unit|system|all — runs the unit tests (cmocka, TAP output) and the
# system tests (pytest against the real Kafka and PostgreSQL that tests/system
# starts itself), then prints one summary line: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
what=${1:-all}
passed=0 failed=0
failed_names=()

run_unit() {
	local t out
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		if [ "${ZS_VALGRIND:-0}" = 1 ]; then
			out=$(CMOCKA_MESSAGE_OUTPUT=TAP valgrind -q --error-exitcode=99 --leak-check=full \
				--errors-for-leak-kinds=definite "$t" 2>&1)
		else
			out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
		fi
		local rc=$?
		local p f
		p=$(grep -c '^ok ' <<<"$out")
		f=$(grep -c '^not ok ' <<<"$out")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1 # crashed, leaked or aborted before reporting
		fi
		passed=$((passed + p))
		failed=$((failed + f))
		if [ "$f" -gt 0 ]; then
			failed_names+=("$(basename "$t")")
			echo "$out"
		fi
		printf '  unit  %-28s %3d passed %3d failed\n' "$(basename "$t")" "$p" "$f"
	done
}

run_system() {
	local out rc
	out=$(mktemp)
	python3 -m pytest -q -p no:cacheprovider tests/system ${PYTEST_ARGS:-} 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	local p f e
	p=$(grep -Eo '[0-9]+ passed' "$out" | tail -1 | grep -Eo '[0-9]+')
	f=$(grep -Eo '[0-9]+ failed' "$out" | tail -1 | grep -Eo '[0-9]+')
	e=$(grep -Eo '[0-9]+ errors?' "$out" | tail -1 | grep -Eo '[0-9]+')
	p=${p:-0} f=$(( ${f:-0} + ${e:-0} ))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	[ "$f" -gt 0 ] && failed_names+=("system")
	passed=$((passed + p))
	failed=$((failed + f))
	rm -f "$out"
}

case "$what" in
unit) run_unit ;;
system) run_system ;;
all) run_unit; run_system ;;
*) echo "usage: tests/run.sh unit|system|all" >&2; exit 2 ;;
esac

echo "${passed} passed, ${failed} failed$( [ ${#failed_names[@]} -gt 0 ] && echo " (${failed_names[*]})")"
[ "$failed" -eq 0 ]
