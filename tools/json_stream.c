/* The streaming JSON writer (json_stream.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "json_stream.h"

void json_stream_init(struct json_stream *js, FILE *out)
{
	memset(js, 0, sizeof(*js));
	js->out = out;
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

/* Length of the valid UTF-8 sequence at s (2..4 bytes), 0 if s[0] does not
 * start one: no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	unsigned int cp = c & (0x7fu >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void put_string(struct json_stream *js, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	PUT_LITERAL(js, "\"");
	for (;;) {
		/* The run of bytes that need nothing: every feature name,
		 * almost every interface name. */
		size_t run = 0;
		while (s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' && s[run] != '\\')
			run++;
		put(js, (const char *)s, run);
		s += run;
		if (!*s)
			break;
		char esc[6] = {'\\', 0};
		size_t n = 2;
		switch (*s) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default: {
			size_t u = *s >= 0x80 ? utf8_len(s) : 0;
			if (u) { /* valid UTF-8 goes out as it is */
				put(js, (const char *)s, u);
				s += u;
				continue;
			}
			/* A control character, or a byte that is not UTF-8. */
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*s >> 4];
			esc[5] = hex[*s & 15];
			n = 6;
		}
		}
		put(js, esc, n);
		s++;
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
