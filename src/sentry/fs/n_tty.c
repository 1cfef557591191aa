/* SPDX-License-Identifier: MIT */
/*
 * The line discipline of the sentry's pseudo-terminals, Linux's n_tty
 * (drivers/tty/n_tty.c) in its common parts: input processing (ISTRIP,
 * INLCR, IGNCR, ICRNL, IXON), the signals of ISIG, canonical line editing
 * (VERASE, VKILL, VWERASE, VLNEXT, VEOF, VEOL), echo (ECHO, ECHOE, ECHOK,
 * ECHOKE, ECHONL, ECHOCTL) and output processing (OPOST with ONLCR, OCRNL,
 * ONOCR, ONLRET, XTABS).  Not done: parity and break handling, VREPRINT,
 * VDISCARD, IUTF8's erase of a whole character, the packet mode.
 *
 * Pure state: the pty (fs/pty.c) holds its lock around every call, sends
 * the signals returned and wakes its waiters.
 */
#include <signal.h>
#include <string.h>
#include <termios.h>

#include "fs/tty.h"
#include "kernel/kernel.h"

#define N_EOL 1                 /* a line ends at this byte */
#define N_EOF 2                 /* the EOF character: ends a line, is not read */

#define L(l, f) ((l)->tio.c_lflag & (f))
#define I(l, f) ((l)->tio.c_iflag & (f))
#define O(l, f) ((l)->tio.c_oflag & (f))
#define CC(l, i) ((l)->tio.c_cc[i])

void n_tty_init(struct n_tty *l)
{
	static const uint8_t cc[19] = {
		[VINTR] = 3, [VQUIT] = 28, [VERASE] = 127, [VKILL] = 21, [VEOF] = 4,
		[VMIN] = 1, [VSTART] = 17, [VSTOP] = 19, [VSUSP] = 26, [VREPRINT] = 18,
		[VDISCARD] = 15, [VWERASE] = 23, [VLNEXT] = 22,
	};

	memset(l, 0, sizeof(*l));
	/* Linux's tty_std_termios */
	l->tio.c_iflag = ICRNL | IXON;
	l->tio.c_oflag = OPOST | ONLCR;
	l->tio.c_cflag = B38400 | CS8 | CREAD;      /* the pts driver's: no HUPCL */
	l->tio.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	memcpy(l->tio.c_cc, cc, sizeof(cc));
}

/* A control character of c_cc, if it is enabled (_POSIX_VDISABLE is 0). */
static bool is_cc(const struct n_tty *l, unsigned char c, int i)
{
	return CC(l, i) && c == CC(l, i);
}

/* --- output ---------------------------------------------------------- */

static size_t out_room(const struct n_tty *l)
{
	return N_TTY_OUT - l->out_len;
}

static void out_put(struct n_tty *l, unsigned char c)
{
	l->out[(l->out_head + l->out_len++) % N_TTY_OUT] = c;
}

/*
 * One character through OPOST (do_output_char): false if it does not fit.
 * Every expansion is at most 8 bytes (a tab), checked before any is put.
 */
static bool opost(struct n_tty *l, unsigned char c)
{
	unsigned spaces;

	if (out_room(l) < 8)
		return false;
	if (!O(l, OPOST)) {
		out_put(l, c);
		return true;
	}
	switch (c) {
	case '\n':
		if (O(l, ONLRET))
			l->column = 0;
		if (O(l, ONLCR)) {
			l->column = 0;
			out_put(l, '\r');
		}
		break;
	case '\r':
		if (O(l, ONOCR) && l->column == 0)
			return true;
		if (O(l, OCRNL)) {
			c = '\n';
			if (O(l, ONLRET))
				l->column = 0;
			break;
		}
		l->column = 0;
		break;
	case '\t':
		spaces = 8 - (l->column & 7);
		if ((l->tio.c_oflag & TABDLY) == XTABS) {
			l->column += spaces;
			while (spaces--)
				out_put(l, ' ');
			return true;
		}
		l->column += spaces;
		break;
	case '\b':
		if (l->column > 0)
			l->column--;
		break;
	default:
		if (c >= 0x20 && c != 0x7f)
			l->column++;
	}
	out_put(l, c);
	return true;
}

