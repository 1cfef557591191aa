/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_SANDBOX_SETTLE_H
#define CVISOR_SANDBOX_SETTLE_H

#include <sys/types.h>

/*
 * What `start` waits for before it says the container is running.
 *
 * runc's start returns once the container's process has been exec'd: the
 * program then reaches its first wait (a shell's `trap` set and its
 * `wait` begun) within a millisecond or two of native start-up, while
 * the engine is still running `runc state` and `runc kill`.  In cvisor the
 * program was loaded at create; the same start-up, each system call a
 * trip to the sentry, takes several times as long, so a signal sent as
 * soon as `state` says running could arrive before the program has set
 * its handler (OCI runtime-tools' killsig failed 12 of 18 times).
 *
 * So start returns once the sandbox has settled: every thread of the
 * supervisor's descendants (the sentry and its stub processes) is
 * blocked, on two samples in a row, or all are gone; or, for a program
 * that keeps computing, once they have used SETTLE_CPU_MS of CPU time
 * since start, more start-up than runc's window allows natively.  CPU
 * time, not wall time, so that a busy machine does not cut it short.
 */
#define SETTLE_CPU_MS 50

void sandbox_settle(pid_t supervisor);

#endif
