/* What systemd-sysctl (sysctl.d(5)) and sysctl -p read back from a line
 * "KEY = VALUE" is not always KEY: the first '=' ends the key, a leading
 * '-' means "ignore errors", '*', '?' and '[' make the key a glob over
 * /proc/sys (net.ipv4.conf.cali*.rp_filter would set every cali
 * interface), surrounding blanks are stripped, and a file that is not
 * UTF-8 may be refused.  Interface names may hold all of these (the kernel
 * allows any byte but '/', ':' and blanks), so a rendered line is checked
 * before it is written: refused, naming the interface, rather than
 * rendered to mean something else. */
#include "config.h"

#include <string.h>

#include "internal.h"

int vxt_sysctld_key_check(struct vxt_ctx *ctx, const char *key, const char *object)
{
	const char *why = NULL;
	if (!key || !*key)
		why = "is empty";
	else if (key[0] == '-' || key[0] == '#' || key[0] == ';')
		why = "starts with a character sysctl.d reads as a prefix or comment";
	else if (strpbrk(key, "*?["))
		why = "holds '*', '?' or '[', which systemd-sysctl reads as a glob over every interface";
	else if (strchr(key, '='))
		why = "holds '=', where systemd-sysctl would end the key";
	else if (!vxt_utf8_valid(key, strlen(key)))
		why = "is not UTF-8";
	else
		for (const unsigned char *c = (const unsigned char *)key; *c && !why; c++)
			if (*c < 0x20 || *c == 0x7f || *c == '\\')
				why = "holds a control character or backslash";
	if (!why)
		return 0;
	if (object && *object)
		return vxt_fail(ctx, EINVAL, "cannot render '%s' for interface '%s': the name %s; "
		                "rename the interface or set it with 'vxlantune sysctl set' (or watch) "
		                "instead of a drop-in", key, object, why);
	return vxt_fail(ctx, EINVAL, "cannot render '%s': the key %s", key, why);
}
