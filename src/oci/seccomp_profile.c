/* SPDX-License-Identifier: MIT */
/*
 * linux.seccomp of a config.json, compiled with libseccomp into a classic
 * BPF program that the sentry runs on every application syscall
 * (kernel/seccomp.c).  The profile is never loaded into the host kernel:
 * the application's calls do not reach it.
 */
#include <errno.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "oci/seccomp_profile.h"

static int action_of(const char *name, json_t *errno_ret, uint32_t dflt_errno, uint32_t *out)
{
	uint32_t e = json_is_integer(errno_ret) ? (uint32_t)json_integer_value(errno_ret)
						: dflt_errno;

	if (!strcmp(name, "SCMP_ACT_ALLOW"))
		*out = SCMP_ACT_ALLOW;
	else if (!strcmp(name, "SCMP_ACT_ERRNO"))
		*out = SCMP_ACT_ERRNO(e);
	else if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
		*out = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
		*out = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(name, "SCMP_ACT_TRAP"))
		*out = SCMP_ACT_TRAP;
	else if (!strcmp(name, "SCMP_ACT_LOG"))
		*out = SCMP_ACT_LOG;
	else if (!strcmp(name, "SCMP_ACT_TRACE") || !strcmp(name, "SCMP_ACT_NOTIFY"))
		*out = SCMP_ACT_ERRNO(ENOSYS);  /* no tracer, no agent in the sandbox */
	else
		return -1;
	return 0;
}

static int op_of(const char *name, enum scmp_compare *out)
{
	static const struct { const char *n; enum scmp_compare op; } ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(name, ops[i].n)) {
			*out = ops[i].op;
			return 0;
		}
	return -1;
}

/* One syscalls[] entry: its names, action and argument tests. */
static int add_rule(scmp_filter_ctx ctx, json_t *r, size_t i, uint32_t dflt_errno,
		    char *err, size_t len)
{
	json_t *names = json_object_get(r, "names"), *args = json_object_get(r, "args"), *v;
	const char *act = json_string_value(json_object_get(r, "action"));
	struct scmp_arg_cmp cmp[6];
	unsigned ncmp = 0;
	uint32_t action;
	size_t k;

	if (!act || action_of(act, json_object_get(r, "errnoRet"), dflt_errno, &action)) {
		snprintf(err, len, "linux.seccomp.syscalls[%zu].action: unknown '%s'", i,
			 act ? act : "(missing)");
		return -1;
	}
	json_array_foreach(args, k, v) {
		enum scmp_compare op;
		const char *opn = json_string_value(json_object_get(v, "op"));

		if (ncmp == 6 || !opn || op_of(opn, &op)) {
			snprintf(err, len, "linux.seccomp.syscalls[%zu].args[%zu]: bad op", i, k);
			return -1;
		}
		cmp[ncmp++] = (struct scmp_arg_cmp){
			(unsigned)json_integer_value(json_object_get(v, "index")), op,
			(scmp_datum_t)json_integer_value(json_object_get(v, "value")),
			(scmp_datum_t)json_integer_value(json_object_get(v, "valueTwo")),
		};
	}
	json_array_foreach(names, k, v) {
		int nr = seccomp_syscall_resolve_name(json_string_value(v) ? json_string_value(v) : "");

		if (nr == __NR_SCMP_ERROR)
			continue;       /* a call this libseccomp does not know: runc skips it too */
		if (seccomp_rule_add_array(ctx, action, nr, ncmp, cmp) < 0 &&
		    seccomp_rule_add_exact_array(ctx, action, nr, ncmp, cmp) < 0)
			continue;       /* e.g. the default action again: nothing to add */
	}
	return 0;
}

int oci_seccomp_compile(const char *profile, struct sock_filter **prog, size_t *n,
			char *err, size_t len)
{
	json_t *j = json_loads(profile, 0, NULL), *rules, *r;
	const char *dflt = json_string_value(json_object_get(j, "defaultAction"));
	uint32_t dflt_errno = 1, action;
	scmp_filter_ctx ctx;
	int fd, ret = -1;
	size_t i;

	if (json_is_integer(json_object_get(j, "defaultErrnoRet")))
		dflt_errno = (uint32_t)json_integer_value(json_object_get(j, "defaultErrnoRet"));
	if (!dflt || action_of(dflt, NULL, dflt_errno, &action)) {
		snprintf(err, len, "linux.seccomp.defaultAction: unknown '%s'", dflt ? dflt : "(missing)");
		json_decref(j);
		return -1;
	}
	ctx = seccomp_init(action);
	/* the filter only ever runs in the sentry: no NNP or TSYNC needed */
	rules = json_object_get(j, "syscalls");
	json_array_foreach(rules, i, r)
		if (add_rule(ctx, r, i, dflt_errno, err, len))
			goto out;
	fd = memfd_create("cvisor-seccomp", MFD_CLOEXEC);
	if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0) {
		snprintf(err, len, "linux.seccomp: cannot compile the profile");
		goto out_fd;
	}
	*n = (size_t)lseek(fd, 0, SEEK_END) / sizeof(struct sock_filter);
	*prog = malloc(*n * sizeof(struct sock_filter));
	if (*prog && pread(fd, *prog, *n * sizeof(struct sock_filter), 0) ==
			     (ssize_t)(*n * sizeof(struct sock_filter)))
		ret = 0;
out_fd:
	if (fd >= 0)
		close(fd);
out:
	seccomp_release(ctx);
	json_decref(j);
	return ret;
}
