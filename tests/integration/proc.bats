#!/usr/bin/env bats
# The sandbox's /proc (src/sentry/fs/proc/): every file of a process and of
# the system reads without error, and what it says agrees with what the
# process knows of itself.

bats_require_minimum_version 1.5.0

setup_file() {
	export BUILD=${BUILD:-build}
	export CVISOR=$BUILD/cvisor
	[ -x "$CVISOR" ] || { echo "no $CVISOR" >&2; return 1; }
}

# cdo SCRIPT: run a /bin/sh script in the sandbox.
cdo() {
	"$CVISOR" do $CVISOR_DO_FLAGS -- /bin/sh -c "$1"
}

@test "every file under /proc/self, its task/TID, /proc and /proc/sys reads; every directory lists" {
	# Prints "bad KIND PATH" for a failure, then how many of each it read.
	run -0 --separate-stderr cdo '
		files=0 dirs=0 links=0
		check() {
			for f in "$@"; do
				[ -e "$f" ] || [ -L "$f" ] || continue
				if [ -L "$f" ]; then
					readlink "$f" >/dev/null || echo "bad link $f"
					links=$((links + 1))
				elif [ -d "$f" ]; then
					ls "$f" >/dev/null || echo "bad dir $f"
					dirs=$((dirs + 1))
				else
					cat "$f" >/dev/null || echo "bad file $f"
					files=$((files + 1))
				fi
			done
		}
		check /proc/* /proc/sys/* /proc/sys/*/* /proc/sys/*/*/* /proc/sys/*/*/*/*
		check /proc/$$/* /proc/$$/task/$$/* /proc/$$/fd/* /proc/$$/fdinfo/*
		check /proc/$$/task/$$/fd/* /proc/$$/task/$$/fdinfo/*
		echo "files $files dirs $dirs links $links"'
	echo "$output"
	[[ "$output" != *bad* ]]
	# the tables: 17 files, 3 links in each of /proc/PID and task/TID,
	# their fd/, fdinfo/ and task/; fd 0-2 at least; the system files
	read -r _ files _ dirs _ links <<<"${lines[-1]}"
	[ "$files" -ge 60 ] && [ "$dirs" -ge 13 ] && [ "$links" -ge 12 ]
}

@test "stat, status, statm, comm, cmdline and environ say what the process knows of itself" {
	run -0 --separate-stderr env -i FOO=bar "$CVISOR" do $CVISOR_DO_FLAGS -- /bin/sh -c '
		read -r pid comm state ppid rest < /proc/$$/stat
		echo "stat $pid $comm $state $ppid"
		grep -E "^(Name|Pid|Tgid|Threads|Uid):" /proc/$$/status | tr -s "\t" " "
		echo "id $$ $(id -u)"
		# VmSize in kB, statm size in pages: the same address space
		vm=$(sed -n "s/^VmSize:[[:space:]]*\([0-9]*\) kB/\1/p" /proc/$$/status)
		read -r pages rest < /proc/$$/statm
		[ "$vm" -gt 0 ] && [ $((vm / 4)) = "$pages" ] && echo "statm agrees"
		echo "comm $(cat /proc/$$/comm)"
		cat /proc/self/cmdline | tr "\0" ","; echo
		tr "\0" "\n" < /proc/self/environ | grep "^FOO="'
	echo "$output"
	uid=$(id -u)
	[ "${lines[0]}" = "stat 1 (sh) R 0" ]
	[ "${lines[1]}" = "Name: sh" ]
	[ "${lines[2]}" = "Tgid: 1" ]
	[ "${lines[3]}" = "Pid: 1" ]
	[ "${lines[4]}" = "Uid: $uid $uid $uid $uid" ]
	[ "${lines[5]}" = "Threads: 1" ]
	[ "${lines[6]}" = "id 1 $uid" ]
	[ "${lines[7]}" = "statm agrees" ]
	[ "${lines[8]}" = "comm sh" ]
	[ "${lines[9]}" = "cat,/proc/self/cmdline," ]
	[ "${lines[10]}" = "FOO=bar" ]
}

@test "maps, fd, fdinfo, limits, mounts and the system files agree with the sandbox" {
	run -0 --separate-stderr cdo '
		exec 7</etc/hostname 8>/tmp/w
		readlink /proc/$$/fd/7
		# the access mode, and no O_CLOEXEC
		for fd in 7 8; do
			flags=$(sed -n "s/^flags:[[:space:]]*//p" /proc/$$/fdinfo/$fd)
			echo "$fd $((0$flags & 3)) $((0$flags & 02000000))"
		done
		cd /etc && readlink /proc/$$/cwd /proc/$$/root
		grep -c "\[stack\]$" /proc/$$/maps
		grep -c "\[vdso\]$" /proc/$$/maps
		grep "^Max open files" /proc/$$/limits | tr -s " " | cut -d" " -f4
		ulimit -n
		grep -c "^proc /proc proc " /proc/mounts
		ls /proc/$$/task
		cat /proc/sys/kernel/hostname
		uname -n
		cat /proc/sys/kernel/osrelease
		uname -r
		[ "$(readlink /proc/self)" != "$$" ] && echo "self is the reader"'
	echo "$output"
	[ "${lines[0]}" = /etc/hostname ]
	[ "${lines[1]}" = "7 0 0" ]
	[ "${lines[2]}" = "8 1 0" ]
	[ "${lines[3]}" = /etc ]
	[ "${lines[4]}" = / ]
	[ "${lines[5]}" = 1 ]
	[ "${lines[6]}" = 1 ]
	[ "${lines[7]}" = "${lines[8]}" ]
	[ "${lines[9]}" = 1 ]
	[ "${lines[10]}" = 1 ]
	[ "${lines[11]}" = "${lines[12]}" ]
	[ "${lines[13]}" = "${lines[14]}" ]
	[ "${lines[15]}" = "self is the reader" ]
}

@test "procps and util-linux see the sandbox's processes: ps's RSS and elapsed time, vmstat, prlimit --pid, no unsupported call" {
	# ps reads RSS from /proc/PID/stat and statm (the host's count for
	# the process's address space), its start from stat's starttime; it
	# and top call get_mempolicy through libnuma; vmstat needs
	# /proc/vmstat; prlimit --pid reads another process's limits.
	run -0 --separate-stderr cdo '
		sleep 3 & s=$!
		sleep 1.2
		ps -o rss=,etimes= -p $s
		vmstat 1 1 >/dev/null && echo vmstat ok
		prlimit --pid $s --nofile=100:200 && prlimit --pid $s --nofile --noheadings --raw
		kill $s'
	echo "$output"
	echo "$stderr"
	read -r rss etimes <<<"${lines[0]}"
	[ "$rss" -gt 0 ]
	[ "$etimes" -ge 1 ]
	[ "${lines[1]}" = "vmstat ok" ]
	[[ "${lines[2]}" =~ ^NOFILE\ .*\ 100\ 200\ files$ ]]
	! grep -q "unsupported syscall" <<<"$stderr"
}
