# tests/integration/rootfs.bash: a root file system made from the host's
# installed Debian packages, for `docker import` (no registry is reachable,
# ../../shared/ENVIRONMENT.md): the packages' files as dpkg lists them, the
# shared libraries their programs load (ldd), the extra paths given
# (configuration that postinst scripts made, such as a site symlink), the
# user and group files, and busybox as /bin/sh.  Merged /usr as Debian 12:
# /bin, /sbin, /lib, /lib64 are links into /usr.
#
#   app_rootfs DIR "PKG..." [PATH...]

app_rootfs() {
	local dir=$1 pkgs=$2 p f
	shift 2
	mkdir -p "$dir/usr/bin" "$dir/usr/sbin" "$dir/usr/lib" "$dir/usr/lib64" "$dir/etc" \
		"$dir/tmp" "$dir/run" "$dir/var/log" "$dir/proc" "$dir/sys" "$dir/dev"
	chmod 1777 "$dir/tmp"
	for p in bin sbin lib lib64; do [ -e "$dir/$p" ] || ln -s "usr/$p" "$dir/$p"; done
	for p in $pkgs; do
		dpkg -L "$p" >/dev/null || return 1
		dpkg -L "$p" | while read -r f; do
			[ -d "$f" ] && [ ! -L "$f" ] && { mkdir -p "$dir$f"; continue; }
			[ -e "$f" ] || [ -L "$f" ] || continue
			case $f in /usr/share/doc/* | /usr/share/man/*) continue ;; esac
			cp -a --parents "$f" "$dir"
		done
	done
	for f in "$@" /etc/passwd /etc/group /etc/nsswitch.conf /etc/hosts; do
		[ -e "$f" ] && cp -a --parents "$f" "$dir"
	done
	# every shared library of every ELF file there, and the loader
	find "$dir" -type f -perm -u+x -o -type f -name '*.so*' | while read -r f; do
		# not every file is an ELF file: ldd and grep fail on the others,
		# which must not end the loop under bats' errexit
		ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true
	done | sort -u | while read -r f; do
		[ -e "$dir$f" ] || cp -L --parents "$f" "$dir"
	done
	cp /bin/busybox "$dir/usr/bin/busybox"
	[ -e "$dir/usr/bin/sh" ] || ln -s busybox "$dir/usr/bin/sh"
}
