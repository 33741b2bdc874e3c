/* The file I/O of a sysctl set: one planned file at a time
 * (vxt_sio_one), or a batch of them on two threads (vxt_sio_many).
 *
 * Why threads: writing 2,000 /proc/sys files is ~2,000 x (openat + write +
 * close), 5 us each on kernel 6.18, nearly all of it in the kernel (the
 * ref-walk lookup that proc_sys_revalidate forces, devinet_conf_proc and
 * its RTM_NEWNETCONF notification).  Those paths take no lock that two
 * writers of different files would share for long, so a second CPU halves
 * the time of a big apply.  Each file is still its own open/write/close,
 * exactly as on one thread.
 *
 * Threading rules: a worker reads the plan (directories opened beforehand
 * by vxt_splan_prepare) and writes only its targets' result slots; it
 * never touches the context (no logging, no error message) or the report.
 * The only other shared datum is the atomic cursor that hands out chunks
 * of the batch.  The worker is joined before vxt_par_for returns and runs
 * with every signal blocked, so the caller's signal handling is unchanged. */
#include "config.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysctl.h"

bool vxt_sres_set(struct vxt_sres *s, int which, const char *v)
{
	size_t n = strlen(v);
	char **dst = which ? &s->after : &s->before;
	if (s->heap[which]) {
		free(*dst);
		s->heap[which] = false;
	}
	if (n < sizeof(s->inl[which])) {
		memcpy(s->inl[which], v, n + 1);
		*dst = s->inl[which];
		return true;
	}
	if (!(*dst = strdup(v))) {
		s->inl[which][0] = '\0';
		*dst = s->inl[which];
		s->nomem = true;
		return false;
	}
	s->heap[which] = true;
	return true;
}

void vxt_sres_free(struct vxt_sres *s)
{
	if (s->heap[0])
		free(s->before);
	if (s->heap[1])
		free(s->after);
	s->heap[0] = s->heap[1] = false;
	s->before = s->after = NULL;
}

static bool is_perm(int err)
{
	return err == EACCES || err == EPERM || err == EROFS;
}

static void finish(struct vxt_sres *s, const char *before, const char *after, int status)
{
	vxt_sres_set(s, 0, before);
	vxt_sres_set(s, 1, after);
	s->status = status;
	s->done = true;
}

