#!/usr/bin/env bash
# tests/run.sh unit|system|all — runs the unit tests (cmocka, TAP output) and the
# system tests (pytest against the real Kafka and PostgreSQL that tests/system
# starts itself), then prints one summary line: "N passed, N failed" (and
# ", N skipped" when any were). Exits non-zero when anything failed or when no
# test ran at all.
#
# The counts come from each runner's own report, never from its free text: a
# unit test's TAP result lines (checked against its plan line), pytest's JUnit
# XML. A daemon or broker log line such as "127.0.0.1:56509 failed" that a
# failing system test prints is not a count.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
PYTEST=${PYTEST:-python3 -m pytest} # tests/system/test_summary.py puts a fake in
what=${1:-all}
passed=0 failed=0 skipped=0
failed_names=()

# tap_counts: cmocka's TAP on stdin -> "passed failed skipped planned".
# cmocka writes "ok N - name", "not ok N - name" and, for a skipped test,
# "not ok N # SKIP name"; "1..N" is the plan (-1 when there is none).
tap_counts() {
	awk '
		/^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0 }
		/^ok [0-9]+( |$)/ { p++ }
		/^not ok [0-9]+ # SKIP/ { s++; next }
		/^not ok [0-9]+( |$)/ { f++ }
		BEGIN { plan = -1 }
		END { printf "%d %d %d %d\n", p, f, s, plan }'
}

# junit_counts FILE: pytest's JUnit XML -> "passed failed skipped", one
# testcase at a time (a test that failed and then errored in its teardown
# counts once, as failed).
junit_counts() {
	python3 - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET

p = f = s = 0
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    kinds = {child.tag for child in case}
    if kinds & {"failure", "error"}:
        f += 1
    elif "skipped" in kinds:
        s += 1
    else:
        p += 1
print(p, f, s)
EOF
}

run_unit() {
	local t out rc p f s plan
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		if [ "${ZS_VALGRIND:-0}" = 1 ]; then
			out=$(CMOCKA_MESSAGE_OUTPUT=TAP valgrind -q --error-exitcode=99 --leak-check=full \
				--errors-for-leak-kinds=definite "$t" 2>&1)
		else
			out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
		fi
		rc=$?
		read -r p f s plan < <(tap_counts <<<"$out")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1 # crashed, leaked or aborted with no failed result of its own
		elif [ "$plan" -ne $((p + f + s)) ] && [ "$f" -eq 0 ]; then
			f=1 # stopped before reporting every test it planned
		fi
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + s))
		if [ "$f" -gt 0 ]; then
			failed_names+=("$(basename "$t")")
			echo "$out"
		fi
		printf '  unit  %-28s %3d passed %3d failed %3d skipped\n' "$(basename "$t")" "$p" "$f" "$s"
	done
}

run_system() {
	local dir rc p=0 f=0 s=0
	dir=$(mktemp -d)
	# shellcheck disable=SC2086 # PYTEST and PYTEST_ARGS are word lists
	$PYTEST -q -p no:cacheprovider --junitxml="$dir/junit.xml" tests/system ${PYTEST_ARGS:-}
	rc=$?
	if [ -s "$dir/junit.xml" ]; then
		read -r p f s < <(junit_counts "$dir/junit.xml" || echo "0 0 0")
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # pytest failed outside any test (collection, no tests, a crash)
	fi
	[ "$f" -gt 0 ] && failed_names+=("system")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	rm -rf "$dir"
}

case "$what" in
unit) run_unit ;;
system) run_system ;;
all) run_unit; run_system ;;
*) echo "usage: tests/run.sh unit|system|all" >&2; exit 2 ;;
esac

if [ $((passed + failed)) -eq 0 ]; then
	failed=1
	failed_names+=("no test ran")
fi
echo "${passed} passed, ${failed} failed$( [ "$skipped" -gt 0 ] && echo ", ${skipped} skipped")$(
	[ ${#failed_names[@]} -gt 0 ] && echo " (${failed_names[*]})")"
[ "$failed" -eq 0 ]
