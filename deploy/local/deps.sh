#!/usr/bin/env bash
# deploy/local/deps.sh — installs what a Debian 12 machine lacks to build, test
# and run zaakstroom: Debian packages through apt-get, the Python test packages
# through pip. Quiet and quick when everything is there already.
set -euo pipefail

packages=(
	build-essential pkg-config librdkafka-dev libavro-dev libpq-dev libjansson-dev
	libevent-dev libssl-dev libcurl4-openssl-dev libcmocka-dev
	postgresql-15 postgresql-client-15 maven python3-pip wrk valgrind clang clang-format
	libclang-rt-14-dev
	zlib1g-dev chromium chromium-driver
)
# python module → pip requirement
declare -A python_packages=(
	[pytest]=pytest [psycopg]='psycopg[binary]' [confluent_kafka]=confluent-kafka
	[fastavro]=fastavro [avro]=avro [yaml]=pyyaml [cryptography]=cryptography [selenium]=selenium
)

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps: not root and no sudo" >&2; exit 1; }
	sudo=(sudo)
fi

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# One dpkg-query for all: this script runs before every CI build.
declare -A state=()
while read -r name status; do
	state[$name]=$status
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" \
	default-jre-headless openjdk-17-jre-headless 2>/dev/null)
missing=()
for p in "${packages[@]}"; do
	[ "${state[$p]:-}" = installed ] || missing+=("$p")
done
# The page's build (web/) needs node and npm: Debian's, or any already there.
command -v npm >/dev/null || missing+=(nodejs npm)
# Any Java 17 runtime will do; Debian 12's default is one.
[ "${state[default-jre-headless]:-}" = installed ] ||
	[ "${state[openjdk-17-jre-headless]:-}" = installed ] || missing+=(default-jre-headless)

apt_install() {
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends -o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold "$@"
}

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
	# The tests run their own clusters; the package's default cluster would
	# only be one more server left running on port 5432.
	if ! installed postgresql-15; then
		apt_install postgresql-common
		"${sudo[@]}" sed -ri 's/^#? *create_main_cluster *=.*/create_main_cluster = false/' \
			/etc/postgresql-common/createcluster.conf
	fi
	apt_install "${missing[@]}"
fi

missing_py=()
for m in $(python3 -c 'import importlib.util, sys
print(" ".join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))' \
	"${!python_packages[@]}"); do
	missing_py+=("${python_packages[$m]}")
done
if [ ${#missing_py[@]} -gt 0 ]; then
	echo "deps: pip installing ${missing_py[*]}"
	pip=(python3 -m pip install -q --disable-pip-version-check)
	[ "$(id -u)" -eq 0 ] && pip+=(--root-user-action=ignore)
	if ! out=$("${pip[@]}" "${missing_py[@]}" 2>&1); then
		# Debian 12 marks its Python as managed by apt (PEP 668); these
		# packages are not in Debian at the versions the tests need.
		if grep -q externally-managed-environment <<<"$out"; then
			"${pip[@]}" --break-system-packages "${missing_py[@]}"
		else
			echo "$out" >&2
			exit 1
		fi
	fi
fi
