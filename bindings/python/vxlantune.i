/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SWIG interface over include/vxlantune.h: the raw C API as the extension
 * module _vxlantune.  Nobody uses it directly: the `vxlantune` package
 * wraps it in Pythonic classes that own the C objects and raise
 * vxlantune.Error instead of returning -errno.
 *
 * Conventions mapped here once, for every type:
 *  - `struct vxt_X **out` parameters become extra return values, so
 *    `rc, obj = vxt_X_get(...)`;
 *  - `const char *const *` (NULL-terminated string arrays) take a list;
 *  - -threads: the GIL is released around every call (netlink round trips
 *    and probes block). */
%module(threads="1") vxlantune
%nothread;   /* cheap accessors keep the GIL... */

%{
#include "vxlantune.h"
%}

%include <stdint.i>

/* Out-parameters of opaque types. */
%define VXT_OUT(TYPE)
%typemap(in, numinputs=0) TYPE ** (TYPE *tmp = NULL) { $1 = &tmp; }
%typemap(argout) TYPE ** {
	$result = SWIG_Python_AppendOutput($result, *$1 ? SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*1_descriptor, 0) : (Py_INCREF(Py_None), Py_None));
}
%enddef
VXT_OUT(struct vxt_ctx)
VXT_OUT(struct vxt_report)
VXT_OUT(struct vxt_features)
VXT_OUT(struct vxt_features_list)
VXT_OUT(struct vxt_feature_req)
VXT_OUT(struct vxt_sysctl_list)
VXT_OUT(struct vxt_sysctl_req)
VXT_OUT(struct vxt_policy)
VXT_OUT(struct vxt_watch)
VXT_OUT(struct vxt_link_list)
VXT_OUT(struct vxt_underlay)
VXT_OUT(struct vxt_probe)
VXT_OUT(struct vxt_check_opts)
VXT_OUT(struct vxt_check)
VXT_OUT(struct vxt_diagnose)

/* malloc'd text out-parameters become str (and are freed). */
%typemap(in, numinputs=0) char **text (char *tmp = NULL), char **json (char *tmp = NULL) { $1 = &tmp; }
%typemap(argout) char **text, char **json {
	if (*$1) {
		$result = SWIG_Python_AppendOutput($result, PyUnicode_FromString(*$1));
		free(*$1);
	} else {
		Py_INCREF(Py_None);
		$result = SWIG_Python_AppendOutput($result, Py_None);
	}
}
%include <typemaps.i>
%apply int *OUTPUT { int *configured, int *effective };

/* NULL-terminated string arrays from a Python sequence of str (or None). */
%typemap(in) const char *const * (char **tmp = NULL, Py_ssize_t n = 0) {
	if ($input == Py_None) {
		$1 = NULL;
	} else {
		if (!PySequence_Check($input) || PyUnicode_Check($input)) {
			PyErr_SetString(PyExc_TypeError, "expected a list of str");
			SWIG_fail;
		}
		n = PySequence_Size($input);
		tmp = (char **)calloc((size_t)n + 1, sizeof(char *));
		if (!tmp) {
			PyErr_NoMemory();
			SWIG_fail;
		}
		for (Py_ssize_t i = 0; i < n; i++) {
			PyObject *o = PySequence_GetItem($input, i);
			const char *s = o && PyUnicode_Check(o) ? PyUnicode_AsUTF8(o) : NULL;
			if (!s) {
				Py_XDECREF(o);
				for (Py_ssize_t j = 0; j < i; j++)
					free(tmp[j]);
				free(tmp);
				tmp = NULL;
				PyErr_SetString(PyExc_TypeError, "expected a list of str");
				SWIG_fail;
			}
			tmp[i] = strdup(s);
			Py_DECREF(o);
		}
		$1 = ($1_ltype)tmp;
	}
}
%typemap(freearg) const char *const * {
	if (tmp$argnum) {
		for (Py_ssize_t i = 0; i < n$argnum; i++)
			free(tmp$argnum[i]);
		free(tmp$argnum);
	}
}

/* These accessors share their names with enum tags, which SWIG would
 * otherwise let win. */
%rename(vxt_probe_get_kind) vxt_probe_kind(const struct vxt_probe *);
%rename(vxt_probe_get_outcome) vxt_probe_outcome(const struct vxt_probe *);
%rename(vxt_remedy_get_kind) vxt_remedy_kind(const struct vxt_remedy *);
%rename(vxt_diagnose_get_outcome) vxt_diagnose_outcome(const struct vxt_diagnose *);

/* Logging goes through a C function pointer with a va_list: not for Python. */
%ignore vxt_ctx_set_log_fn;
%ignore vxt_log_fn;

/* ...and the calls that talk to the kernel release it. */
%thread vxt_features_get;
%thread vxt_features_get_index;
%thread vxt_features_get_all;
%thread vxt_features_set;
%thread vxt_features_set_glob;
%thread vxt_feature_req_check;
%thread vxt_sysctl_show;
%thread vxt_sysctl_rp_filter;
%thread vxt_sysctl_req_check;
%thread vxt_sysctl_set;
%thread vxt_sysctl_render;
%thread vxt_policy_check;
%thread vxt_policy_apply;
%thread vxt_snapshot_take;
%thread vxt_snapshot_restore;
%thread vxt_watch_new;
%thread vxt_watch_resync;
%thread vxt_watch_dispatch;
%thread vxt_watch_run;
%thread vxt_links_get;
%thread vxt_underlay_detect;
%thread vxt_probe_icmp;
%thread vxt_probe_tcp;
%thread vxt_probe_udp;
%thread vxt_probe_dns;
%thread vxt_probe_large;
%thread vxt_check_run;
%thread vxt_diagnose_run;

%include "vxlantune.h"
