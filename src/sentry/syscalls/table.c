/* SPDX-License-Identifier: MIT */
/*
 * The one system call table: dispatch, --strace decoding, per-syscall
 * counters and the unsupported-syscall report all come from syscalls.def.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/sbuf.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

struct syscall_desc {
	const char *name;
	syscall_fn fn;
	const char *fmt;
};

static const struct syscall_desc table[NR_SYSCALLS] = {
#define SYS(nr, name, fmt) [nr] = { #name, sys_##name, fmt },
#define NOSYS(nr, name, fmt) [nr] = { #name, NULL, fmt },
#include "syscalls/syscalls.def"
#undef SYS
#undef NOSYS
};

static uint64_t calls[NR_SYSCALLS + 1], nanos[NR_SYSCALLS + 1];
static uint64_t reported[(NR_SYSCALLS + 63) / 64];

const char *syscall_name(long nr)
{
	return nr >= 0 && nr < NR_SYSCALLS && table[nr].name ? table[nr].name : NULL;
}

/*
 * Numbers outside the table (a fuzzer, a newer kernel's calls) are
 * remembered in a small set; past its size they are no longer reported.
 */
#define MAX_ODD_NRS 64
static long odd_nrs[MAX_ODD_NRS];
static int nr_odd;
static pthread_mutex_t odd_lock = PTHREAD_MUTEX_INITIALIZER;

static bool first_report(long nr)
{
	bool first = true;

	if (nr >= 0 && nr < NR_SYSCALLS) {
		uint64_t m = 1ULL << (nr % 64);

		return !(__atomic_fetch_or(&reported[nr / 64], m, __ATOMIC_RELAXED) & m);
	}
	pthread_mutex_lock(&odd_lock);
	for (int i = 0; i < nr_odd; i++)
		if (odd_nrs[i] == nr)
			first = false;
	if (first && nr_odd < MAX_ODD_NRS)
		odd_nrs[nr_odd++] = nr;
	else
		first = false;
	pthread_mutex_unlock(&odd_lock);
	return first;
}

/* Unimplemented: -ENOSYS, and one line on stderr the first time. */
static long unsupported(long nr)
{
	const char *name = syscall_name(nr);

	if (first_report(nr)) {
		if (name)
			dprintf(sandbox.opts.log_fd, "cvisor: unsupported syscall %s (%ld)\n",
				name, nr);
		else
			dprintf(sandbox.opts.log_fd, "cvisor: unsupported syscall %ld\n", nr);
	}
	return -ENOSYS;
}

/* --- strace --- */

static void put_bytes(struct sbuf *b, struct task *t, uint64_t addr, size_t len,
		      bool nul_ends)
{
	unsigned char buf[40];
	size_t n = len < 32 ? len : 32;

	if (copy_from_user(t->tg->mm, buf, addr, n)) {
		/* Maybe a string ending before an unmapped page. */
		long l = nul_ends ? strncpy_from_user(t->tg->mm, (char *)buf, addr, 33) : -1;

		if (l < 0) {
			sb_printf(b, "0x%lx", addr);
			return;
		}
		n = (size_t)l;
	}
	sb_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (nul_ends && !buf[i]) {
			sb_putc(b, '"');
			return;
		}
		if (buf[i] == '\n')
			sb_puts(b, "\\n");
		else if (buf[i] == '"' || buf[i] == '\\')
			sb_printf(b, "\\%c", buf[i]);
		else if (buf[i] >= 32 && buf[i] < 127)
			sb_putc(b, (char)buf[i]);
		else
			sb_printf(b, "\\x%02x", buf[i]);
	}
	sb_printf(b, "\"%s", len > n ? "..." : "");
}

static void put_arg(struct sbuf *b, struct task *t, char f, const struct syscall_args *a,
		    int i, long ret, bool done)
{
	uint64_t v = a->a[i];

	switch (f) {
	case 'd': case 'f': case 'S': sb_printf(b, "%d", (int)v); break;
	case 'u': sb_printf(b, "%lu", v); break;
	case 'm': sb_printf(b, "0%lo", v); break;
	case 'o': case 'x': sb_printf(b, "%#lx", v); break;
	case 'p': if (v) sb_printf(b, "0x%lx", v); else sb_puts(b, "NULL"); break;
	case 's': put_bytes(b, t, v, 4096, true); break;
	case 'b': put_bytes(b, t, v, i < 5 ? a->a[i + 1] : 0, false); break;
	case 'r':
		if (done && ret >= 0)
			put_bytes(b, t, v, (size_t)ret, false);
		else
			sb_printf(b, "0x%lx", v);
		break;
	default: sb_printf(b, "%#lx", v); break;
	}
}

