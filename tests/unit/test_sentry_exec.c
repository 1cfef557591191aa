/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the sentry_run codec (src/sandbox/sentry_exec.c): what
 * the CLI sets must be what the exec'd sentry reads, field for field.
 */
#include <errno.h>
#include <linux/filter.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cmocka.h>

#include "sandbox/confine.h"
#include "sandbox/sentry_exec.h"
#include "sentry.h"

static void assert_strv_equal(char *const *a, char *const *b)
{
	int i;

	for (i = 0; a[i]; i++)
		assert_string_equal(a[i], b[i]);
	assert_null(b[i]);
}

/* A run with every field set to something other than its zero value. */
static void every_field_round_trips(void **state)
{
	(void)state;
	static char *rw[] = { "/work/a", "/work/b" };
	static char *const argv[] = { "/bin/sh", "-c", "echo 'hi' \"there\"", NULL };
	static char *const envp[] = { "PATH=/bin", "X=a=b", "EMPTY=", NULL };
	static const char *const masked[] = { "/proc/kcore", NULL };
	static const char *const readonly[] = { "/proc/sys", "/proc/bus", NULL };
	static const struct sentry_mount mounts[] = {
		{ .dest = "/data", .type = "bind", .source = "/srv/data", .ro = true, .nosuid = true },
		{ .dest = "/tmp", .type = "tmpfs", .source = "tmpfs", .mode = 01777 },
	};
	const struct sentry_device devices[] = {
		{ "/dev/fuse", S_IFCHR | 0666, makedev(10, 229), 0, 0 },
		{ "/dev/loop9", S_IFBLK | 0660, makedev(7, 9), 10, 6 },
	};
	static const struct sentry_rlimit rlimits[] = {
		{ RLIMIT_NOFILE, { 1024, 4096 } }, { RLIMIT_CORE, { 0, RLIM_INFINITY } },
	};
	static const uint32_t gids[] = { 10, 20, 65534 };
	static const struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0x7fff0000),
	};
	const struct sentry_run in = {
		.strace = true, .stats = true, .host_uds = true, .prog_path = "/bin/sh", .root = "/srv/root",
		.rw = rw, .nr_rw = 2, .argv = argv, .envp = envp, .container = true,
		.root_ro = true, .mounts = mounts, .nmounts = 2, .masked = masked,
		.readonly = readonly, .devices = devices, .ndevices = 2,
		.oom_score_adj = -500, .root_fd = 7, .uid_map = "0 100000 65536\n",
		.gid_map = "0 200000 65536\n", .cwd = "/home", .uid = 1000, .gid = 1001,
		.gids = gids, .ngids = 3, .caps_set = true, .cap_eff = 1ULL << 40,
		.cap_perm = 0x1ffffffffffULL, .cap_bnd = 0xa80425fbULL, .cap_inh = 3,
		.cap_amb = 1, .no_new_privs = true, .umask = 027, .hostname = "box", .pids_max = 100, .rlimits = rlimits,
		.nrlimits = 2, .ctl_fd = 8, .seccomp = prog, .seccomp_len = 3,
		.lockdown = confine_lockdown, .ready_fd = 9,
	};
	json_t *j = sentry_run_to_json(&in);
	struct sentry_run out;

	assert_non_null(j);
	assert_int_equal(sentry_run_from_json(j, &out), 0);
	assert_true(out.strace && out.stats && out.container && out.root_ro && out.caps_set);
	assert_true(out.host_uds);
	assert_string_equal(out.prog_path, in.prog_path);
	assert_string_equal(out.root, in.root);
	assert_int_equal(out.nr_rw, 2);
	assert_string_equal(out.rw[0], rw[0]);
	assert_string_equal(out.rw[1], rw[1]);
	assert_strv_equal(in.argv, out.argv);
	assert_strv_equal(in.envp, out.envp);
	assert_int_equal(out.nmounts, 2);
	for (int i = 0; i < 2; i++) {
		assert_string_equal(out.mounts[i].dest, mounts[i].dest);
		assert_string_equal(out.mounts[i].type, mounts[i].type);
		assert_string_equal(out.mounts[i].source, mounts[i].source);
		assert_int_equal(out.mounts[i].ro, mounts[i].ro);
		assert_int_equal(out.mounts[i].nosuid, mounts[i].nosuid);
		assert_int_equal(out.mounts[i].mode, mounts[i].mode);
	}
	assert_strv_equal((char *const *)masked, (char *const *)out.masked);
	assert_strv_equal((char *const *)readonly, (char *const *)out.readonly);
	assert_int_equal(out.ndevices, 2);
	for (int i = 0; i < 2; i++) {
		assert_string_equal(out.devices[i].path, devices[i].path);
		assert_int_equal(out.devices[i].mode, devices[i].mode);
		assert_int_equal(out.devices[i].rdev, devices[i].rdev);
		assert_int_equal(out.devices[i].uid, devices[i].uid);
		assert_int_equal(out.devices[i].gid, devices[i].gid);
	}
	assert_int_equal(out.oom_score_adj, -500);
	assert_int_equal(out.root_fd, 7);
	assert_string_equal(out.uid_map, in.uid_map);
	assert_string_equal(out.gid_map, in.gid_map);
	assert_string_equal(out.cwd, in.cwd);
	assert_int_equal(out.uid, 1000);
	assert_int_equal(out.gid, 1001);
	assert_int_equal(out.ngids, 3);
	assert_memory_equal(out.gids, gids, sizeof(gids));
	assert_int_equal(out.cap_eff, in.cap_eff);
	assert_int_equal(out.cap_perm, in.cap_perm);
	assert_int_equal(out.cap_bnd, in.cap_bnd);
	assert_int_equal(out.cap_inh, in.cap_inh);
	assert_int_equal(out.cap_amb, in.cap_amb);
	assert_true(out.no_new_privs);
	assert_int_equal(out.umask, 027);
	assert_string_equal(out.hostname, "box");
	assert_int_equal(out.pids_max, 100);
	assert_int_equal(out.nrlimits, 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(out.rlimits[i].resource, rlimits[i].resource);
		assert_int_equal(out.rlimits[i].rlim.rlim_cur, rlimits[i].rlim.rlim_cur);
		assert_int_equal(out.rlimits[i].rlim.rlim_max, rlimits[i].rlim.rlim_max);
	}
	assert_int_equal(out.ctl_fd, 8);
	assert_int_equal(out.seccomp_len, 3);
	assert_memory_equal(out.seccomp, prog, sizeof(prog));
	assert_ptr_equal(out.lockdown, confine_lockdown);
	assert_int_equal(out.ready_fd, 9);
}

