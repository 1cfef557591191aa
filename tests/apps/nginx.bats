#!/usr/bin/env bats
# nginx from Debian with its default /etc/nginx/nginx.conf: a master and
# its workers, which it connects with socketpair (issue 14: ENOSYS left
# every request hanging).  In `cvisor do` (the sandbox's own network
# namespace: port 80 is its own) with curl and ab inside; and under docker
# in the application image (docker.bash), with runc and with cvisor,
# published with -p 127.0.0.1:PORT:80 and loaded from the host with
# `ab -n 20000 -c 50`: no failed and no non-2xx request.

bats_require_minimum_version 1.5.0
load apps
load docker

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

# Debian's default site serves index.html first: apache2's page, in this image
nginx_check() {
	web_server_check "$1" /var/www/html/index.html nginx -- nginx -g 'daemon off;'
}

@test "nginx under runc: default config, -p 127.0.0.1:PORT:80, ab -n 20000 -c 50" {
	nginx_check runc
}

@test "nginx under cvisor: default config, -p 127.0.0.1:PORT:80, ab -n 20000 -c 50" {
	nginx_check cvisor
}
