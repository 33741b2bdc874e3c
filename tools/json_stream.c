/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The streaming JSON writer (json_stream.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json_stream.h"
#include "vxlantune.h"

void json_stream_init(struct json_stream *js, FILE *out)
{
	memset(js, 0, sizeof(*js));
	js->out = out;
}

struct json_stream *json_stream_new(FILE *out)
{
	struct json_stream *js = malloc(sizeof(*js));
	if (js)
		json_stream_init(js, out);
	return js;
}

int json_stream_free(struct json_stream *js)
{
	int rc = json_stream_finish(js);
	free(js);
	return rc;
}

static void flush_buf(struct json_stream *js)
{
	if (js->len && fwrite(js->buf, 1, js->len, js->out) != js->len && !js->error)
		js->error = errno ? errno : EIO;
	js->len = 0;
}

static void put(struct json_stream *js, const char *s, size_t n)
{
	if (js->len + n > sizeof(js->buf)) {
		flush_buf(js);
		if (n > sizeof(js->buf)) {
			if (fwrite(s, 1, n, js->out) != n && !js->error)
				js->error = errno ? errno : EIO;
			return;
		}
	}
	memcpy(js->buf + js->len, s, n);
	js->len += n;
}

#define PUT_LITERAL(js, lit) put((js), (lit), sizeof(lit) - 1)

static void newline_indent(struct json_stream *js, unsigned int level)
{
	/* A newline and two spaces per level, for up to JSON_STREAM_DEPTH. */
	static const char spaces[] = "\n                                ";
	_Static_assert(sizeof(spaces) - 2 == 2 * JSON_STREAM_DEPTH, "indentation");
	put(js, spaces, 1 + 2 * (size_t)(level < JSON_STREAM_DEPTH ? level : JSON_STREAM_DEPTH));
}

/* Before any value: the separator and indentation of the container it is
 * in (none after a key: json-c writes "key":value). */
static void before_value(struct json_stream *js)
{
	if (js->after_key) {
		js->after_key = false;
		return;
	}
	if (!js->depth)
		return;
	bool *items = &js->has_items[js->depth < JSON_STREAM_DEPTH ? js->depth : JSON_STREAM_DEPTH];
	if (*items)
		PUT_LITERAL(js, ",");
	*items = true;
	newline_indent(js, js->depth);
}

static void begin(struct json_stream *js, const char *open)
{
	before_value(js);
	put(js, open, 1);
	js->depth++;
	js->has_items[js->depth < JSON_STREAM_DEPTH ? js->depth : JSON_STREAM_DEPTH] = false;
}

static void end(struct json_stream *js, const char *close)
{
	if (js->depth)
		js->depth--;
	newline_indent(js, js->depth);
	put(js, close, 1);
}

void json_stream_begin_array(struct json_stream *js) { begin(js, "["); }
void json_stream_end_array(struct json_stream *js) { end(js, "]"); }
void json_stream_begin_object(struct json_stream *js) { begin(js, "{"); }
void json_stream_end_object(struct json_stream *js) { end(js, "}"); }

/* What JSON itself needs, as json-c writes it: '"', '\\' and control
 * characters escaped; bytes from 0x80 up copied as they are.  out has room
 * for 6 bytes per input byte; returns the length written. */
static size_t escape_json(const unsigned char *s, char *out, bool *high)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (; *s; s++) {
		const char *short_esc = NULL;
		switch (*s) {
		case '"': short_esc = "\\\""; break;
		case '\\': short_esc = "\\\\"; break;
		case '\b': short_esc = "\\b"; break;
		case '\f': short_esc = "\\f"; break;
		case '\n': short_esc = "\\n"; break;
		case '\r': short_esc = "\\r"; break;
		case '\t': short_esc = "\\t"; break;
		}
		if (short_esc) {
			out[o++] = short_esc[0];
			out[o++] = short_esc[1];
		} else if (*s < 0x20) {
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[*s >> 4];
			out[o + 5] = hex[*s & 15];
			o += 6;
		} else {
			*high |= *s >= 0x80;
			out[o++] = (char)*s;
		}
	}
	out[o] = '\0';
	return o;
}

static void put_string(struct json_stream *js, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t plain = 0;
	/* Every feature name and almost every interface name needs nothing. */
	while (s[plain] >= 0x20 && s[plain] < 0x80 && s[plain] != '"' && s[plain] != '\\')
		plain++;
	PUT_LITERAL(js, "\"");
	if (!s[plain]) {
		put(js, (const char *)s, plain);
	} else {
		char stack[6 * 64 + 1], *tmp = stack;
		size_t len = strlen((const char *)s);
		if (len > 64 && !(tmp = malloc(6 * len + 1))) {
			js->error = js->error ? js->error : ENOMEM;
			return;
		}
		bool high = false;
		size_t n = escape_json(s, tmp, &high);
		char *safe = NULL;
		/* Bytes that are not UTF-8: the library's one rule for them. */
		if (!high)
			put(js, tmp, n);
		else if (vxt_text_escape(tmp, VXT_ESCAPE_JSON, &safe) == 0)
			put(js, safe, strlen(safe));
		else if (!js->error)
			js->error = ENOMEM;
		free(safe);
		if (tmp != stack)
			free(tmp);
	}
	PUT_LITERAL(js, "\"");
}

void json_stream_key(struct json_stream *js, const char *key)
{
	before_value(js);
	put_string(js, key);
	PUT_LITERAL(js, ":");
	js->after_key = true;
}

void json_stream_string(struct json_stream *js, const char *s)
{
	before_value(js);
	put_string(js, s);
}

void json_stream_bool(struct json_stream *js, bool v)
{
	before_value(js);
	if (v)
		PUT_LITERAL(js, "true");
	else
		PUT_LITERAL(js, "false");
}

void json_stream_int(struct json_stream *js, long long v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%lld", v);
	before_value(js);
	put(js, num, (size_t)n);
}

int json_stream_finish(struct json_stream *js)
{
	PUT_LITERAL(js, "\n");
	flush_buf(js);
	if (fflush(js->out) && !js->error)
		js->error = errno ? errno : EIO;
	return -js->error;
}
