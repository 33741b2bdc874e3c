/* Remedies (structured changes from the library) as the command that makes
 * the change on the node it names; the library knows no CLI syntax. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

/* A shell word: quoted when it holds anything but [A-Za-z0-9._-=/:,*]. */
static void word(char *buf, size_t len, const char *s)
{
	bool plain = *s != '\0';
	for (const char *p = s; *p && plain; p++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-=/:,",
		               *p) != NULL;
	if (plain) {
		snprintf(buf, len, "%s", s);
		return;
	}
	size_t n = 0;
	if (n + 1 < len)
		buf[n++] = '\'';
	for (const char *p = s; *p && n + 5 < len; p++) {
		if (*p == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else {
			buf[n++] = *p;
		}
	}
	if (n + 1 < len)
		buf[n++] = '\'';
	buf[n < len ? n : len - 1] = '\0';
}

void remedy_format(const struct vxt_remedy *r, char *buf, size_t len)
{
	char dev[80], kv[200], val[140];
	word(dev, sizeof(dev), vxt_remedy_device(r));
	/* A peer's device it did not report (its underlay): a placeholder. */
	if (!*vxt_remedy_device(r) && vxt_remedy_kind(r) == VXT_REMEDY_FEATURE)
		snprintf(dev, sizeof(dev), "UNDERLAY");
	word(val, sizeof(val), vxt_remedy_value(r));
	char cmd[320];
	switch (vxt_remedy_kind(r)) {
	case VXT_REMEDY_FEATURE:
		snprintf(cmd, sizeof(cmd), "vxlantune offloads set %s %s %s", dev, vxt_remedy_key(r), val);
		break;
	case VXT_REMEDY_SYSCTL: {
		char tmp[200];
		snprintf(tmp, sizeof(tmp), "%s=%s", vxt_remedy_key(r), vxt_remedy_value(r));
		word(kv, sizeof(kv), tmp);
		if (*vxt_remedy_device(r))
			snprintf(cmd, sizeof(cmd), "vxlantune sysctl set %s --iface %s", kv, dev);
		else
			snprintf(cmd, sizeof(cmd), "vxlantune sysctl set %s", kv);
		break;
	}
	case VXT_REMEDY_LINK:
		if (!strcmp(vxt_remedy_key(r), "up"))
			snprintf(cmd, sizeof(cmd), "ip link set %s up", dev);
		else
			snprintf(cmd, sizeof(cmd), "ip link set %s %s %s", dev, vxt_remedy_key(r), val);
		break;
	case VXT_REMEDY_POLICY:
		snprintf(cmd, sizeof(cmd), "vxlantune apply --%s %s", vxt_remedy_key(r), val);
		break;
	default:
		snprintf(cmd, sizeof(cmd), "(unknown change %s=%s on %s)", vxt_remedy_key(r),
		         vxt_remedy_value(r), vxt_remedy_device(r));
		break;
	}
	if (vxt_remedy_node(r) == VXT_NODE_PEER)
		snprintf(buf, len, "on the peer's node (%s): %s", vxt_remedy_peer(r), cmd);
	else
		snprintf(buf, len, "%s", cmd);
}
