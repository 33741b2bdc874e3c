/* "SERVER", "SERVER:PORT" (IPv4), "[SERVER]:PORT" or "[SERVER]" (IPv6), or a
 * bare IPv6 address: the one parser of the DNS server argument, for the
 * CLI's --dns and Python's check(dns=...). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool parse_port(const char *s, unsigned int *port)
{
	char *end;
	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > 65535)
		return false;
	*port = (unsigned int)v;
	return true;
}

int vxt_check_opts_set_dns_spec(struct vxt_check_opts *o, const char *spec)
{
	if (!o || !spec || !*spec || strnlen(spec, 256) > 255)
		return -EINVAL;
	char server[256];
	unsigned int port = 0;
	const char *colon = strrchr(spec, ':');
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');
		if (!close || close == spec + 1)
			return -EINVAL;
		snprintf(server, sizeof(server), "%.*s", (int)(close - spec - 1), spec + 1);
		if (close[1] && (close[1] != ':' || !parse_port(close + 2, &port)))
			return -EINVAL;
		if (!strchr(server, ':')) /* brackets are for IPv6 */
			return -EINVAL;
	} else if (colon && strchr(spec, ':') == colon) {
		snprintf(server, sizeof(server), "%.*s", (int)(colon - spec), spec);
		if (!parse_port(colon + 1, &port))
			return -EINVAL;
	} else {
		snprintf(server, sizeof(server), "%s", spec);
	}
	return vxt_check_opts_set_dns(o, server, port);
}
