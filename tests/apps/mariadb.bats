#!/usr/bin/env bats
# MariaDB with Debian's default configuration (/etc/mysql/my.cnf: the
# server on /run/mysqld/mysqld.sock and 127.0.0.1) in `cvisor do
# --network=host` (issue 14: it aborted with "UNIX Socket : Address family
# not supported").  The port is given on the command line so as not to meet
# a real server's 3306.  A client inside the sandbox over the unix socket
# (as root: unix_socket authentication, SO_PEERCRED) creates, inserts and
# selects; one on the host over TCP inserts and selects too.  The data
# directory is the host's /var/lib/mysql (the package's), under the
# sandbox's in-memory overlay: the host's is not changed.  Then the same
# server under docker, with runc and with cvisor (docker.bash).

bats_require_minimum_version 1.5.0
load apps
load docker

setup() {
	need mariadbd mariadb-server
	need mariadb mariadb-client
}

@test "mariadbd with the default config: a client inside over the socket, one on the host over TCP" {
	local port d=$BATS_TEST_TMPDIR/hs pid
	port=$(free_port)
	mkdir -p "$d"
	T=600 sandbox --network=host --rw "$d" -- /bin/sh -c '
		p=$0 d=$1
		mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
		[ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql >/dev/null
		mariadbd --user=mysql --port="$p" 2>"$d/server.log" & m=$!
		i=0; until mariadb-admin ping >/dev/null 2>&1 || [ $i -ge 300 ]; do
			kill -0 $m 2>/dev/null || break; sleep 0.2; i=$((i + 1)); done
		mariadb -N -e "CREATE DATABASE apps;
			CREATE TABLE apps.t (id INT PRIMARY KEY, v VARCHAR(20));
			INSERT INTO apps.t VALUES (1, \"inside\");
			SELECT v FROM apps.t;
			CREATE USER apps@127.0.0.1 IDENTIFIED BY \"pw\";
			GRANT ALL ON apps.* TO apps@127.0.0.1;" || { mariadb-admin shutdown; exit 1; }
		touch "$d/ready"
		i=0; until [ -e "$d/done" ] || [ $i -ge 1500 ]; do sleep 0.2; i=$((i + 1)); done
		mariadb -N -e "SELECT id, v FROM apps.t ORDER BY id"
		mariadb-admin shutdown; wait $m; echo "mariadbd exit $?"' "$port" "$d" >"$d/out" 2>"$d/err" &
	pid=$!
	if ! await "$d/ready" $pid; then
		kill $pid 2>/dev/null || true
		echo "sandbox: $(cat "$d/out" "$d/err")" >&2
		echo "server log: $(grep -iE 'error|abort|unsupported' "$d/server.log" | head -n 5)" >&2
		echo "unsupported: $(unsupported "$d/err" "$d/server.log")" >&2
		false
	fi
	run -0 mariadb -h 127.0.0.1 -P "$port" -u apps -ppw -N -e \
		'INSERT INTO apps.t VALUES (2, "host"); SELECT v FROM apps.t ORDER BY id'
	[ "$output" = "$(printf 'inside\nhost')" ]
	touch "$d/done"
	wait $pid || { echo "sandbox: status $?; $(cat "$d/out" "$d/err")" >&2; false; }
	run cat "$d/out"
	[ "$output" = "$(printf 'inside\n1\tinside\n2\thost\nmariadbd exit 0')" ] ||
		{ echo "sandbox said: $output; $(tail -n 5 "$d/err")" >&2; false; }
}

# maria_check RT: Debian's mariadbd under docker as Debian starts it (root
# that drops to --user=mysql, /etc/mysql's configuration) with one change:
# --bind-address=0.0.0.0 instead of 127.0.0.1, so the published port
# reaches it; the socket client inside as root, a TCP client on the host,
# mariadb-slap inside.
maria_check() {
	local port
	port=$(free_port)
	dk_start "$1" -p "127.0.0.1:$port:3306" -- /bin/sh -c '
		mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
		[ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql >/dev/null
		exec mariadbd --user=mysql --bind-address=0.0.0.0'
	dk_ready 300 dk_exec mariadb-admin ping
	run -0 dk_exec ps -o user= -C mariadbd
	[ "$output" = mysql ]
	run -0 dk_exec mariadb -N -e "CREATE DATABASE apps;
		CREATE TABLE apps.t (id INT PRIMARY KEY, v VARCHAR(20));
		INSERT INTO apps.t VALUES (1, 'inside');
		CREATE USER apps@'%' IDENTIFIED BY 'pw';
		GRANT ALL ON apps.* TO apps@'%';
		SELECT v FROM apps.t"
	[ "$output" = inside ]
	run -0 timeout 60 mariadb -h 127.0.0.1 -P "$port" -u apps -ppw -N -e \
		'INSERT INTO apps.t VALUES (2, "host"); SELECT v FROM apps.t ORDER BY id'
	[ "$output" = "$(printf 'inside\nhost')" ]
	run -0 dk_exec mariadb-slap --concurrency=8 --iterations=5 --auto-generate-sql
	echo "$output" >&2
	[[ "$output" =~ Average\ number\ of\ seconds\ to\ run\ all\ queries:\ [0-9.]+ ]]
	[[ "$output" =~ Number\ of\ clients\ running\ queries:\ 8 ]]
}

@test "mariadb under runc: as mysql, Debian's config, socket inside, TCP from the host, mariadb-slap" {
	maria_check runc
}

@test "mariadb under cvisor: as mysql, Debian's config, socket inside, TCP from the host, mariadb-slap" {
	maria_check cvisor
}