/* Echo c: a control character as ^X with ECHOCTL (echo_char). */
static void echo_char(struct n_tty *l, unsigned char c)
{
	if (L(l, ECHOCTL) && (c < 0x20 || c == 0x7f) && c != '\t' && c != '\n' &&
	    !is_cc(l, c, VSTART) && !is_cc(l, c, VSTOP)) {
		opost(l, '^');
		opost(l, c == 0x7f ? '?' : c ^ 0x40);
	} else {
		opost(l, c);
	}
}

size_t n_tty_write(struct n_tty *l, const unsigned char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n && !l->stopped; i++)
		if (!opost(l, buf[i]))
			break;
	return i;
}

bool n_tty_write_room(const struct n_tty *l)
{
	return !l->stopped && out_room(l) >= 8;
}

size_t n_tty_out_read(struct n_tty *l, unsigned char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n && l->out_len; i++, l->out_len--) {
		buf[i] = l->out[l->out_head];
		l->out_head = (l->out_head + 1) % N_TTY_OUT;
	}
	return i;
}

/* --- input ----------------------------------------------------------- */

static size_t in_pos(const struct n_tty *l, size_t i)
{
	return (l->in_head + i) % N_TTY_BUF;
}

static void in_put(struct n_tty *l, unsigned char c, uint8_t flags)
{
	size_t p = in_pos(l, l->in_len++);

	l->in[p] = c;
	l->in_flags[p] = flags;
	if (flags || !L(l, ICANON))
		l->canon = l->in_len;   /* a line is complete; raw: all is readable */
}

/* The last character of the line being edited, or -1 if it is empty. */
static int line_last(const struct n_tty *l)
{
	return l->in_len > l->canon ? l->in[in_pos(l, l->in_len - 1)] : -1;
}

/* Erase one character of the line (VERASE), echoed as ECHOE wants. */
static void erase_one(struct n_tty *l)
{
	int c = line_last(l);

	if (c < 0)
		return;
	l->in_len--;
	if (!L(l, ECHO))
		return;
	if (!L(l, ECHOE)) {
		echo_char(l, CC(l, VERASE));
		return;
	}
	/* a control character took two columns (^X) */
	for (int k = L(l, ECHOCTL) && (c < 0x20 || c == 0x7f) ? 2 : 1; k; k--) {
		opost(l, '\b');
		opost(l, ' ');
		opost(l, '\b');
	}
}

/* VKILL and VWERASE (eraser): the whole line, or the last word. */
static void erase_line(struct n_tty *l, bool word)
{
	int c;

	if (!word && L(l, ECHO) && !L(l, ECHOKE)) {
		l->in_len = l->canon;
		echo_char(l, CC(l, VKILL));
		if (L(l, ECHOK))
			opost(l, '\n');
		return;
	}
	while (word && (c = line_last(l)) == ' ')
		erase_one(l);
	while ((c = line_last(l)) >= 0 && (!word || c != ' '))
		erase_one(l);
}

/* ISIG: the signal for c, or 0. */
static int isig(const struct n_tty *l, unsigned char c)
{
	if (!L(l, ISIG))
		return 0;
	if (is_cc(l, c, VINTR))
		return SIGINT;
	if (is_cc(l, c, VQUIT))
		return SIGQUIT;
	if (is_cc(l, c, VSUSP))
		return SIGTSTP;
	return 0;
}

/* A character in canonical mode (n_tty_receive_char_special's half). */
static void receive_canon(struct n_tty *l, unsigned char c)
{
	bool full = l->in_len >= N_TTY_BUF - 1;       /* one left for a newline */

	if (is_cc(l, c, VERASE)) {
		erase_one(l);
	} else if (is_cc(l, c, VKILL)) {
		erase_line(l, false);
	} else if (is_cc(l, c, VWERASE) && L(l, IEXTEN)) {
		erase_line(l, true);
	} else if (is_cc(l, c, VLNEXT) && L(l, IEXTEN)) {
		l->lnext = true;
		if (L(l, ECHO) && L(l, ECHOCTL)) {
			opost(l, '^');
			opost(l, '\b');
		}
	} else if (c == '\n' || is_cc(l, c, VEOL) || (is_cc(l, c, VEOL2) && L(l, IEXTEN))) {
		if (L(l, ECHO) || (c == '\n' && L(l, ECHONL)))
			echo_char(l, c);
		if (l->in_len < N_TTY_BUF)
			in_put(l, c, N_EOL);
	} else if (is_cc(l, c, VEOF)) {
		if (l->in_len < N_TTY_BUF)
			in_put(l, c, N_EOL | N_EOF);
	} else if (!full) {
		if (L(l, ECHO))
			echo_char(l, c);
		in_put(l, c, 0);
	}
}

