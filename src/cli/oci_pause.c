/* SPDX-License-Identifier: MIT */
/*
 * cvisor pause / resume: freeze and thaw the container's cgroup, as runc
 * does.  Every host process of the sandbox is in it (the supervisor, the
 * sentry, the stub processes), so the whole sandbox stops where it is: the
 * application makes no progress and the sentry serves nothing.  "paused"
 * is then what the freezer says (state_status), so a container frozen by
 * other means shows as paused too, and a created container paused and
 * resumed is created again.
 *
 * A frozen sentry cannot answer its control socket: kill and delete of a
 * paused container go through here (container_kill_paused).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "cli/oci.h"
#include "sandbox/cgroup.h"

/* runc's words for a freeze that did not complete or a missing freezer */
static const char *freeze_error(int err)
{
	if (err == -EBUSY)
		return "unable to freeze (the cgroup is thawed again)";
	if (err == -ENOENT)
		return "no cgroup freezer holds the container's cgroup";
	return strerror(-err);
}

static int set_paused(const struct gopts *g, const char *cmd, int argc, char **argv,
		      bool paused)
{
	static const struct opt none[] = { { NULL, 0, NULL, NULL, NULL } };
	int i = parse_opts(cmd, argc, argv, none), err;
	struct oci_state st;
	const char *status;
	char cg[4096];

	if (i >= 0 && i + 1 < argc) {
		log_error("%s: want exactly one container id", cmd);
		return 1;
	}
	if (load_container(g, cmd, argc, argv, i, &st))
		return 1;
	status = state_status(&st);
	/* runc pauses a running or created container and resumes a paused
	 * one; its errors otherwise are "container not running/paused" */
	if (paused ? strcmp(status, "running") && strcmp(status, "created")
		   : strcmp(status, "paused")) {
		log_error("%s %s: container not %s", cmd, st.id, paused ? "running" : "paused");
		state_free(&st);
		return 1;
	}
	err = state_cgroup(&st, cg, sizeof(cg));
	if (err)
		log_error("%s %s: the container has no cgroup of its own to freeze", cmd, st.id);
	else if ((err = cgroup_freeze(cg, paused)))
		log_error("%s %s: cgroup %s: %s", cmd, st.id, cg, freeze_error(err));
	state_free(&st);
	return err ? 1 : 0;
}

int cmd_pause(const struct gopts *g, int argc, char **argv)
{
	return set_paused(g, "pause", argc, argv, true);
}

int cmd_resume(const struct gopts *g, int argc, char **argv)
{
	return set_paused(g, "resume", argc, argv, false);
}

/*
 * SIGKILL goes to the supervisor on the host: the sentry dies with it
 * (PDEATHSIG), every stub with the sentry (the init of their pid
 * namespace).  The cgroup is thawed after it, since a task frozen by the v1
 * freezer only dies once thawed (runc thaws for SIGKILL too).  Any other
 * signal waits in the control socket until resume, as a signal for a
 * frozen process waits in the kernel.
 */
int container_kill_paused(const struct oci_state *st, int sig, const char *req)
{
	char cg[4096];
	int err;

	if (sig != SIGKILL)
		return ctl_request(st, req, NULL, NULL, 0, NULL);
	err = kill(st->pid, SIGKILL) ? -errno : 0;
	if (!state_cgroup(st, cg, sizeof(cg)))
		cgroup_freeze(cg, false);
	return err;
}
