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
/* @@SWIG_OUT@@ */

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
/* @@SWIG_THREAD@@ */

%include "vxlantune.h"