/* cvisor do's run: no container fields, no lockdown hook, -1 fds. */
static void unset_fields_stay_unset(void **state)
{
	(void)state;
	static char *const argv[] = { "true", NULL };
	static char *const envp[] = { NULL };
	const struct sentry_run in = { .prog_path = "/bin/true", .argv = argv, .envp = envp,
				       .root_fd = -1, .ctl_fd = -1, .ready_fd = -1, .umask = -1 };
	json_t *j = sentry_run_to_json(&in);
	struct sentry_run out;

	assert_int_equal(sentry_run_from_json(j, &out), 0);
	assert_null(out.root);
	assert_null(out.masked);
	assert_null(out.readonly);
	assert_null(out.uid_map);
	assert_null(out.cwd);
	assert_null(out.hostname);
	assert_null(out.seccomp);
	assert_null(out.lockdown);
	assert_int_equal(out.nr_rw, 0);
	assert_int_equal(out.nmounts, 0);
	assert_int_equal(out.root_fd, -1);
	assert_int_equal(out.ctl_fd, -1);
	assert_int_equal(out.ready_fd, -1);
	assert_int_equal(out.umask, -1);
	assert_null(out.envp[0]);
	assert_false(out.container || out.caps_set || out.strace);
}

/* A run without its program is refused, not run with NULLs. */
static void incomplete_run_is_refused(void **state)
{
	(void)state;
	json_t *j = json_pack("{s:[s]}", "argv", "x");
	struct sentry_run out;

	assert_int_equal(sentry_run_from_json(j, &out), -EINVAL);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_field_round_trips),
		cmocka_unit_test(unset_fields_stay_unset),
		cmocka_unit_test(incomplete_run_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
