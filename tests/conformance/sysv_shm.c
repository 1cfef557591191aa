/* System V shared memory (shmget, shmat, shmdt, shmctl): keys and
 * IPC_PRIVATE, a segment shared with a forked child, nattch, pids and
 * times, IPC_RMID while attached, SHM_RDONLY, SHM_RND, SHM_REMAP, the
 * ctl commands, bad input and permissions as another user.  Needs root
 * (it drops to uid 65534 in a child). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include "check.h"

#define SIZE (3 * PAGE + 100)

static struct shmid_ds stat_of(int id)
{
	struct shmid_ds ds;

	CHECK(shmctl(id, IPC_STAT, &ds) == 0, "IPC_STAT %d: %s", id, strerror(errno));
	return ds;
}

static int wait_child(pid_t pid)
{
	int st;

	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	return st;
}

static void bad_input(void)
{
	char c;

	CHECK_ERRNO(shmget(IPC_PRIVATE, 0, 0600), EINVAL);
	CHECK_ERRNO(shmget(IPC_PRIVATE, (size_t)-1, 0600), EINVAL);
	CHECK_ERRNO(shmctl(-1, IPC_STAT, NULL), EINVAL);
	CHECK_ERRNO(shmat(-1, NULL, 0), EINVAL);
	CHECK_ERRNO(shmat(0x7ffffff0, NULL, 0), EINVAL);
	CHECK_ERRNO(shmdt(&c), EINVAL);
	CHECK_ERRNO(shmdt((void *)0x10000), EINVAL);    /* nothing attached there */

	int id = shmget(IPC_PRIVATE, PAGE, 0600);
	CHECK(id >= 0, "shmget: %s", strerror(errno));
	CHECK_ERRNO(shmctl(id, IPC_STAT, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(shmctl(id, IPC_SET, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(shmctl(id, 12345, NULL), EINVAL);
	CHECK_ERRNO(shmat(id, (void *)0x10001000UL + 1, 0), EINVAL);   /* not aligned */
	CHECK_ERRNO(shmat(id, NULL, SHM_REMAP), EINVAL);        /* remap needs an address */
	CHECK_OK(shmctl(id, IPC_RMID, NULL));
	CHECK_ERRNO(shmctl(id, IPC_STAT, &(struct shmid_ds){ 0 }), EINVAL);
	CHECK_ERRNO(shmat(id, NULL, 0), EINVAL);
}

static void keys(void)
{
	key_t key = 0x5e5e0000 | (getpid() & 0xffff);
	int id, id2;

	shmctl(shmget(key, 0, 0), IPC_RMID, NULL);      /* a leftover of a failed run */
	CHECK_ERRNO(shmget(key, PAGE, 0600), ENOENT);
	id = shmget(key, PAGE, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(id >= 0, "shmget create: %s", strerror(errno));
	CHECK_ERRNO(shmget(key, PAGE, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
	CHECK_ERRNO(shmget(key, 2 * PAGE, 0600), EINVAL);       /* bigger than it is */
	id2 = shmget(key, 0, 0);
	CHECK(id2 == id, "shmget(key, 0) %d, want %d", id2, id);
	CHECK(shmget(key, PAGE, IPC_CREAT | 0600) == id, "IPC_CREAT finds it");
	CHECK(shmget(IPC_PRIVATE, PAGE, 0600) != id, "IPC_PRIVATE is always new");
	shmctl(shmget(IPC_PRIVATE, PAGE, 0600), IPC_RMID, NULL);

	struct shmid_ds ds = stat_of(id);
	CHECK(ds.shm_perm.__key == key, "key %x", ds.shm_perm.__key);
	CHECK(ds.shm_perm.mode == 0600, "mode %o", ds.shm_perm.mode);
	CHECK(ds.shm_segsz == PAGE && ds.shm_nattch == 0, "segsz %zu nattch %lu",
	      ds.shm_segsz, (unsigned long)ds.shm_nattch);
	CHECK(ds.shm_cpid == getpid() && ds.shm_lpid == 0, "cpid %d lpid %d",
	      ds.shm_cpid, ds.shm_lpid);
	CHECK(ds.shm_perm.uid == geteuid() && ds.shm_perm.cuid == geteuid(), "owner");
	CHECK(ds.shm_ctime >= time(NULL) - 5 && ds.shm_atime == 0, "times");
	CHECK_OK(shmctl(id, IPC_RMID, NULL));
	CHECK_ERRNO(shmget(key, 0, 0), ENOENT);
}

/* A child shares the segment, its exit detaches it; IPC_RMID while
 * attached frees the key at once and the memory at the last detach. */
static void fork_and_rmid(void)
{
	key_t key = 0x5e5f0000 | (getpid() & 0xffff);
	int id = shmget(key, SIZE, IPC_CREAT | IPC_EXCL | 0640);
	volatile uint32_t *p;
	pid_t pid;

	CHECK(id >= 0, "shmget: %s", strerror(errno));
	p = shmat(id, NULL, 0);
	CHECK(p != (void *)-1, "shmat: %s", strerror(errno));
	p[0] = 1;
	CHECK(stat_of(id).shm_nattch == 1, "nattch after shmat");
	CHECK(stat_of(id).shm_lpid == getpid(), "lpid after shmat");
	CHECK(stat_of(id).shm_atime >= time(NULL) - 5, "atime");
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		/* inherited: same pages, counted twice */
		if (stat_of(id).shm_nattch != 2)
			_exit(2);
		p[1] = 0xfeed;
		p[SIZE / 4 - 1] = 0xbeef;       /* the partial last page */
		_exit(p[0] == 1 ? 0 : 3);
	}
	CHECK(wait_child(pid) == 0, "child saw the segment wrong");
	BARRIER();
	CHECK(p[1] == 0xfeed && p[SIZE / 4 - 1] == 0xbeef, "child's writes not seen");
	struct shmid_ds ds = stat_of(id);
	CHECK(ds.shm_nattch == 1, "nattch %lu after the child's exit", (unsigned long)ds.shm_nattch);
	CHECK(ds.shm_lpid == pid, "lpid %d, want the exited child %d", ds.shm_lpid, pid);
	CHECK(ds.shm_dtime >= time(NULL) - 5, "dtime after the child's exit");

	/* removed while attached */
	CHECK_OK(shmctl(id, IPC_RMID, NULL));
	CHECK_ERRNO(shmget(key, 0, 0), ENOENT);         /* the key is free */
	ds = stat_of(id);                               /* the id lives on */
	CHECK(ds.shm_perm.mode & SHM_DEST, "SHM_DEST not set: mode %o", ds.shm_perm.mode);
	CHECK(ds.shm_perm.__key == IPC_PRIVATE, "key %x after IPC_RMID", ds.shm_perm.__key);
	p[2] = 7;
	volatile uint32_t *q = shmat(id, NULL, 0);      /* Linux allows it */
	CHECK(q != (void *)-1, "shmat of a removed segment: %s", strerror(errno));
	CHECK(q[1] == 0xfeed && q[2] == 7, "second attachment: other pages");
	CHECK(stat_of(id).shm_nattch == 2, "two attachments");
	CHECK_OK(shmdt((void *)q));
	CHECK_ERRNO(shmdt((void *)q), EINVAL);
	CHECK(stat_of(id).shm_nattch == 1, "one after shmdt");
	CHECK_OK(shmdt((void *)p));
	CHECK_ERRNO(shmctl(id, IPC_STAT, &ds), EINVAL); /* gone with the last */
}

static void rdonly_rnd_remap(void)
{
	int id = shmget(IPC_PRIVATE, 2 * PAGE, 0600);
	char *rw, *ro, *at;
	pid_t pid;

	CHECK(id >= 0, "shmget: %s", strerror(errno));
	rw = shmat(id, NULL, 0);
	ro = shmat(id, NULL, SHM_RDONLY);
	CHECK(rw != (void *)-1 && ro != (void *)-1, "shmat: %s", strerror(errno));
	rw[5] = 'x';
	CHECK(ro[5] == 'x', "read-only attachment sees the segment");
	CHECK_ERRNO(mprotect(ro, PAGE, PROT_READ | PROT_WRITE), EACCES);
	pid = fork();
	if (pid == 0) {
		ro[0] = 1;              /* SIGSEGV */
		_exit(0);
	}
	int st = wait_child(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "write to SHM_RDONLY: status %x", st);
	CHECK_OK(shmdt(ro));

	/* at an address: not over a mapping unless SHM_REMAP; SHM_RND rounds */
	char *m = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "mmap");
	CHECK_ERRNO(shmat(id, m, 0), EINVAL);
	at = shmat(id, m, SHM_REMAP);
	CHECK(at == m, "SHM_REMAP: %p, want %p (%s)", at, m, strerror(errno));
	CHECK(at[5] == 'x', "remapped attachment");
	CHECK_OK(shmdt(at));
	CHECK_OK(munmap(m, 4 * PAGE));
	at = shmat(id, m + PAGE + 123, SHM_RND);
	CHECK(at == m + PAGE, "SHM_RND: %p, want %p", at, m + PAGE);
	CHECK(at[5] == 'x', "rounded attachment");
	CHECK_OK(shmdt(at));
	CHECK_OK(shmdt(rw));
	CHECK(stat_of(id).shm_nattch == 0, "all detached");
	CHECK_OK(shmctl(id, IPC_RMID, NULL));
}

static void ctl_commands(void)
{
	int id = shmget(IPC_PRIVATE, PAGE, 0600), max, found = 0;
	struct shminfo si;
	struct shm_info sinfo;
	struct shmid_ds ds;

	CHECK(id >= 0, "shmget: %s", strerror(errno));
	max = shmctl(0, IPC_INFO, (struct shmid_ds *)&si);
	CHECK(max >= 0 && si.shmmni > 0 && si.shmmax >= PAGE && si.shmmin == 1,
	      "IPC_INFO: %d shmmni %lu", max, si.shmmni);
	max = shmctl(0, SHM_INFO, (struct shmid_ds *)&sinfo);
	CHECK(max >= 0 && sinfo.used_ids >= 1, "SHM_INFO: %d used %d", max, sinfo.used_ids);
	for (int i = 0; i <= max; i++) {
		int r = shmctl(i, SHM_STAT, &ds);

		if (r == id)
			found = 1;
		CHECK(r >= 0 || errno == EINVAL || errno == EACCES, "SHM_STAT %d: %s", i,
		      strerror(errno));
	}
	CHECK(found, "SHM_STAT by index did not find id %d", id);

	ds = stat_of(id);
	ds.shm_perm.mode = 0644;
	CHECK_OK(shmctl(id, IPC_SET, &ds));
	CHECK((stat_of(id).shm_perm.mode & 0777) == 0644, "IPC_SET mode");
	CHECK_OK(shmctl(id, SHM_LOCK, NULL));
	CHECK(stat_of(id).shm_perm.mode & SHM_LOCKED, "SHM_LOCK");
	CHECK_OK(shmctl(id, SHM_UNLOCK, NULL));
	CHECK(!(stat_of(id).shm_perm.mode & SHM_LOCKED), "SHM_UNLOCK");
	CHECK_OK(shmctl(id, IPC_RMID, NULL));
}

/* Another user: mode 0640 owned by root lets others do nothing. */
static void permissions(void)
{
	int id = shmget(IPC_PRIVATE, PAGE, 0644), id2 = shmget(IPC_PRIVATE, PAGE, 0600);
	pid_t pid;

	CHECK(id >= 0 && id2 >= 0, "shmget: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		struct shmid_ds ds;

		CHECK_OK(setgid(65534));
		CHECK_OK(setuid(65534));
		CHECK_ERRNO(shmat(id, NULL, 0), EACCES);        /* r-- for others */
		void *p = shmat(id, NULL, SHM_RDONLY);
		CHECK(p != (void *)-1, "read-only attach by another user: %s", strerror(errno));
		CHECK_OK(shmdt(p));
		CHECK_OK(shmctl(id, IPC_STAT, &ds));
		CHECK_ERRNO(shmctl(id, IPC_RMID, NULL), EPERM);
		CHECK_ERRNO(shmctl(id, IPC_SET, &ds), EPERM);
		CHECK_ERRNO(shmat(id2, NULL, SHM_RDONLY), EACCES);
		CHECK_ERRNO(shmctl(id2, IPC_STAT, &ds), EACCES);
		CHECK_ERRNO(shmctl(id2, SHM_LOCK, NULL), EPERM);
		_exit(0);
	}
	CHECK(wait_child(pid) == 0, "the unprivileged child failed");
	CHECK_OK(shmctl(id, IPC_RMID, NULL));
	CHECK_OK(shmctl(id2, IPC_RMID, NULL));
}

/* exec detaches: a child that execs (this program, "exec-child") holds
 * the segment no more, while it lives on. */
static void exec_detaches(const char *self)
{
	int id = shmget(IPC_PRIVATE, PAGE, 0600), up[2], down[2];
	char c;
	pid_t pid;

	CHECK(id >= 0 && shmat(id, NULL, 0) != (void *)-1, "shmget/shmat: %s", strerror(errno));
	CHECK_OK(pipe(up));
	CHECK_OK(pipe(down));
	pid = fork();
	if (pid == 0) {
		char w[16], r[16];

		if (stat_of(id).shm_nattch != 2)
			_exit(2);
		close(up[0]);
		close(down[1]);
		snprintf(w, sizeof(w), "%d", up[1]);
		snprintf(r, sizeof(r), "%d", down[0]);
		execl(self, self, "exec-child", w, r, (char *)NULL);
		_exit(3);
	}
	close(up[1]);
	close(down[0]);
	CHECK(read(up[0], &c, 1) == 1, "the exec'd child did not start");
	CHECK(stat_of(id).shm_nattch == 1, "nattch %lu after the child's exec",
	      (unsigned long)stat_of(id).shm_nattch);
	close(down[1]);                 /* the child may go */
	close(up[0]);
	CHECK(wait_child(pid) == 0, "exec child");
	CHECK_OK(shmctl(id, IPC_RMID, NULL));
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "exec-child")) {
		char c;

		/* the new program runs: tell the parent, wait for it to look */
		if (write(atoi(argv[2]), "x", 1) != 1 || read(atoi(argv[3]), &c, 1) != 0)
			return 1;
		return 0;
	}
	bad_input();
	keys();
	fork_and_rmid();
	rdonly_rnd_remap();
	ctl_commands();
	permissions();
	exec_detaches("/proc/self/exe");
	return 0;
}
