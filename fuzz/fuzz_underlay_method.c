/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Underlay method strings (lib/underlay_method.c): the public
 * vxt_underlay_method_check and the parser behind it.  can-reach=NAME must
 * be validated without resolving NAME: the guard (fuzz/guard.c) aborts on
 * any socket or getaddrinfo call.  Input: the method text. */
#include "config.h"

#include "fuzz.h"
#include "underlay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vxt_ctx *ctx = fuzz_ctx();
	char *spec = fuzz_cstr(data, size);
	int rc = vxt_underlay_method_check(ctx, spec);
	FUZZ_ASSERT(rc == 0 || (rc == -EINVAL && *vxt_ctx_errmsg(ctx)));
	struct vxt_method m;
	int rc2 = vxt_method_parse(ctx, spec, &m);
	FUZZ_ASSERT(rc2 == rc);
	if (rc2 == 0) {
		FUZZ_ASSERT(m.canon && strlen(m.canon) < 4096 + 32);
		/* The canonical text is itself a valid method, with the same
		 * meaning. */
		struct vxt_method again;
		FUZZ_ASSERT(vxt_method_parse(ctx, m.canon, &again) == 0);
		FUZZ_ASSERT(again.kind == m.kind && !strcmp(again.canon, m.canon));
		vxt_method_clear(&again);
		for (unsigned int i = 0; i < m.nre; i++)
			(void)regexec(&m.re[i], "vxlan.calico", 0, NULL, 0);
		vxt_method_clear(&m);
	}
	free(spec);
	return 0;
}
