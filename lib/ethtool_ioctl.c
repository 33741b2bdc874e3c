/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The legacy SIOCETHTOOL ioctl (ETHTOOL_GSSET_INFO, GSTRINGS, GFEATURES,
 * SFEATURES): the fallback for kernels without ethtool netlink FEATURES_*
 * (< 5.7).  Same objects and semantics as ethtool_nl.c. */
#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "features.h"

static int ioctl_fd(struct vxt_ctx *ctx)
{
	if (ctx->ioctl_fd < 0) {
		ctx->ioctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (ctx->ioctl_fd < 0)
			ctx->ioctl_fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (ctx->ioctl_fd < 0)
			return -errno;
	}
	return ctx->ioctl_fd;
}

static int eth_ioctl(struct vxt_ctx *ctx, const char *ifname, void *data)
{
	int fd = ioctl_fd(ctx);
	if (fd < 0)
		return fd;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	if (strnlen(ifname, IFNAMSIZ) >= IFNAMSIZ)
		return -EINVAL;
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	ifr.ifr_data = data;
	ctx->extack[0] = '\0';
	int rc = ioctl(fd, SIOCETHTOOL, &ifr);
	return rc < 0 ? -errno : rc;
}

/* The feature names come from a device ("lo" exists in every namespace). */
int vxt_ioctl_strset(struct vxt_ctx *ctx, struct vxt_strset **out)
{
	struct {
		struct ethtool_sset_info hdr;
		uint32_t buf[1];
	} info = {.hdr = {.cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_FEATURES}};
	int rc = eth_ioctl(ctx, "lo", &info);
	if (rc < 0)
		return rc;
	if (!(info.hdr.sset_mask & (1ULL << ETH_SS_FEATURES)))
		return -EOPNOTSUPP;
	uint32_t count = info.hdr.data[0];
	if (count == 0 || count > 4096)
		return -EPROTO;
	struct ethtool_gstrings *gs = calloc(1, sizeof(*gs) + (size_t)count * ETH_GSTRING_LEN);
	if (!gs)
		return -ENOMEM;
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_FEATURES;
	gs->len = count;
	rc = eth_ioctl(ctx, "lo", gs);
	struct vxt_strset *s = NULL;
	if (rc >= 0 && gs->len <= count)
		rc = vxt_strset_new(gs->len, &s);
	else if (rc >= 0)
		rc = -EPROTO;
	for (uint32_t i = 0; rc >= 0 && i < s->count; i++) {
		const char *nm = (const char *)gs->data + (size_t)i * ETH_GSTRING_LEN;
		size_t n = strnlen(nm, ETH_GSTRING_LEN);
		if (n == 0)
			continue; /* unused bit */
		if (!(s->names[i] = strndup(nm, n)))
			rc = -ENOMEM;
	}
	free(gs);
	if (rc < 0) {
		vxt_strset_unref(s);
		return rc;
	}
	*out = s;
	return 0;
}

int vxt_ioctl_features_get(struct vxt_ctx *ctx, const char *ifname, int ifindex,
                           struct vxt_strset *names, struct vxt_features **out)
{
	char namebuf[IF_NAMESIZE];
	if (!ifname) {
		if (!if_indextoname((unsigned int)ifindex, namebuf))
			return -ENODEV;
		ifname = namebuf;
	}
	unsigned int nbits = names->count;
	unsigned int words = VXT_WORDS(nbits);
	struct ethtool_gfeatures *gf = calloc(1, sizeof(*gf) + words * sizeof(gf->features[0]));
	if (!gf)
		return -ENOMEM;
	gf->cmd = ETHTOOL_GFEATURES;
	gf->size = words;
	int rc = eth_ioctl(ctx, ifname, gf);
	struct vxt_features *f = NULL;
	if (rc >= 0)
		rc = vxt_features_alloc(names, nbits, &f);
	if (rc >= 0) {
		snprintf(f->ifname, sizeof(f->ifname), "%s", ifname);
		f->ifindex = ifindex > 0 ? ifindex : (int)if_nametoindex(ifname);
		for (unsigned int w = 0; w < words && w < gf->size; w++) {
			f->hw[w] = gf->features[w].available;
			f->wanted[w] = gf->features[w].requested;
			f->active[w] = gf->features[w].active;
			f->nochange[w] = gf->features[w].never_changed;
		}
		if ((rc = vxt_features_index(f)) < 0)
			vxt_features_unref(f);
		else
			*out = f;
	}
	free(gf);
	return rc;
}

int vxt_ioctl_features_dump(struct vxt_ctx *ctx, struct vxt_strset *names,
                            vxt_features_fn fn, void *userdata)
{
	struct if_nameindex *ifs = if_nameindex();
	if (!ifs)
		return -errno;
	int rc = 0;
	for (struct if_nameindex *i = ifs; i->if_index && rc == 0; i++) {
		struct vxt_features *f;
		rc = vxt_ioctl_features_get(ctx, i->if_name, (int)i->if_index, names, &f);
		if (rc == -ENODEV) {
			rc = 0; /* vanished while we listed: not part of the dump */
			continue;
		}
		if (rc == 0) {
			rc = fn(f, userdata);
			vxt_features_unref(f);
		}
	}
	if_freenameindex(ifs);
	return rc;
}

int vxt_ioctl_features_set(struct vxt_ctx *ctx, struct vxt_set_job *jobs, unsigned int n)
{
	for (unsigned int j = 0; j < n; j++) {
		struct vxt_set_job *job = &jobs[j];
		char namebuf[IF_NAMESIZE];
		const char *ifname = job->ifname[0] ? job->ifname : NULL;
		if (!ifname && !(ifname = if_indextoname((unsigned int)job->ifindex, namebuf))) {
			job->error = -ENODEV;
			continue;
		}
		unsigned int words = VXT_WORDS(job->nbits);
		struct ethtool_sfeatures *sf = calloc(1, sizeof(*sf) + words * sizeof(sf->features[0]));
		if (!sf)
			return -ENOMEM;
		sf->cmd = ETHTOOL_SFEATURES;
		sf->size = words;
		for (unsigned int w = 0; w < words; w++) {
			sf->features[w].valid = job->mask[w];
			sf->features[w].requested = job->value[w] & job->mask[w];
		}
		int rc = eth_ioctl(ctx, ifname, sf);
		/* A positive result (ETHTOOL_F_WISH/UNSUPPORTED) only says some
		 * bits did not take; the re-read reports those as fixed. */
		job->error = rc < 0 ? rc : 0;
		job->extack[0] = '\0';
		free(sf);
	}
	return 0;
}
