#!/usr/bin/env bats
# Java 17 from Debian under docker, with runc and with cvisor side by side
# (issue 15: the JVM died on pthread_getattr_np, sched_getaffinity of a
# thread).  java -version; prog/Apps.java by source launch (8 threads, a
# ServerSocket with a client, a ProcessBuilder child); Jetty 9 (Debian's
# jetty9, started as its systemd unit does: jetty.sh run as user jetty in
# /usr/share/jetty9 with the unit's environment) serving Debian's root page
# to curl and ab on the host through -p 127.0.0.1:PORT:8080.

bats_require_minimum_version 1.5.0
load apps
load docker

java_check() {
	run --separate-stderr dk_run "$1" -- java -version
	[ "$status" = 0 ] || differs 'openjdk version "17'
	no_unsupported "$stderr"
	[[ "$stderr" =~ openjdk\ version\ \"17\. ]] || differs 'openjdk version "17'

	run --separate-stderr dk_run "$1" -- java /opt/apps/Apps.java
	no_unsupported "$stderr"
	local want
	want=$(printf '%s\n' 'threads: 8, sum 13999992' 'client got: pong ping' 'child: child says hi, exit 3')
	[ "$status" = 0 ] && [ "$output" = "$want" ] || differs "$want"
}

jetty_check() {
	local port
	port=$(free_port)
	dk_start "$1" -u jetty -w /usr/share/jetty9 -p "127.0.0.1:$port:8080" \
		-e JETTY_HOME=/usr/share/jetty9/ -e JETTY_STATE=/var/lib/jetty9/jetty.state \
		-e JAVA_OPTS=-Djava.awt.headless=true -- /usr/share/jetty9/bin/jetty.sh run
	dk_ready 600 curl -sf -m 5 -o /dev/null "http://127.0.0.1:$port/"
	run -0 curl -sf -m 10 "http://127.0.0.1:$port/"
	[[ "$output" == *"<h1>Welcome to Jetty 9 on Debian</h1>"* ]] || { echo "page: $output" >&2; false; }
	ab_ok 2000 8 "http://127.0.0.1:$port/"
}

@test "java 17 under runc: java -version, 8 threads, ServerSocket, ProcessBuilder" {
	java_check runc
}

@test "java 17 under cvisor: java -version, 8 threads, ServerSocket, ProcessBuilder" {
	java_check cvisor
}

@test "jetty 9 under runc: as jetty, its default base, a page to curl and ab from the host" {
	jetty_check runc
}

@test "jetty 9 under cvisor: as jetty, its default base, a page to curl and ab from the host" {
	jetty_check cvisor
}
