#!/usr/bin/env bats
# The ELF loader and the new address space of an execve (issue 16 item 4):
# programs whose layout the usual gcc output does not cover, run natively
# and in the sandbox from the host file system (--rw), as the same file.

bats_require_minimum_version 1.5.0

setup_file() {
	export BUILD=${BUILD:-build}
	export CVISOR=$BUILD/cvisor
	[ -x "$CVISOR" ] || { echo "no $CVISOR" >&2; return 1; }
}

setup() {
	TMP=$(mktemp -d)
}

teardown() {
	rm -rf "$TMP"
}

# tiny_elf FILE: a 132-byte static x86_64 program of one read+execute
# segment, no data and no bss (p_filesz == p_memsz), that exits with 42.
tiny_elf() {
	{
		# ELF header: 64-bit, little-endian, ET_EXEC, x86_64, entry 0x400078
		printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00'
		printf '\x02\x00\x3e\x00\x01\x00\x00\x00\x78\x00\x40\x00\x00\x00\x00\x00'
		printf '\x40\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
		printf '\x00\x00\x00\x00\x40\x00\x38\x00\x01\x00\x00\x00\x00\x00\x00\x00'
		# PT_LOAD, R+X, offset 0 at 0x400000, 0x84 bytes in the file and in memory
		printf '\x01\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
		printf '\x00\x00\x40\x00\x00\x00\x00\x00\x00\x00\x40\x00\x00\x00\x00\x00'
		printf '\x84\x00\x00\x00\x00\x00\x00\x00\x84\x00\x00\x00\x00\x00\x00\x00'
		printf '\x00\x10\x00\x00\x00\x00\x00\x00'
		# mov $60, %eax; mov $42, %edi; syscall
		printf '\xb8\x3c\x00\x00\x00\xbf\x2a\x00\x00\x00\x0f\x05'
	} > "$1"
	chmod +x "$1"
}

@test "a program with no bss, from the host file system, runs: exit 42 as natively" {
	tiny_elf "$TMP/tiny"
	[ "$(stat -c %s "$TMP/tiny")" = 132 ]
	run -42 "$TMP/tiny"
	# its mapping of the file must not outlive the file's host fd: the
	# loader closes it before the new process's mappings are all made
	run -42 "$CVISOR" do $CVISOR_DO_FLAGS --rw "$TMP" -- "$TMP/tiny"
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS --rw "$TMP" -- /bin/sh -c \
		"$TMP/tiny; echo \$?"
	[ "$output" = 42 ]
}
