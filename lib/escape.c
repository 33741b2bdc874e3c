/* Untrusted bytes (interface names, policy and snapshot contents, command
 * line arguments) reach error messages and JSON.  One rule for both:
 * UTF-8 is decoded strictly (no overlong forms, no surrogates, nothing
 * above U+10FFFF); a byte that does not start a valid sequence is
 * "invalid".
 *  - text (messages for a terminal or a log): invalid bytes and control
 *    characters (C0, DEL, C1) become \xNN, so that nothing from the input
 *    can move the cursor, recolour or retitle a terminal;
 *  - JSON (text that is already JSON, as json-c printed it): invalid bytes
 *    become \u00NN, the Latin-1 character of the byte, so that the
 *    document is valid UTF-8 (the structure is ASCII, so invalid bytes can
 *    only be inside strings, where the escape is legal); json-c already
 *    escapes control characters. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Length of the valid UTF-8 sequence at s (1..4), 0 if s[0] is invalid;
 * *cp gets the code point. */
static size_t utf8_seq(const unsigned char *s, size_t left, unsigned int *cp)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	if (!n || n > left)
		return 0;
	unsigned int v = c & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

bool vxt_utf8_valid(const char *s, size_t len)
{
	unsigned int cp;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq((const unsigned char *)s + i, len - i, &cp);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

size_t vxt_escape_buf(const char *in, char *out, size_t size, int style)
{
	size_t len = in ? strlen(in) : 0, o = 0;
	const unsigned char *s = (const unsigned char *)(in ? in : "");
	for (size_t i = 0; i < len;) {
		unsigned int cp = 0;
		size_t n = utf8_seq(s + i, len - i, &cp);
		char esc[8];
		const char *piece = (const char *)s + i;
		size_t plen = n;
		bool control = n && (cp < 0x20 || (cp >= 0x7f && cp < 0xa0));
		if (!n || (control && style == VXT_ESCAPE_TEXT)) {
			plen = (size_t)snprintf(esc, sizeof(esc), style == VXT_ESCAPE_JSON ? "\\u%04x" : "\\x%02x",
			                        !n ? s[i] : cp);
			piece = esc;
			n = n ? n : 1;
		}
		/* Never cut an escape or a character in half. */
		if (size && o + plen < size)
			memcpy(out + o, piece, plen);
		else if (size && o < size)
			size = o + 1;
		o += plen;
		i += n;
	}
	if (size)
		out[o < size ? o : size - 1] = '\0';
	return o;
}

int vxt_text_escape(const char *in, int style, char **out)
{
	if (!out || (style != VXT_ESCAPE_TEXT && style != VXT_ESCAPE_JSON))
		return -EINVAL;
	size_t n = vxt_escape_buf(in, NULL, 0, style);
	if (!(*out = malloc(n + 1)))
		return -ENOMEM;
	vxt_escape_buf(in, *out, n + 1, style);
	return 0;
}
