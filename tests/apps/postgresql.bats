#!/usr/bin/env bats
# PostgreSQL 15 from Debian under docker, with runc and with cvisor side by
# side (issue 15): initdb and the server as user postgres (-u postgres, as
# the official image runs it), listening on every address so the port
# published with -p 127.0.0.1:PORT:5432 reaches it, password (scram) for
# TCP, peer for the unix socket, as initdb's options say.  psql creates,
# inserts and selects over TCP from the host and over the socket inside;
# pgbench -i -s 5, then pgbench -c 4 -T 20 with no failed transaction;
# ipcs shows the System V segment the server made, and ipcmk/ipcrm make
# and remove one of the test's own (removing the server's would end it).

bats_require_minimum_version 1.5.0
load apps
load docker

setup() {
	need psql postgresql-client
}

PG=/usr/lib/postgresql/15/bin

# pg_server RT: start the server; sets $CID and $PORT.
pg_server() {
	PORT=$(free_port)
	dk_start "$1" -u postgres -p "127.0.0.1:$PORT:5432" -- /bin/sh -c "
		echo pw >/tmp/pw
		$PG/initdb -D /var/lib/postgresql/data --auth-local=peer --auth-host=scram-sha-256 \
			--pwfile=/tmp/pw >/tmp/initdb.log 2>&1 || { cat /tmp/initdb.log; exit 1; }
		echo 'host all all all scram-sha-256' >>/var/lib/postgresql/data/pg_hba.conf
		exec $PG/postgres -D /var/lib/postgresql/data -c listen_addresses='*'"
	dk_ready 300 dk_exec -u postgres psql -c 'SELECT 1'
}

# has [-v] ERE: a line of $output matches ERE (-v: none does); else say
# what the output was.
has() {
	local v=
	[ "$1" = -v ] && { v=1; shift; }
	if grep -Eq "$1" <<<"$output"; then [ -z "$v" ] && return 0
	else [ -n "$v" ] && return 0; fi
	echo "output ${v:+has}${v:-lacks} /$1/: $output" >&2
	return 1
}

pg_sql() {
	PGPASSWORD=pw timeout 60 psql -h 127.0.0.1 -p "$PORT" -U postgres -X -A -t "$@"
}

# pg_check RT: psql over TCP and the socket, pgbench, ipcs.
pg_check() {
	pg_server "$1"
	run -0 pg_sql -c 'CREATE TABLE t (id int PRIMARY KEY, v text)' \
		-c "INSERT INTO t VALUES (1, 'from the host')"
	run -0 dk_exec -u postgres psql -X -A -t -c "INSERT INTO t VALUES (2, 'inside')" \
		-c 'SELECT v FROM t ORDER BY id'
	[ "$output" = "$(printf 'INSERT 0 1\nfrom the host\ninside')" ]
	run -0 pg_sql -c 'SELECT count(*), max(v) FROM t'
	[ "$output" = "2|inside" ]

	run -0 dk_exec -u postgres pgbench -i -s 5 -q postgres
	run -0 dk_exec -u postgres pgbench -c 4 -T 20 postgres
	echo "$output" | grep -E 'processed|failed|tps' >&2
	[[ "$output" == *"number of failed transactions: 0 "* ]]
	[[ "$output" =~ tps\ =\ [0-9.]+ ]]

	# the server's segment, owned by postgres; one of the test's own
	run -0 dk_exec -u root ipcs -m
	has '^0x[0-9a-f]+ +[0-9]+ +postgres +600 '
	run -0 dk_exec -u root ipcmk -M 65536
	[[ "$output" =~ Shared\ memory\ id:\ ([0-9]+) ]]
	local id=${BASH_REMATCH[1]}
	run -0 dk_exec -u root ipcs -m
	has "^0x[0-9a-f]+ +$id +root +644 +65536 "
	run -0 dk_exec -u root ipcrm -m "$id"
	# gone, and the server's is still there
	run -0 dk_exec -u root ipcs -m
	has -v "^0x[0-9a-f]+ +$id "
	has '^0x[0-9a-f]+ +[0-9]+ +postgres +600 '
	# the server is still there
	run -0 pg_sql -c 'SELECT count(*) FROM pgbench_accounts'
	[ "$output" = 500000 ]
}

@test "postgresql 15 under runc: initdb and server as postgres, psql over TCP and socket, pgbench, ipcs/ipcrm" {
	pg_check runc
}

@test "postgresql 15 under cvisor: initdb and server as postgres, psql over TCP and socket, pgbench, ipcs/ipcrm" {
	pg_check cvisor
}