/* Can one more character be taken?  In canonical mode a line without its
 * end is never blocked on: its erase characters must get through, the
 * rest is dropped when full (n_tty_receive_buf_common). */
bool n_tty_receive_room(const struct n_tty *l)
{
	if (l->in_len < N_TTY_BUF - 1)
		return true;
	return L(l, ICANON) && l->canon == 0;
}

size_t n_tty_receive(struct n_tty *l, const unsigned char *buf, size_t n, uint64_t *sigs)
{
	size_t i;

	for (i = 0; i < n && n_tty_receive_room(l); i++) {
		unsigned char c = buf[i];
		int sig;

		if (I(l, ISTRIP))
			c &= 0x7f;
		if (l->lnext) {         /* literal: no special meaning */
			l->lnext = false;
			if (L(l, ECHO) && L(l, ECHOCTL))
				opost(l, '\b');
			if (L(l, ECHO))
				echo_char(l, c);
			if (l->in_len < N_TTY_BUF - 1)
				in_put(l, c, 0);
			continue;
		}
		if (I(l, IXON)) {
			if (is_cc(l, c, VSTOP)) {
				l->stopped = true;
				continue;
			}
			if (is_cc(l, c, VSTART)) {
				l->stopped = false;
				continue;
			}
			if (I(l, IXANY))
				l->stopped = false;
		}
		if ((sig = isig(l, c))) {
			*sigs |= SIGBIT(sig);
			if (!L(l, NOFLSH))
				n_tty_flush(l, TCIOFLUSH);
			if (L(l, ECHO))
				echo_char(l, c);
			continue;
		}
		if (c == '\r') {
			if (I(l, IGNCR))
				continue;
			if (I(l, ICRNL))
				c = '\n';
		} else if (c == '\n' && I(l, INLCR)) {
			c = '\r';
		}
		if (L(l, ICANON)) {
			receive_canon(l, c);
			continue;
		}
		if (L(l, ECHO))
			echo_char(l, c);
		in_put(l, c, 0);
	}
	return i;
}

bool n_tty_readable(const struct n_tty *l)
{
	return l->canon > 0;
}

size_t n_tty_read(struct n_tty *l, unsigned char *buf, size_t n)
{
	size_t got = 0;

	while (l->canon && got < n) {
		size_t p = l->in_head;
		uint8_t flags = l->in_flags[p];

		if (!(flags & N_EOF))
			buf[got++] = l->in[p];
		l->in_head = (p + 1) % N_TTY_BUF;
		l->in_len--;
		l->canon--;
		if ((flags & N_EOL) && L(l, ICANON))
			break;          /* one line a read */
	}
	return got;
}

size_t n_tty_inq(const struct n_tty *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->canon; i++)
		n += !(l->in_flags[in_pos(l, i)] & N_EOF);
	return n;
}

void n_tty_set_termios(struct n_tty *l, const struct k_termios *t)
{
	bool was_canon = L(l, ICANON);

	l->tio = *t;
	if (was_canon && !L(l, ICANON)) {
		l->canon = l->in_len;           /* all of it is readable now */
	} else if (!was_canon && L(l, ICANON) && l->in_len) {
		/* what was typed becomes one line (n_tty_set_termios) */
		l->in_flags[in_pos(l, l->in_len - 1)] |= N_EOL;
		l->canon = l->in_len;
	}
	if (!I(l, IXON))
		l->stopped = false;
}

void n_tty_flush(struct n_tty *l, int queue)
{
	if (queue == TCIFLUSH || queue == TCIOFLUSH) {
		l->in_len = l->canon = 0;
		l->lnext = false;
	}
	if (queue == TCOFLUSH || queue == TCIOFLUSH)
		l->out_len = 0;
}
