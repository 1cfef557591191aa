# tests/apps/docker.bash: the applications under docker, with
# --runtime=cvisor and with runc side by side (issue 15): the same image
# (tests/apps/image.sh: Debian's packages, their default configuration),
# the same commands, ports published with -p 127.0.0.1:PORT:... and driven
# from the host and from inside with docker exec.
#
# run.sh starts one dockerd for the whole run and imports the image once
# ($APPS_DOCKER_HOST, $APPS_IMAGE); a .bats file run alone starts its own in
# setup_file.  A test defines a function taking the runtime and has two
# @tests calling it, one per runtime, so each reports on its own.
#
#   load docker        (it defines setup_file, teardown_file and teardown:
#                       the dockerd and image; dk_clean after each test)
#   dk_start RT [DOCKER_RUN_ARGS...] -- CMD...   a detached container: $CID
#   dk_run RT [DOCKER_RUN_ARGS...] -- CMD...     one run to its end (--rm)
#   dk_ready TRIES CMD...   wait until CMD succeeds, or fail with the log
#   dk_exec [-u USER] CMD...                     docker exec in $CID
#   dk_clean                its log names no unsupported syscall; remove it
#   no_unsupported TEXT     TEXT names none
#   ab_ok N C URL           ab completes N requests, none failed or non-2xx
#   web_server_check RT PAGE PROCESS -- CMD...   nginx's and Apache's test
# Under runc nothing reports unsupported calls; the check runs for both.

load ../integration/dockerd

APPS_PROG=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/prog

apps_docker_setup() {
	if [ -n "${APPS_DOCKER_HOST:-}" ]; then
		export DOCKER_HOST=$APPS_DOCKER_HOST
		return 0
	fi
	command -v dockerd >/dev/null || return 0  # dk_start fails naming it
	local tar
	tar=$("$BATS_TEST_DIRNAME/image.sh") || return 1
	dockerd_start "$BATS_FILE_TMPDIR/dk"
	docker import "$tar" cvisor-apps >/dev/null
	export APPS_IMAGE=cvisor-apps
}

apps_docker_teardown() {
	[ -n "${APPS_DOCKER_HOST:-}" ] || dockerd_stop
}

setup_file() { apps_docker_setup; }
teardown_file() { apps_docker_teardown; }
teardown() { dk_clean; }

# dk_start RT [DOCKER_RUN_ARGS...] -- CMD...: sets $CID.  The test
# programs of tests/apps/prog are at /opt/apps, read-only.
dk_start() {
	local rt=$1 a=()
	shift
	command -v docker >/dev/null && docker version >/dev/null 2>&1 ||
		{ echo "no dockerd: install docker.io (scripts/deps.sh)" >&2; return 1; }
	while [ $# -gt 0 ] && [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	CID=$(timeout 60 docker run -d --runtime="$rt" -v "$APPS_PROG:/opt/apps:ro" "${a[@]}" \
		"${APPS_IMAGE:-cvisor-apps}" "$@") || return 1
}

# dk_run RT [DOCKER_RUN_ARGS...] -- CMD...: a container run to its end,
# bounded by $T s (300); `run` it for $output and $status.
dk_run() {
	local rt=$1 a=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	timeout -k 5 "${T:-300}" docker run --rm --runtime="$rt" -v "$APPS_PROG:/opt/apps:ro" \
		"${a[@]}" "${APPS_IMAGE:-cvisor-apps}" "$@"
}

dk_ready() {
	wait_until "$@" && return 0
	echo "container log: $(docker logs "$CID" 2>&1 | tail -n 15)" >&2
	return 1
}

dk_exec() {
	local a=()
	[ "$1" = -u ] && { a=(-u "$2"); shift 2; }
	timeout -k 5 "${T:-300}" docker exec "${a[@]}" "$CID" "$@"
}

# dk_clean: fail, naming them, if the container said it met unsupported
# calls; remove it either way.
dk_clean() {
	local log u
	[ -n "${CID:-}" ] || return 0
	log=$(docker logs "$CID" 2>&1)
	timeout 30 docker rm -f "$CID" >/dev/null 2>&1
	CID=
	u=$(unsupported <<<"$log")
	[ -z "$u" ] || { echo "the container reported: $u" >&2; return 1; }
}

# ab_ok N C URL: ab -n N -c C URL completes every request, none failed
# and none answered with other than 2xx.
ab_ok() {
	run -0 timeout 600 ab -q -n "$1" -c "$2" "$3"
	echo "$output" | grep -E "requests|Non-2xx|Requests per second" >&2
	[[ "$output" =~ Complete\ requests:\ +$1 ]] && [[ "$output" =~ Failed\ requests:\ +0 ]] &&
		[[ "$output" != *Non-2xx* ]]
}

# web_server_check RT PAGE PROCESS -- CMD...: a web server CMD started
# as root in a container publishing its port 80 serves its file PAGE to
# curl and ab -n 20000 -c 50 from the host; its PROCESS processes are
# root's (the master) and www-data's (the workers), as Debian runs them.
web_server_check() {
	local port rt=$1 page=$2 name=$3 want
	shift 4
	port=$(free_port)
	dk_start "$rt" -p "127.0.0.1:$port:80" -- "$@"
	dk_ready 300 curl -sf -m 2 -o /dev/null "http://127.0.0.1:$port/"
	want=$(dk_exec cat "$page")
	run -0 curl -sf -m 10 "http://127.0.0.1:$port/"
	[ "$output" = "$want" ]
	ab_ok 20000 50 "http://127.0.0.1:$port/"
	run -0 dk_exec ps -o user= -C "$name"
	[[ "$output" == *root* ]] && [[ "$output" == *www-data* ]]
}

# no_unsupported TEXT: TEXT (a command's output) names no unsupported call.
no_unsupported() {
	local u
	u=$(unsupported <<<"$1")
	[ -z "$u" ] || { echo "unsupported: $u" >&2; return 1; }
}
