/* SPDX-License-Identifier: MIT */
/* Kept for the files that include it: the VFS types live in vfs.h. */
#include "vfs/vfs.h"
