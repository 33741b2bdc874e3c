/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by lib/: name validation, growth, string distance. */
#include "config.h"

#include <ctype.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The kernel's dev_valid_name(): 1..IFNAMSIZ-1 bytes, not "." or "..", no
 * '/', ':' or whitespace.  Names pass this before they reach a path or a
 * netlink attribute. */
int vxt_ifname_valid(const char *name)
{
	if (!name || !*name)
		return -EINVAL;
	if (strnlen(name, IFNAMSIZ) >= IFNAMSIZ)
		return -EINVAL;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	/* The kernel's dev_valid_name(): any byte but '/', ':' and what its
	 * isspace() calls space -- ASCII blanks and 0xa0, Latin-1's no-break
	 * space.  Names such as "caliü" (UTF-8) are valid; control characters
	 * are too, so everything that shows a name escapes it. */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ' || (*p >= '\t' && *p <= '\r') || *p == 0xa0)
			return -EINVAL;
	return 0;
}

/* fnmatch(3) treats these as special; a name without them matches only
 * itself.  The one place that says what a pattern is. */
bool vxt_is_glob(const char *s)
{
	return s && strpbrk(s, "*?[") != NULL;
}

bool vxt_name_is_pattern(const char *name)
{
	return vxt_is_glob(name);
}

char *vxt_strdup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

int vxt_grow(void **v, unsigned int *cap, unsigned int want, size_t sz)
{
	if (want <= *cap)
		return 0;
	unsigned int ncap = *cap ? *cap : 8;
	while (ncap < want) {
		if (ncap > UINT32_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	void *nv = reallocarray(*v, ncap, sz);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

unsigned int vxt_edit_distance(const char *a, const char *b, unsigned int limit)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return limit + 1;
	unsigned int row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned int)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned int diag = row[0];
		row[0] = (unsigned int)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned int up = row[j];
			unsigned int cost = a[i - 1] == b[j - 1] ? 0 : 1;
			unsigned int best = diag + cost;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (up + 1 < best)
				best = up + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb] > limit ? limit + 1 : row[lb];
}
