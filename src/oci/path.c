/* SPDX-License-Identifier: MIT */
/* Lexical path cleaning (see path.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "oci/path.h"

int path_clean(const char *path, char *out, size_t len)
{
	bool abs = path[0] == '/';
	size_t base = abs ? 1 : 0, n = base;    /* out[0..n) is the result so far */

	if (len < 2)
		return -ENAMETOOLONG;
	out[0] = '/';
	for (const char *p = path; *p;) {
		size_t k;

		while (*p == '/')
			p++;
		k = strcspn(p, "/");
		if (k == 2 && p[0] == '.' && p[1] == '.') {
			if (n == base)
				return -EXDEV;
			while (n > base && out[n - 1] != '/')
				n--;
			if (n > base)
				n--;            /* the "/" before the name taken away */
		} else if (k && !(k == 1 && p[0] == '.')) {
			if (n + (n > base) + k + 1 > len)
				return -ENAMETOOLONG;
			if (n > base)
				out[n++] = '/';
			memcpy(out + n, p, k);
			n += k;
		}
		p += k;
	}
	if (!n)
		out[n++] = '.';
	out[n] = 0;
	return 0;
}
