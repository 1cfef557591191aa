/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_CLI_TTY_H
#define CVISOR_CLI_TTY_H

/*
 * process.terminal: a pty pair whose master goes to the engine over
 * --console-socket (as runc sends it) and whose slave becomes the
 * container's stdio.  Returns the slave fd or -errno.
 */
int tty_for_console(const char *socket_path, unsigned rows, unsigned cols);
void tty_make_controlling(int fd);

#endif
