#!/usr/bin/env bash
# deploy/local/kafka.sh fetch|start|stop|status|brokers — one Apache Kafka broker
# in KRaft mode (combined broker and controller) on the loopback interface, its
# jars from Maven Central cached in $ZS_CACHE, its config, data and logs in
# $ZS_RUN/kafka. Debian packages no broker, hence the jars.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

dir=$ZS_RUN/kafka
conf=$dir/server.properties
pidfile=$dir/kafka.pid
libs=$KAFKA_HOME/libs
marker=$KAFKA_HOME/.complete
: "${ZS_KAFKA_START_TIMEOUT:=120}"

kafka_fetch() {
	[ -f "$marker" ] && return 0
	command -v mvn >/dev/null || zs_die "mvn not found" "run deploy/local/deps.sh"
	# Test sessions that start together share one fetch.
	mkdir -p "$ZS_CACHE"
	exec 9>"$KAFKA_HOME.lock"
	flock 9
	[ -f "$marker" ] && return 0
	local tmp
	tmp=$(mktemp -d)
	cat >"$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>nl.zaakstroom.local</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_$KAFKA_SCALA_VERSION</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>$KAFKA_SLF4J_VERSION</version>
    </dependency>
    <dependency>
      <groupId>ch.qos.reload4j</groupId>
      <artifactId>reload4j</artifactId>
      <version>$KAFKA_RELOAD4J_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
	echo "kafka: fetching Apache Kafka $KAFKA_VERSION into $KAFKA_HOME"
	rm -rf "$libs"
	mkdir -p "$libs"
	if ! mvn -q -B -f "$tmp/pom.xml" \
		org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
		-DincludeScope=runtime -DoutputDirectory="$libs" >"$tmp/mvn.log" 2>&1; then
		tail -n 30 "$tmp/mvn.log" >&2
		rm -rf "$libs" "$tmp"
		zs_die "could not fetch kafka_$KAFKA_SCALA_VERSION $KAFKA_VERSION" \
			"check that Maven Central is reachable, or pin another KAFKA_VERSION in deploy/local/env.sh"
	fi
	rm -rf "$tmp"
	[ -f "$libs/kafka_$KAFKA_SCALA_VERSION-$KAFKA_VERSION.jar" ] ||
		zs_die "kafka_$KAFKA_SCALA_VERSION-$KAFKA_VERSION.jar missing after fetch"
	# Only a complete fetch is reused by later runs.
	touch "$marker"
	exec 9>&-
}

# Prints the broker's pid when the pid file names a live broker of this run
# directory; a recycled pid of some other process does not count.
kafka_pid() {
	local pid
	[ -f "$pidfile" ] || return 1
	pid=$(<"$pidfile")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	[ -r "/proc/$pid/cmdline" ] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $conf" || return 1
	echo "$pid"
}

