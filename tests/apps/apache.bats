#!/usr/bin/env bats
# Apache from Debian (apache2, its default configuration: mpm_event, the
# Debian default page) under docker, with runc and with cvisor side by side
# (issue 15): apache2ctl -D FOREGROUND, as root with children as www-data,
# published with -p 127.0.0.1:PORT:80, curl and ab from the host.

bats_require_minimum_version 1.5.0
load apps
load docker

setup_file() { apps_docker_setup; }
teardown_file() { apps_docker_teardown; }
teardown() { dk_clean; }

apache_check() {
	local port
	port=$(free_port)
	dk_start "$1" -p "127.0.0.1:$port:80" -- apache2ctl -D FOREGROUND
	web_check "$port" /var/www/html/index.html
	run -0 dk_exec ps -o user= -C apache2
	[[ "$output" == *root* ]] && [[ "$output" == *www-data* ]]
}

@test "apache under runc: default config, -p 127.0.0.1:PORT:80, ab -n 20000 -c 50" {
	apache_check runc
}

@test "apache under cvisor: default config, -p 127.0.0.1:PORT:80, ab -n 20000 -c 50" {
	apache_check cvisor
}
