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
#   load docker
#   setup_file: apps_docker_setup       teardown_file: apps_docker_teardown
#   dk_start RT ID_VAR [DOCKER_RUN_ARGS...] -- CMD...   detached container
#   dk_ready TRIES CMD...                wait until CMD succeeds, or fail
#                                        with the container's log
#   dk_exec [-u USER] CMD...             docker exec in it
#   dk_clean                             its log has no unsupported syscall;
#                                        remove it
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

# web_check PORT PAGE: the container $CID serves its file PAGE on
# 127.0.0.1:PORT to curl, and ab -n 20000 -c 50 with no failed request.
web_check() {
	local want
	dk_ready 300 curl -sf -m 2 -o /dev/null "http://127.0.0.1:$1/"
	want=$(dk_exec cat "$2")
	run -0 curl -sf -m 10 "http://127.0.0.1:$1/"
	[ "$output" = "$want" ]
	run -0 timeout 600 ab -q -n 20000 -c 50 "http://127.0.0.1:$1/"
	echo "$output" | grep -E "requests|Non-2xx|Requests per second" >&2
	[[ "$output" =~ Complete\ requests:\ +20000 ]]
	[[ "$output" =~ Failed\ requests:\ +0 ]]
	[[ "$output" != *Non-2xx* ]]
}

# no_unsupported TEXT: TEXT (a command's output) names no unsupported call.
no_unsupported() {
	local u
	u=$(unsupported <<<"$1")
	[ -z "$u" ] || { echo "unsupported: $u" >&2; return 1; }
}
