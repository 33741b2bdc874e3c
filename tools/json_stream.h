/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small streaming JSON writer: the document goes out as it is produced,
 * so its memory does not grow with its size (offloads show --json over
 * every interface of a node).  The layout is json-c's
 * JSON_C_TO_STRING_PRETTY with NOSLASHESCAPE, byte for byte, so streamed
 * and tree-built output look the same.  Strings come out as valid UTF-8
 * (see json_stream_string). */
#ifndef VXT_JSON_STREAM_H
#define VXT_JSON_STREAM_H

#include <stdbool.h>
#include <stdio.h>

/* Deepest nesting the writer keeps apart (the CLI needs 3). */
#define JSON_STREAM_DEPTH 16

struct json_stream {
	FILE *out;
	unsigned int depth;                   /* open containers */
	bool has_items[JSON_STREAM_DEPTH + 1];  /* per open container */
	bool after_key;                       /* a key was written, its value is next */
	int error;                            /* first write error (positive errno) */
	size_t len;
	char buf[65536];                      /* written out with one fwrite when full */
};

void json_stream_init(struct json_stream *js, FILE *out);
/* On the heap (the buffer is 64 KiB): NULL without memory.  _free
 * finishes the document (json_stream_finish) and returns its result. */
struct json_stream *json_stream_new(FILE *out);
int json_stream_free(struct json_stream *js);
void json_stream_begin_array(struct json_stream *js);
void json_stream_end_array(struct json_stream *js);
void json_stream_begin_object(struct json_stream *js);
void json_stream_end_object(struct json_stream *js);
/* The key of the next value (inside an object). */
void json_stream_key(struct json_stream *js, const char *key);
/* The one string rule of the writer (keys too): '"', '\\' and control
 * characters escaped as json-c does; a byte that is not UTF-8 becomes
 * \u00NN, the Latin-1 character of that byte, by vxt_text_escape() (the
 * rule of every JSON the CLI prints), so the document is valid UTF-8
 * whatever bytes an interface name holds. */
void json_stream_string(struct json_stream *js, const char *s);
void json_stream_bool(struct json_stream *js, bool v);
void json_stream_int(struct json_stream *js, long long v);
/* Write out what is buffered and the final newline; 0 or -errno of the
 * first failed write. */
int json_stream_finish(struct json_stream *js);

#endif