# An ApiVersions v0 request (correlation id 1, client id "zs"): a reply with the
# same correlation id and error code 0 means the broker really serves requests.
kafka_answers() {
	local reply
	reply=$(timeout 5 bash -c '
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf "\x00\x00\x00\x0c\x00\x12\x00\x00\x00\x00\x00\x01\x00\x02zs" >&3
		head -c 10 <&3 | od -An -tx1' _ "$ZS_KAFKA_PORT" 2>/dev/null) || return 1
	reply=${reply//[[:space:]]/}
	[ "${reply:8:12}" = "000000010000" ]
}

write_config() {
	cat >"$conf" <<CONF
# Written by deploy/local/kafka.sh at each start; edit env.sh, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$ZS_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$ZS_KAFKA_PORT,CONTROLLER://127.0.0.1:$ZS_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$ZS_KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data

# One node: every internal topic has one replica.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1

# Topics are created on purpose (zs, the tests), never by a typo.
auto.create.topics.enable=false
num.partitions=4
group.initial.rebalance.delay.ms=0
CONF
	cat >"$dir/log4j.properties" <<LOG
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$dir/server.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
LOG
}

java_opts() {
	echo "-Xms$KAFKA_HEAP -Xmx$KAFKA_HEAP -XX:MaxMetaspaceSize=128m -XX:+UseG1GC" \
		"-XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35" \
		"-Djava.awt.headless=true -Dlog4j.configuration=file:$dir/log4j.properties"
}

# A new cluster id: 16 random bytes in URL-safe base64 without padding, as
# Kafka's Uuid; Kafka never hands out one that starts with '-'.
new_cluster_id() {
	local id
	while :; do
		id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
		[ "${id:0:1}" != "-" ] && break
	done
	echo "$id"
}

kafka_format() {
	[ -f "$dir/data/meta.properties" ] && return 0
	local id out
	id=$(new_cluster_id)
	# shellcheck disable=SC2046
	if ! out=$(java $(java_opts) -cp "$libs/*" kafka.tools.StorageTool format \
		-t "$id" -c "$conf" 2>&1); then
		echo "$out" >&2
		zs_die "could not format the kafka storage in $dir/data"
	fi
	echo "$id" >"$dir/cluster.id"
}

kafka_start() {
	local pid t0 waited
	if pid=$(kafka_pid); then
		echo "kafka: already running (pid $pid) on 127.0.0.1:$ZS_KAFKA_PORT"
		return 0
	fi
	kafka_fetch
	command -v java >/dev/null || zs_die "java not found" "run deploy/local/deps.sh"
	mkdir -p "$dir/data"
	write_config
	kafka_format
	t0=$(date +%s%N)
	# The line count tells this start's "started" line from an earlier one.
	local from=1
	[ -f "$dir/server.log" ] && from=$(($(wc -l <"$dir/server.log") + 1))
	# shellcheck disable=SC2046
	setsid java $(java_opts) -cp "$libs/*" kafka.Kafka "$conf" \
		</dev/null >"$dir/kafka.out" 2>&1 &
	pid=$!
	echo "$pid" >"$pidfile"
	waited=0
	while :; do
		if ! kill -0 "$pid" 2>/dev/null; then
			rm -f "$pidfile"
			tail -n 20 "$dir/kafka.out" "$dir/server.log" >&2 2>/dev/null || true
			zs_die "kafka exited during start-up" "see $dir/server.log"
		fi
		if tail -n +"$from" "$dir/server.log" 2>/dev/null | grep -q 'Kafka Server started' &&
			kafka_answers; then
			break
		fi
		if [ "$waited" -ge $((ZS_KAFKA_START_TIMEOUT * 5)) ]; then
			kafka_stop >/dev/null
			zs_die "kafka did not answer within ${ZS_KAFKA_START_TIMEOUT}s" "see $dir/server.log"
		fi
		sleep 0.2
		waited=$((waited + 1))
	done
	echo "kafka: Apache Kafka $KAFKA_VERSION started (pid $pid) on 127.0.0.1:$ZS_KAFKA_PORT" \
		"in $((($(date +%s%N) - t0) / 1000000)) ms"
}

kafka_stop() {
	local pid i
	if ! pid=$(kafka_pid); then
		rm -f "$pidfile"
		echo "kafka: not running"
		return 0
	fi
	kill -TERM "$pid"
	# A controlled shutdown of a single node takes a few seconds.
	for ((i = 0; i < 600; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "kafka: no exit after 60s, killing pid $pid" >&2
		kill -KILL "$pid"
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	fi
	rm -f "$pidfile"
	echo "kafka: stopped"
}

kafka_status() {
	local pid
	if pid=$(kafka_pid); then
		echo "kafka: running (pid $pid) on 127.0.0.1:$ZS_KAFKA_PORT"
		return 0
	fi
	echo "kafka: not running"
	return 3
}

case "${1:-}" in
fetch) kafka_fetch ;;
start) kafka_start ;;
stop) kafka_stop ;;
status) kafka_status ;;
brokers) echo "127.0.0.1:$ZS_KAFKA_PORT" ;;
*)
	echo "usage: $0 fetch|start|stop|status|brokers" >&2
	exit 2
	;;
esac
