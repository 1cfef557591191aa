/* A process that dies of SIGABRT (its own abort) or SIGQUIT (sent by
 * another process) with RLIMIT_CORE above 0 writes an ELF core file,
 * "core" in its working directory (core_pattern "core"), mode 0600, with
 * the dying thread's NT_PRSTATUS naming the signal and the thread, and
 * its wait status has WCOREDUMP; with RLIMIT_CORE 0, neither.  Where the
 * machine's core_pattern is not "core" (a pipe to a crash collector), the
 * file is not looked for. */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/procfs.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include "check.h"

static char dir[64];

static bool pattern_is_core(void)
{
	char buf[64] = "";
	int fd = open("/proc/sys/kernel/core_pattern", O_RDONLY);

	CHECK(fd >= 0, "/proc/sys/kernel/core_pattern: %s", strerror(errno));
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(fd);
	fd = open("/proc/sys/kernel/core_uses_pid", O_RDONLY);
	if (fd >= 0) {
		char c = '0';

		if (read(fd, &c, 1) == 1 && c != '0')
			buf[0] = 0;
		close(fd);
	}
	return !strcmp(buf, "core\n");
}

/* A child in dir with RLIMIT_CORE limit: aborts, or waits for a signal. */
static pid_t child(rlim_t limit, bool wait_for_signal, int ready[2])
{
	pid_t pid = fork();

	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid)
		return pid;
	struct rlimit rl = { limit, RLIM_INFINITY };

	if (chdir(dir) || setrlimit(RLIMIT_CORE, &rl))
		_exit(100);
	if (wait_for_signal) {
		if (write(ready[1], "r", 1) != 1)
			_exit(101);
		for (;;)
			pause();
	}
	abort();
}

/* The core's NT_PRSTATUS: its signal and thread id. */
static void check_core(int sig, pid_t pid)
{
	char path[96], buf[1 << 16];
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	struct stat st;
	ssize_t n;
	int fd;
	bool found = false;

	snprintf(path, sizeof(path), "%s/core", dir);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0, "no core file: %s", strerror(errno));
	CHECK_OK(fstat(fd, &st));
	CHECK((st.st_mode & 07777) == 0600, "core mode %o", st.st_mode & 07777);
	n = read(fd, buf, sizeof(buf));
	CHECK(n > (ssize_t)sizeof(*eh) && !memcmp(eh->e_ident, ELFMAG, SELFMAG) &&
	      eh->e_type == ET_CORE && eh->e_machine == EM_X86_64, "not an x86-64 ELF core");
	for (int i = 0; i < eh->e_phnum && !found; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(buf + eh->e_phoff + i * sizeof(*ph));

		CHECK((char *)(ph + 1) <= buf + n, "program headers past the first 64 KiB");
		if (ph->p_type != PT_NOTE)
			continue;
		CHECK(ph->p_offset + ph->p_filesz <= (uint64_t)n, "notes past the first 64 KiB");
		for (uint64_t off = ph->p_offset; off < ph->p_offset + ph->p_filesz;) {
			Elf64_Nhdr *nh = (Elf64_Nhdr *)(buf + off);
			char *desc = (char *)(nh + 1) + ((nh->n_namesz + 3) & ~3u);

			if (nh->n_type == NT_PRSTATUS) {
				struct elf_prstatus *ps = (struct elf_prstatus *)desc;

				CHECK(ps->pr_cursig == sig, "NT_PRSTATUS signal %d, want %d",
				      ps->pr_cursig, sig);
				CHECK(ps->pr_pid == pid, "NT_PRSTATUS pid %d, want %d", ps->pr_pid, pid);
				found = true;
				break;
			}
			off = (uint64_t)(desc - buf) + ((nh->n_descsz + 3) & ~3u);
		}
	}
	CHECK(found, "no NT_PRSTATUS note");
	close(fd);
	CHECK_OK(unlink(path));
}

int main(void)
{
	bool file = pattern_is_core();
	int st, ready[2];
	char path[96], c;
	pid_t pid;

	snprintf(dir, sizeof(dir), "/tmp/coredump.%d", getpid());
	CHECK_OK(mkdir(dir, 0700));
	snprintf(path, sizeof(path), "%s/core", dir);

	pid = child(RLIM_INFINITY, false, NULL);
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "abort: status %#x", st);
	if (file) {
		CHECK(WCOREDUMP(st), "abort with RLIMIT_CORE unlimited: no core flag (%#x)", st);
		check_core(SIGABRT, pid);
	}

	CHECK_OK(pipe(ready));
	pid = child(RLIM_INFINITY, true, ready);
	CHECK(read(ready[0], &c, 1) == 1, "child did not start");
	CHECK_OK(kill(pid, SIGQUIT));
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGQUIT, "SIGQUIT: status %#x", st);
	if (file) {
		CHECK(WCOREDUMP(st), "SIGQUIT: no core flag (%#x)", st);
		check_core(SIGQUIT, pid);
	}

	pid = child(0, false, NULL);
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT && !WCOREDUMP(st),
	      "abort with RLIMIT_CORE 0: status %#x", st);
	CHECK(access(path, F_OK) && errno == ENOENT, "a core with RLIMIT_CORE 0");
	CHECK_OK(rmdir(dir));
	return 0;
}
