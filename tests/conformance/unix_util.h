/* Helpers of the AF_UNIX conformance tests. */
#ifndef CVISOR_CONFORMANCE_UNIX_UTIL_H
#define CVISOR_CONFORMANCE_UNIX_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

/* The address of dir/name, and its length with the NUL. */
static inline socklen_t unix_path(struct sockaddr_un *sa, const char *dir, const char *name)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/%s", dir, name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(sa->sun_path) + 1);
}

#endif
