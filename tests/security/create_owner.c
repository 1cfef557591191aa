/* SPDX-License-Identifier: MIT */
/*
 * create_owner DIR: as uid/gid 65534 and with umask 0, make two files, a
 * set-user-ID file, a directory, a sticky directory, a symbolic link in DIR
 * and a file in DIR/sg; rw_owner.bats
 * checks on the host who owns them.  Exit 0 if every create succeeded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fails;

static void check(int r, const char *what)
{
	if (r < 0) {
		printf("%s: %s\n", what, strerror(errno));
		fails++;
	}
}

int main(int argc, char **argv)
{
	if (argc != 2 || chdir(argv[1]))
		return 2;
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return 3;
	umask(0);
	check(open("file", O_CREAT | O_EXCL | O_RDWR, 0644), "file");
	check(open("wide", O_CREAT | O_EXCL | O_RDWR, 0666), "wide");
	check(open("suid", O_CREAT | O_EXCL | O_RDWR, 04755), "suid");
	check(mkdir("dir", 0755), "dir");
	check(mkdir("sticky", 01777), "sticky");
	check(symlink("file", "link"), "link");
	check(open("sg/file", O_CREAT | O_EXCL | O_RDWR, 0644), "sg/file");
	return fails ? 1 : 0;
}
