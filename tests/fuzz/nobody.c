/* SPDX-License-Identifier: MIT */
/*
 * nobody PROG [ARGS...]: become uid and gid 65534 with no supplementary
 * groups, then exec PROG.  Run inside the sandbox as root (make fuzz runs
 * trinity with it); it is not set-uid, and needs no capability outside.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: nobody PROG [ARGS...]\n");
		return 2;
	}
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534)) {
		perror("nobody");
		return 126;
	}
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
