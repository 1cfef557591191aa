#!/usr/bin/env bats
# System V IPC and POSIX shared memory in the sandbox (docs/ipc.md): the
# util-linux tools (ipcmk, ipcs, ipcrm) against the sentry's objects and
# /proc/sysvipc, one IPC namespace per sandbox, Python's
# multiprocessing.shared_memory (POSIX shm on /dev/shm), and PostgreSQL 15
# (a System V segment) as a non-root user when Debian's package is there.
#
#   make -j2 all && BUILD=build bats tests/integration/ipc.bats
#
# Runs as root.  Tests whose program is missing are skipped.

bats_require_minimum_version 1.5.0

BUILD=${BUILD:-build}
CVISOR=$BUILD/cvisor

setup_file() {
	if [ ! -x "$CVISOR" ]; then
		echo "$CVISOR is missing: run 'make all' (or set BUILD)" >&3
		return 1
	fi
}

need() {
	command -v "$1" >/dev/null || skip "$1 is not installed"
}

# The objects ipcs lists, as "kind perms size-or-count", sorted: keys
# and ids differ between runs, owners and modes do not.
objects() {
	ipcs -m | awk '/^0x/ { print "shm", $4, $5, $6 }'
	ipcs -s | awk '/^0x/ { print "sem", $4, $5 }'
	ipcs -q | awk '/^0x/ { print "msg", $4, $5, $6 }'
}

@test "ipcmk, ipcs and ipcrm see the sandbox's objects" {
	need ipcmk
	run -0 "$CVISOR" do -- bash -c "
		$(declare -f objects)
		ipcmk -M 10000 -p 0640 >/dev/null
		ipcmk -S 4 >/dev/null
		ipcmk -Q -p 0600 >/dev/null
		objects | sort
		echo --
		ipcrm -m \$(ipcs -m | awk '/^0x/ { print \$2 }')
		ipcrm -S \$(ipcs -s | awk '/^0x/ { print \$1 }')
		objects | sort
		echo --
		ipcs -l | grep -E 'max (number of segments|semaphores per array|size of message)'"
	echo "$output"
	[ "${lines[0]}" = "msg 600 0 0" ]
	[ "${lines[1]}" = "sem 644 4" ]
	[ "${lines[2]}" = "shm 640 10000 0" ]
	[ "${lines[3]}" = "--" ]
	[ "${lines[4]}" = "msg 600 0 0" ]       # the segment and the set are gone
	[ "${lines[5]}" = "--" ]
	# Linux's defaults, from /proc/sys/kernel
	[[ "$output" == *"max number of segments = 4096"* ]]
	[[ "$output" == *"max semaphores per array = 32000"* ]]
	[[ "$output" == *"max size of message (bytes) = 8192"* ]]
}

@test "/proc/sysvipc files have Linux's header lines" {
	for f in shm sem msg; do
		run -0 "$CVISOR" do -- head -1 /proc/sysvipc/$f
		[ "$output" = "$(head -1 /proc/sysvipc/$f)" ]
	done
	run -0 "$CVISOR" do -- cat /proc/sys/kernel/sem /proc/sys/kernel/shmmni /proc/sys/kernel/msgmnb
	[ "${lines[0]}" = "$(printf '32000\t1024000000\t500\t32000')" ]
	[ "${lines[1]}" = 4096 ]
	[ "${lines[2]}" = 16384 ]
}

# /dev/mqueue is the sandbox's POSIX message queues as files.
@test "/dev/mqueue: queues made, listed, read and removed as files" {
	run -0 "$CVISOR" do -- sh -c '
		stat -f -c %t /dev/mqueue
		touch /dev/mqueue/one && chmod 640 /dev/mqueue/one
		ls -l /dev/mqueue | awk "/one/ { print \$1, \$NF }"
		cat /dev/mqueue/one
		rm /dev/mqueue/one && ls /dev/mqueue | wc -l'
	echo "$output"
	[ "${lines[0]}" = 19800202 ]        # MQUEUE_MAGIC
	[ "${lines[1]}" = "-rw-r----- one" ]
	[[ "${lines[2]}" == "QSIZE:0 "*"NOTIFY:0 "*"SIGNO:0 "*"NOTIFY_PID:0"* ]]
	[ "${lines[3]}" = 0 ]
}

# The limits are the sandbox's: root in it may change them, and they hold.
@test "/proc/sys/kernel IPC limits: written by root, enforced, refused to others" {
	need ipcmk
	run "$CVISOR" do -- sh -c '
		echo 2 >/proc/sys/kernel/shmmni && cat /proc/sys/kernel/shmmni
		ipcmk -M 1 >/dev/null && ipcmk -M 1 >/dev/null && echo two
		ipcmk -M 1 2>&1 | grep -c "No space left"
		echo "10 20 30 40" >/proc/sys/kernel/sem && cat /proc/sys/kernel/sem
		echo bad >/proc/sys/kernel/msgmax 2>/dev/null || echo refused
		setpriv --reuid=65534 sh -c "echo 5 >/proc/sys/kernel/msgmax" 2>/dev/null || echo denied
		cat /proc/sys/kernel/msgmax'
	echo "$output"
	[ "$status" = 0 ]
	[ "${lines[0]}" = 2 ]
	[ "${lines[1]}" = two ]
	[ "${lines[2]}" = 1 ]               # the third segment: ENOSPC
	[ "${lines[3]}" = "$(printf '10\t20\t30\t40')" ]
	[ "${lines[4]}" = refused ]
	[ "${lines[5]}" = denied ]
	[ "${lines[6]}" = 8192 ]            # unchanged by either
}

