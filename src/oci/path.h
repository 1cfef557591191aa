/* SPDX-License-Identifier: MIT */
/*
 * Lexical cleaning of the paths config.json names (docs/oci.md, "Paths").
 */
#ifndef CVISOR_OCI_PATH_H
#define CVISOR_OCI_PATH_H

#include <stddef.h>

/*
 * path as Go's filepath.Clean (runc's CleanPath) writes it into out: runs
 * of "/" and "." components go, ".." takes away the name before it, no
 * trailing "/".  An absolute path stays absolute ("/" at least), a relative
 * one relative ("." when nothing is left).  Returns 0; -EXDEV when a ".."
 * would climb above "/" (or above the start of a relative path), where Go
 * would stop there silently; -ENAMETOOLONG when out is too small.
 */
int path_clean(const char *path, char *out, size_t len);

#endif
