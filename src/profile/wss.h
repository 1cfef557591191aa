/* SPDX-License-Identifier: MIT */
/*
 * Working-set size, Brendan Gregg's way (wss.pl): clear the referenced bits
 * of a process's pages (/proc/PID/clear_refs), let it run, then add up the
 * Referenced: lines of /proc/PID/smaps_rollup.  Over a process tree.
 */
#ifndef CVISOR_PROFILE_WSS_H
#define CVISOR_PROFILE_WSS_H

#include <stdint.h>
#include <sys/types.h>

#define WSS_MAX_PIDS 1024

/* The live processes of the tree rooted at root (root first); returns n. */
int proc_tree(pid_t root, pid_t *out, int max);
/* Threads of the processes in pids, all together. */
int proc_threads(const pid_t *pids, int n);
/* Start a window: clear the referenced bits of every process in pids. */
void wss_clear(const pid_t *pids, int n);
/* Bytes referenced since the last clear, summed over pids. */
uint64_t wss_referenced(const pid_t *pids, int n);

#endif