void vxt_sio_one(const struct vxt_sio *w, unsigned int i)
{
	const struct vxt_starget *t = &w->p->t[i];
	struct vxt_sres *s = &w->res[i];
	char before[VXT_SK_VALUE_MAX], after[VXT_SK_VALUE_MAX];
	int perm_err = 0, err, rc, fd;
	bool same, dry = w->dry, force = w->force[i];
	if (s->known) {
		/* Nothing to open unless there is something to write. */
		snprintf(before, sizeof(before), "%s", s->before);
		same = vxt_svalue_equal(before, t->value);
		if (dry || (same && !force)) {
			finish(s, before, same ? before : t->value,
			       same ? VXT_STATUS_UNCHANGED : VXT_STATUS_CHANGED);
			return;
		}
		fd = vxt_splan_open(w->p, t, (t->verbatim ? O_WRONLY : O_RDWR) | O_CLOEXEC);
		if (fd < 0) {
			err = errno;
			/* Tell a read-only sysctl by its mode (see below). */
			if (is_perm(err))
				fd = vxt_splan_open(w->p, t, O_RDONLY | O_CLOEXEC);
			goto failed;
		}
	} else {
		fd = vxt_splan_open(w->p, t, (dry ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		if (fd < 0 && !dry && is_perm(errno)) {
			/* Maybe it needs no change: reading is allowed to everyone. */
			perm_err = errno;
			fd = vxt_splan_open(w->p, t, O_RDONLY | O_CLOEXEC);
		}
		if (fd < 0) {
			err = errno;
			goto failed;
		}
		if ((rc = vxt_proc_pread(fd, before, sizeof(before))) < 0) {
			err = -rc;
			goto failed;
		}
		same = vxt_svalue_equal(before, t->value);
		if (dry || (same && !force)) {
			close(fd);
			finish(s, before, same ? before : t->value,
			       same ? VXT_STATUS_UNCHANGED : VXT_STATUS_CHANGED);
			return;
		}
		if (perm_err) {
			err = perm_err;
			goto failed;
		}
	}
	char buf[VXT_SK_INPUT_MAX + 2];
	int len = snprintf(buf, sizeof(buf), "%s\n", t->value);
	ssize_t wr = pwrite(fd, buf, (size_t)len, 0);
	if (wr < 0) {
		err = errno;
		goto failed;
	}
	if (wr != len) {
		err = EIO;
		goto failed;
	}
	s->wrote = true;
	/* The report says what the kernel kept, not what we sent: re-read,
	 * except for keys whose handler stores a written integer verbatim
	 * or fails the write (devinet_conf_proc/addrconf: proc_dointvec*,
	 * the keys with a known range); that halves the reads of a big
	 * apply. */
	if (t->verbatim) {
		snprintf(after, sizeof(after), "%s", t->value);
	} else if ((rc = vxt_proc_pread(fd, after, sizeof(after))) < 0) {
		err = -rc;
		goto failed;
	}
	close(fd);
	finish(s, before, after,
	       !vxt_svalue_equal(after, t->value) ? VXT_STATUS_FIXED
	       : same                             ? VXT_STATUS_UNCHANGED
	                                          : VXT_STATUS_CHANGED);
	return;
failed:
	if (is_perm(err)) {
		/* The kernel makes some sysctls read-only (mode 0444): the
		 * caller's message says so rather than "run as root". */
		struct stat st;
		s->readonly = fd >= 0 && !fstat(fd, &st) && !(st.st_mode & S_IWUSR);
	}
	if (fd >= 0)
		close(fd);
	/* The kernel removes an interface's conf directory when the device
	 * goes: open gives ENOENT, and I/O on an open file ENOENT/ENODEV. */
	if (t->is_iface && (err == ENOENT || err == ENODEV)) {
		finish(s, "", "", VXT_STATUS_GONE);
		return;
	}
	s->err = err;
	finish(s, "", "", VXT_STATUS_FAILED);
}

/* ---- two threads ------------------------------------------------------- */

enum { CHUNK = 16 };

struct par {
	void (*fn)(void *arg, unsigned int from, unsigned int to);
	void *arg;
	unsigned int n;
	/* Chunks go to whichever thread asks first: when one of them is
	 * descheduled (a busy node), the other one carries on. */
	atomic_uint next;
};

static void run_par(struct par *b)
{
	for (;;) {
		unsigned int from = atomic_fetch_add_explicit(&b->next, CHUNK, memory_order_relaxed);
		if (from >= b->n)
			return;
		b->fn(b->arg, from, b->n - from < CHUNK ? b->n : from + CHUNK);
	}
}

static void *worker(void *arg)
{
	run_par(arg);
	return NULL;
}

/* CPUs this thread may run on (cgroup cpusets and taskset included). */
static int usable_cpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	return CPU_COUNT(&set);
}

bool vxt_helper_start(pthread_t *th, void *(*fn)(void *), void *arg)
{
	if (usable_cpus() < 2)
		return false;
	/* The helper inherits this mask: signals stay with the caller's
	 * threads. */
	sigset_t all, old;
	bool started = false;
	sigfillset(&all);
	if (!pthread_sigmask(SIG_SETMASK, &all, &old)) {
		started = !pthread_create(th, NULL, fn, arg);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	return started;
}

unsigned int vxt_par_for(unsigned int n, unsigned int min,
                         void (*fn)(void *arg, unsigned int from, unsigned int to), void *arg)
{
	struct par b = {.fn = fn, .arg = arg, .n = n};
	atomic_init(&b.next, 0);
	pthread_t th;
	bool started = n >= min && vxt_helper_start(&th, worker, &b);
	/* Without a second thread (one CPU, or none could be started) this
	 * one does it all. */
	run_par(&b);
	if (started)
		pthread_join(th, NULL);
	return started ? 2 : 1;
}

struct sio_batch {
	const struct vxt_sio *w;
	const unsigned int *idx;
};

static void sio_range(void *arg, unsigned int from, unsigned int to)
{
	const struct sio_batch *b = arg;
	for (unsigned int k = from; k < to; k++)
		vxt_sio_one(b->w, b->idx[k]);
}

void vxt_sio_many(const struct vxt_sio *w, const unsigned int *idx, unsigned int n,
                  unsigned int *threads)
{
	struct sio_batch b = {.w = w, .idx = idx};
	*threads = vxt_par_for(n, VXT_SIO_THREADS_MIN, sio_range, &b);
}