/* A restart code, as strace shows it (signal.c turns it into EINTR or a restart). */
static const char *restart_name(long ret)
{
	switch (-ret) {
	case ERESTARTSYS: return "ERESTARTSYS (To be restarted if SA_RESTART is set)";
	case ERESTARTNOINTR: return "ERESTARTNOINTR (To be restarted)";
	case ERESTARTNOHAND: return "ERESTARTNOHAND (To be restarted if no handler)";
	case ERESTART_RESTARTBLOCK: return "ERESTART_RESTARTBLOCK (Interrupted by signal)";
	}
	return "?";
}

static void strace_line(struct task *t, const struct syscall_args *a, long ret)
{
	const struct syscall_desc *d = a->nr >= 0 && a->nr < NR_SYSCALLS ? &table[a->nr] : NULL;
	/* an implemented call's fmt is exact; others show six raw arguments */
	const char *fmt = d && d->fn ? d->fmt : "xxxxxx";
	struct sbuf b = { 0 };

	sb_printf(&b, "[pid %d] ", t->tid);
	if (d && d->name)
		sb_printf(&b, "%s(", d->name);
	else
		sb_printf(&b, "syscall_%ld(", a->nr);
	for (int i = 0; fmt[i] && i < 6; i++) {
		if (i)
			sb_puts(&b, ", ");
		put_arg(&b, t, fmt[i], a, i, ret, true);
	}
	if (a->nr == 60 || a->nr == 231)
		sb_puts(&b, ") = ?\n");
	else if (ret <= -ERESTARTSYS && ret >= -ERESTART_RESTARTBLOCK)
		sb_printf(&b, ") = ? %s\n", restart_name(ret));
	else if (ret < 0 && ret > -4096)
		sb_printf(&b, ") = -1 %s (%s)\n", strerrorname_np((int)-ret) ?: "?",
			  strerror((int)-ret));
	else if (ret >= 0 && ret < 0x10000)
		sb_printf(&b, ") = %ld\n", ret);
	else
		sb_printf(&b, ") = %#lx\n", ret);
	if (b.len && write(sandbox.opts.log_fd, b.p, b.len) < 0) {
		/* nowhere to report it */
	}
	sb_free(&b);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void syscall_dispatch(struct task *t)
{
	struct syscall_args *a = &t->args;
	uint64_t start = sandbox.opts.stats ? now_ns() : 0;
	size_t slot;
	long ret;

	a->nr = (long)t->regs.orig_rax;
	a->a[0] = t->regs.rdi;
	a->a[1] = t->regs.rsi;
	a->a[2] = t->regs.rdx;
	a->a[3] = t->regs.r10;
	a->a[4] = t->regs.r8;
	a->a[5] = t->regs.r9;
	slot = a->nr >= 0 && a->nr < NR_SYSCALLS ? (size_t)a->nr : NR_SYSCALLS;

	/* exit and exit_group never return: show them on entry */
	if (sandbox.opts.strace && (a->nr == 60 || a->nr == 231))
		strace_line(t, a, 0);
	int verdict = app_seccomp_check(t, a, &ret);

	if (verdict == SECCOMP_KILL_PROCESS)
		do_exit_group(t, W_EXITCODE(0, SIGSYS));
	else if (verdict == SECCOMP_KILL_THREAD)
		exit_thread(t, W_EXITCODE(0, SIGSYS));
	else if (verdict == SECCOMP_SKIP)
		;       /* the filters' answer (ERRNO, TRAP's SIGSYS, no tracer) */
	else if (slot < NR_SYSCALLS && table[slot].fn)
		ret = table[slot].fn(t, a);
	else
		ret = unsupported(a->nr);
	t->regs.rax = (uint64_t)ret;
	fasync_flush();                 /* SIGIO this call's wake-ups owe */
	if (sandbox.opts.strace && a->nr != 60 && a->nr != 231)
		strace_line(t, a, ret);
	__atomic_add_fetch(&calls[slot], 1, __ATOMIC_RELAXED);
	if (sandbox.opts.stats)
		__atomic_add_fetch(&nanos[slot], now_ns() - start, __ATOMIC_RELAXED);
}

void syscall_print_stats(int fd)
{
	uint64_t total = 0;

	dprintf(fd, "%-20s %10s %12s\n", "syscall", "calls", "mean ns");
	for (size_t i = 0; i <= NR_SYSCALLS; i++) {
		if (!calls[i])
			continue;
		total += calls[i];
		if (i < NR_SYSCALLS && table[i].name)
			dprintf(fd, "%-20s %10lu %12lu\n", table[i].name, calls[i],
				nanos[i] / calls[i]);
		else
			dprintf(fd, "%-20s %10lu %12lu\n", "(out of range)", calls[i],
				nanos[i] / calls[i]);
	}
	dprintf(fd, "%-20s %10lu\n", "total", total);
}
