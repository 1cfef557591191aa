/* SPDX-License-Identifier: MIT */
/*
 * /proc/net/unix, as Linux's unix_seq_show prints it: every AF_UNIX socket
 * of the sandbox, not yet accepted connections included.  The kernel
 * address in the first column is zeros, as Linux shows it to a reader
 * without CAP_SYSLOG (kptr_restrict).
 */
#include <stdio.h>

#include "lib/sbuf.h"
#include "net/net.h"
#include "net/unix/unix.h"

#define SO_ACCEPTCON_FLAG (1 << 16)     /* __SO_ACCEPTCON */
enum { SS_UNCONN = 1, SS_CONN = 3 };

int proc_net_unix(struct sbuf *b)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 2];

	sb_puts(b, "Num       RefCount Protocol Flags    Type St Inode Path\n");
	pthread_mutex_lock(&unix_lock);
	for (struct unix_sock *u = unix_all; u; u = u->all_next) {
		if (u->dead)
			continue;
		sb_printf(b, "%016x: %08X %08X %08X %04X %02X %5lu", 0, (unsigned)u->refs + 1, 0,
			  u->state == US_LISTEN ? SO_ACCEPTCON_FLAG : 0, (unsigned)u->type,
			  u->state == US_CONNECTED ? SS_CONN : SS_UNCONN,
			  u->sock ? (unsigned long)sock_ino(u->sock) : 0UL);
		if (u->addr) {
			unix_addr_show(u->addr, path, sizeof(path));
			sb_printf(b, " %s", path);
		}
		sb_putc(b, '\n');
	}
	pthread_mutex_unlock(&unix_lock);
	return 0;
}