# Each sandbox has its own namespace: neither the host's objects nor
# those of another sandbox running at the same time are visible.
@test "a sandbox sees neither the host's nor another sandbox's IPC objects" {
	need ipcmk
	d=$BATS_TEST_TMPDIR
	host_id=$(ipcmk -M 4096 | awk '{ print $NF }')
	"$CVISOR" do --rw "$d" -- sh -c "ipcmk -M 8192 >/dev/null; ipcs -m | grep -c '^0x' >$d/a.tmp
		mv $d/a.tmp $d/a; while [ ! -e $d/done ]; do sleep 0.05; done" 3>&- &
	a=$!
	while [ ! -e "$d/a" ] && kill -0 $a 2>/dev/null; do sleep 0.05; done
	run "$CVISOR" do -- sh -c "ipcs -m | grep -c '^0x' || true"
	touch "$d/done"
	wait $a
	ipcrm -m "$host_id"
	[ "$(cat "$d/a")" = 1 ]             # A sees its own segment only
	[ "$status" = 0 ]
	[ "$output" = 0 ]                   # B sees neither A's nor the host's
}

@test "python3: multiprocessing.shared_memory, a Lock, and SysV shm through ctypes" {
	need python3
	script='
import ctypes, os
from multiprocessing import shared_memory, Process, Lock, Value

libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
sid = libc.shmget(0, 4096, 0o1600)          # IPC_PRIVATE, IPC_CREAT | 0600
addr = libc.shmat(sid, None, 0)
pid = os.fork()
if pid == 0:
    ctypes.memmove(addr, b"from the child", 14)
    os._exit(0)
os.waitpid(pid, 0)
print("sysv", sid >= 0, ctypes.string_at(addr, 14).decode())
libc.shmdt(ctypes.c_void_p(addr))
libc.shmctl(sid, 0, None)                   # IPC_RMID

shm = shared_memory.SharedMemory(create=True, size=8192)
shm.buf[0] = 1
pid = os.fork()
if pid == 0:
    s = shared_memory.SharedMemory(name=shm.name)
    s.buf[1] = s.buf[0] + 41
    s.buf[8191] = 7
    s.close()
    os._exit(0)
os.waitpid(pid, 0)
print("shm", shm.buf[0], shm.buf[1], shm.buf[8191])
shm.close()
shm.unlink()

def add(v, lock):
    for _ in range(200):
        with lock:
            v.value += 1

v, lock = Value("i", 0, lock=False), Lock()
ps = [Process(target=add, args=(v, lock)) for _ in range(3)]
[p.start() for p in ps]
[p.join() for p in ps]
print("value", v.value, [p.exitcode for p in ps])
'
	run -0 python3 -c "$script"
	native=$output
	[ "$native" = "$(printf 'sysv True from the child\nshm 1 42 7\nvalue 600 [0, 0, 0]')" ]
	run -0 "$CVISOR" do -- python3 -c "$script"
	[ "$output" = "$native" ]
}

# PostgreSQL's shared memory is a small System V segment (plus POSIX shm
# on /dev/shm); initdb, the server and psql run as user postgres.  Over
# TCP on the sandbox's loopback: AF_UNIX sockets are issue 14's.
@test "PostgreSQL 15: initdb, pg_ctl start, psql, ipcs as user postgres" {
	pg=/usr/lib/postgresql/15/bin
	[ -x $pg/initdb ] || skip "postgresql 15 is not installed (apt-get install postgresql)"
	id postgres >/dev/null 2>&1 || skip "no user postgres"
	dir=$BATS_TEST_TMPDIR/pg
	mkdir -p "$dir"
	chown postgres:postgres "$dir"
	chmod 755 "$BATS_TEST_TMPDIR"
	cat >"$dir/run.sh" <<-EOF
	set -e
	$pg/initdb -D $dir/data >/dev/null
	$pg/pg_ctl -D $dir/data -l $dir/log -o "-k '' -c listen_addresses=127.0.0.1 -p 54329" -w start >/dev/null
	$pg/psql -h 127.0.0.1 -p 54329 -d postgres -Atc 'create table t (a int); insert into t values (41), (1); select sum(a) from t'
	ipcs -m | awk '/^0x/ { print "segment", \$3, \$4, (\$6 > 0) }'
	$pg/pg_ctl -D $dir/data -m fast -w stop >/dev/null
	ipcs -m | grep -c '^0x' || true
	EOF
	run -0 --separate-stderr "$CVISOR" do --rw "$dir" -- setpriv --reuid=postgres --regid=postgres --init-groups sh "$dir/run.sh"
	echo "$output"
	[[ "$output" != *"could not create shared memory"* ]]
	[ "${lines[-3]}" = 42 ]
	[ "${lines[-2]}" = "segment postgres 600 1" ]   # attached by the server
	[ "${lines[-1]}" = 0 ]                          # removed at shutdown
}
