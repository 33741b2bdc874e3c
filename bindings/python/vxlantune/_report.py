# SPDX-License-Identifier: LGPL-2.1-or-later
"""Reports: what a mutating call did (or, in a dry run, would do)."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator

from ._core import check, raw


# Records are named tuples (immutable, compared by value): no dataclass
# machinery (dataclasses, inspect, re) at import.
class ReportEntry(namedtuple("ReportEntry", "area object key before after requested via status error",
                             defaults=(0,))):
    """One object/key touched by an operation.

    area: "feature" or "sysctl"; object: interface name ("" for global
    keys); key: kernel feature name or sysctl key; before, after: "on"/"off"
    or the sysctl value; requested: "" for side effects; via: the word the
    caller used ("tx", "gro"), "" for side effects; status: changed,
    unchanged, fixed, side-effect, gone, failed, rolled-back (changed, then
    put back because another write of the same apply failed); error: errno
    of a failed entry.
    """

    __slots__ = ()

    def to_dict(self) -> dict[str, object]:
        return dict(self._asdict())


class Report:
    """A sequence of :class:`ReportEntry` plus the outcome of the whole call."""

    def __init__(self, entries: list[ReportEntry], dry_run: bool, unmet: int):
        self.entries = entries
        self.dry_run = dry_run
        #: requests not met (fixed features, failures): CLI exit code 1
        self.unmet = unmet

    @classmethod
    def _from_raw(cls, ptr) -> "Report":
        n = raw.vxt_report_count(ptr)
        entries = []
        for i in range(n):
            entries.append(ReportEntry(
                area="sysctl" if raw.vxt_report_area(ptr, i) == raw.VXT_AREA_SYSCTL else "feature",
                object=raw.vxt_report_object(ptr, i),
                key=raw.vxt_report_key(ptr, i),
                before=raw.vxt_report_before(ptr, i),
                after=raw.vxt_report_after(ptr, i),
                requested=raw.vxt_report_requested(ptr, i),
                via=raw.vxt_report_via(ptr, i),
                status=raw.vxt_status_name(raw.vxt_report_status(ptr, i)),
                error=raw.vxt_report_error(ptr, i),
            ))
        return cls(entries, bool(raw.vxt_report_dry_run(ptr)), raw.vxt_report_unmet(ptr))

    def __iter__(self) -> Iterator[ReportEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, i: int) -> ReportEntry:
        return self.entries[i]

    @property
    def changed(self) -> bool:
        """True if anything changed (in a dry run: would change)."""
        return any(e.status in ("changed", "side-effect") for e in self.entries)

    def find(self, obj: str, key: str) -> ReportEntry | None:
        """The entry for (object, key), or None."""
        for e in self.entries:
            if e.object == obj and e.key == key:
                return e
        return None

    def to_dicts(self) -> list[dict[str, object]]:
        """Plain data for JSON or an Ansible result."""
        return [e.to_dict() for e in self.entries]

    def __repr__(self) -> str:
        counts: dict[str, int] = {}
        for e in self.entries:
            counts[e.status] = counts.get(e.status, 0) + 1
        return f"<Report dry_run={self.dry_run} unmet={self.unmet} {counts}>"


def take(ctx_ptr, rc: int, ptr) -> Report:
    """The Report of a call that returned rc and the C report ptr: raises
    Error for a failed call, and releases the C report either way."""
    try:
        check(ctx_ptr, rc)
        return Report._from_raw(ptr)
    finally:
        raw.vxt_report_unref(ptr)
