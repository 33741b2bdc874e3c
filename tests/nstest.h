/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test harness: every networking test runs in a network namespace of its
 * own and checks results with independent tools (ethtool, ip, /proc). */
#ifndef NSTEST_H
#define NSTEST_H

#include <stdbool.h>

struct vxt_ctx;
struct vxt_report;

/* Move this (forked) test process into a new, empty network namespace and
 * bring its loopback up.  Fails the test if that is not possible: a
 * networking test never silently skips. */
void nstest_enter(void);
/* Run a shell command (printf format); fail the test unless it exits 0. */
void nstest_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run a shell command; return its exit status (or -1). */
int nstest_sh_rc(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run a shell command and return its standard output (malloc'd). */
char *nstest_capture(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Read a whole file (malloc'd, NUL-terminated) or NULL. */
char *nstest_read_file(const char *path);
/* Feature state as `ethtool -k IFNAME` shows it: 1 on, 0 off, -1 absent.
 * *fixed (may be NULL) is set when ethtool marks it [fixed]. */
int nstest_ethtool(const char *ifname, const char *feature, bool *fixed);
/* Raise or drop capability CAP (CAP_NET_RAW, ...) in the effective set
 * of this process. */
void nstest_cap_effective(int cap, bool on);
/* Drop CAP_NET_ADMIN from the effective set of this process. */
void nstest_drop_net_admin(void);
/* Create n veth pairs named PREFIX<i>a / PREFIX<i>b with one `ip -batch`. */
void nstest_veths(const char *prefix, unsigned int n);
/* A new library context (fails the test if there is none). */
struct vxt_ctx *nstest_ctx(void);
/* Index of the first report entry for object and key (exact matches; NULL
 * matches anything).  Fails the test when there is none. */
unsigned int nstest_find_entry(const struct vxt_report *r, const char *object, const char *key);
/* Every FAMILY ("ipv4", "ipv6") conf file of KEY as grep reads it, one
 * "OBJ/KEY:VALUE" line each (malloc'd). */
char *nstest_grep_key(const char *family, const char *key);
/* OBJ's value of KEY in nstest_grep_key() output (a static buffer).
 * Fails the test when OBJ is not there. */
const char *nstest_grep_value(const char *out, const char *obj, const char *key);

/* Run the shell command cmd once, when this thread (or a child) first
 * opens a file for writing, before that open goes ahead (a seccomp user
 * notification).  Stays in force for the rest of the process: call it in
 * a child that exits afterwards.  false (nothing installed) where seccomp
 * is not available: under valgrind, which does not emulate it. */
bool nstest_before_first_write_open(const char *cmd);
/* Run fn in a child process (whatever it changes about its process
 * stays there, and a suite run unforked under valgrind can still drop
 * privileges); fails the test with the step fn returns unless that is 0. */
void nstest_in_child(int (*fn)(void), const char *what);

#endif
