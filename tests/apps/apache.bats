#!/usr/bin/env bats
# Apache from Debian (apache2, its default configuration: mpm_event, the
# Debian default page) under docker, with runc and with cvisor side by side
# (issue 15): apache2ctl -D FOREGROUND, as root with children as www-data,
# published with -p 127.0.0.1:PORT:80, curl and ab from the host.

bats_require_minimum_version 1.5.0
load apps
load docker

apache_check() {
	web_server_check "$1" /var/www/html/index.html apache2 -- apache2ctl -D FOREGROUND
}

@test "apache under runc: default config, -p 127.0.0.1:PORT:80, ab -n 20000 -c 50" {
	apache_check runc
}

@test "apache under cvisor: default config, -p 127.0.0.1:PORT:80, ab -n 20000 -c 50" {
	apache_check cvisor
}
