#!/usr/bin/env bats
# nginx from Debian with its default /etc/nginx/nginx.conf: a master and
# its workers, which it connects with socketpair (issue 14: ENOSYS left
# every request hanging).  In `cvisor do` (the sandbox's own network
# namespace: port 80 is its own) with curl and ab inside; and through
# docker --runtime=cvisor, published with -p 127.0.0.1:PORT:80 and loaded
# from the host with `ab -n 20000 -c 50`: no failed and no non-2xx request.
# The docker image is made from the host's nginx packages (rootfs.bash).
# The docker test skips when dockerd (docker.io) is not installed, as
# tests/integration/docker.bats does, and leaves nothing behind.

bats_require_minimum_version 1.5.0
load apps
load rootfs
load ../integration/dockerd

setup_file() {
	command -v dockerd >/dev/null && command -v docker >/dev/null && command -v nginx >/dev/null ||
		return 0
	export DK=$BATS_FILE_TMPDIR/dk
	app_rootfs "$DK/rootfs" "nginx nginx-common" /etc/nginx /var/www /var/lib/nginx /var/log/nginx
	dockerd_start "$DK"
	tar -C "$DK/rootfs" -c . | docker import - cvisor-apps-nginx >/dev/null
}

teardown_file() {
	dockerd_stop
}

setup() {
	need nginx nginx
	need ab apache2-utils
}

@test "nginx, default config, in cvisor do: master and workers serve curl and ab inside" {
	command -v curl >/dev/null || { echo "no curl" >&2; false; }
	run --separate-stderr sandbox -- /bin/sh -c '
		nginx || exit 1
		i=0; until curl -sf -m 5 -o /dev/null http://127.0.0.1/ || [ $i -ge 100 ]; do sleep 0.2; i=$((i + 1)); done
		echo "processes: $(grep -lx nginx /proc/[0-9]*/comm | wc -l)"
		curl -sf -m 5 http://127.0.0.1/ | cmp - /var/www/html/index.nginx-debian.html && echo "page ok"
		ab -q -n 2000 -c 20 http://127.0.0.1/ | grep -E "^(Complete|Failed) requests|^Non-2xx"
		nginx -s quit'
	echo "$output" >&2
	[ "$status" = 0 ] || { echo "stderr: $(tail -n 5 <<<"$stderr")" >&2; \
		echo "unsupported: $(unsupported <<<"$stderr")" >&2; false; }
	# a master and at least one worker
	[[ "${lines[0]}" =~ ^processes:\ ([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" -ge 2 ]
	[ "${lines[1]}" = "page ok" ]
	[[ "${lines[2]}" =~ ^Complete\ requests:\ +2000$ ]]
	[[ "${lines[3]}" =~ ^Failed\ requests:\ +0$ ]]
	[ "${#lines[@]}" = 4 ]  # no Non-2xx line
}

@test "nginx, default config, docker run --runtime=cvisor -p 127.0.0.1:PORT:80: ab -n 20000 -c 50" {
	[ -n "${DK:-}" ] && docker version >/dev/null 2>&1 || skip "no dockerd (docker.io)"
	local port id
	port=$(free_port)
	id=$(timeout 60 docker run -d --runtime=cvisor -p "127.0.0.1:$port:80" cvisor-apps-nginx \
		/usr/sbin/nginx -g 'daemon off;')
	if ! wait_until 50 curl -sf -m 2 -o /dev/null "http://127.0.0.1:$port/"; then
		echo "logs: $(docker logs "$id" 2>&1 | tail -n 10)" >&2
		echo "unsupported: $(docker logs "$id" 2>&1 | unsupported)" >&2
		timeout 30 docker rm -f "$id" >/dev/null
		false
	fi
	run curl -sf -m 5 "http://127.0.0.1:$port/"
	[ "$output" = "$(cat /var/www/html/index.nginx-debian.html)" ]
	run timeout 600 ab -q -n 20000 -c 50 "http://127.0.0.1:$port/"
	echo "$output" | grep -E "requests|Non-2xx|Requests per second" >&2
	timeout 30 docker rm -f "$id" >/dev/null
	[ "$status" = 0 ]
	[[ "$output" =~ Complete\ requests:\ +20000 ]]
	[[ "$output" =~ Failed\ requests:\ +0 ]]
	[[ "$output" != *Non-2xx* ]]
}
