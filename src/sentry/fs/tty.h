/* SPDX-License-Identifier: MIT */
/*
 * The sentry's terminals: the line discipline (fs/n_tty.c) and the
 * pseudo-terminal pairs of devpts (fs/pty.c, fs/devpts.c).
 */
#ifndef CVISOR_FS_TTY_H
#define CVISOR_FS_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

/* struct termios as the kernel has it (glibc's is larger: 60 bytes);
 * termios2 adds the two speeds (TCGETS2). */
struct k_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[19];
};

struct k_termios2 {
	struct k_termios t;
	uint32_t c_ispeed, c_ospeed;
};

/* <asm/termbits.h>'s, which glibc's headers leave incomplete */
#define K_TCGETS2 _IOR('T', 0x2A, struct k_termios2)
#define K_TCSETS2 _IOW('T', 0x2B, struct k_termios2)
#define K_TCSETSW2 _IOW('T', 0x2C, struct k_termios2)
#define K_TCSETSF2 _IOW('T', 0x2D, struct k_termios2)

#define N_TTY_BUF 4096          /* input, as Linux's N_TTY_BUF_SIZE */
#define N_TTY_OUT 8192          /* output the master has not read yet */

/*
 * Linux's n_tty: input the master wrote, processed (ICRNL, ISIG, the
 * canonical line editing, echo) for the slave to read; output the slave
 * wrote, processed (OPOST, ONLCR) for the master to read.  No lock of its
 * own: the pty's lock guards it, and whoever calls it wakes the waiters.
 */
struct n_tty {
	struct k_termios tio;
	struct winsize ws;
	/* input: a ring; the first `canon` bytes are complete lines */
	unsigned char in[N_TTY_BUF];
	uint8_t in_flags[N_TTY_BUF];    /* N_EOL, N_EOF for each byte */
	size_t in_head, in_len, canon;
	/* output: a ring the master reads */
	unsigned char out[N_TTY_OUT];
	size_t out_head, out_len;
	unsigned column;                /* for tabs and erase */
	bool lnext;                     /* VLNEXT: the next character is literal */
	bool stopped;                   /* IXON: VSTOP came, output waits */
};

void n_tty_init(struct n_tty *l);
/* The master wrote buf: how much was taken (less if the input is full);
 * the signals ISIG raised are added to *sigs (SIGBIT). */
size_t n_tty_receive(struct n_tty *l, const unsigned char *buf, size_t n, uint64_t *sigs);
/* Can the slave read now (a line, in canonical mode; a byte, in raw)? */
bool n_tty_readable(const struct n_tty *l);
/* The slave reads up to n: one line at most in canonical mode (0 at an
 * end-of-file), else what there is. */
size_t n_tty_read(struct n_tty *l, unsigned char *buf, size_t n);
/* Bytes the slave could read (FIONREAD): complete lines in canonical mode. */
size_t n_tty_inq(const struct n_tty *l);
/* The slave writes buf: how much was taken (less if the output is full). */
size_t n_tty_write(struct n_tty *l, const unsigned char *buf, size_t n);
bool n_tty_write_room(const struct n_tty *l);
/* The master reads the processed output. */
size_t n_tty_out_read(struct n_tty *l, unsigned char *buf, size_t n);
/* Would a master write be taken now? */
bool n_tty_receive_room(const struct n_tty *l);
void n_tty_set_termios(struct n_tty *l, const struct k_termios *t);
/* TCFLSH: TCIFLUSH, TCOFLUSH or TCIOFLUSH. */
void n_tty_flush(struct n_tty *l, int queue);

struct dentry;
struct file;
struct pty;
/* fs/devpts.c: the slave of a pty whose master is f, as a new file
 * (TIOCGPTPEER): its dentry in master's devpts. */
int devpts_peer_dentry(struct file *master, int index, struct dentry **out);
/* Free the index and the /dev/pts node of a pty whose master closed. */
void devpts_kill(struct pty *p);
/* fs/pty.c */
struct devpts;
struct pty *pty_new(struct devpts *fs, int index);
int pty_open_master(struct pty *p, struct file *f);
int pty_open_slave(struct pty *p, struct file *f);
int pty_index(const struct pty *p);
struct tty_job *pty_job(struct pty *p);
struct devpts *pty_devpts(const struct pty *p);

#endif
