#!/usr/bin/env python3
"""An independent reference for the snapshot tests' expected advisory sets.

Reads the PyPA advisory database YAML with PyYAML's BaseLoader (every scalar a string) and matches
pinned versions with `packaging.version.Version`, following the OSV schema's evaluation rules
(`versions` list, ECOSYSTEM ranges: introduced/fixed/last_affected/limit; withdrawn skipped). It
shares no code with Vouch, so agreement between the two is evidence, not an echo. Run:

    python3 test/deps/reference/osv_match.py ../shared/data/osv/pypa-advisory-database name==version ...

and it prints, per package, the sorted ids of the advisories that affect it.
"""
import os
import sys

import yaml
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version


def load(root):
    by_name = {}
    for dirpath, _, files in os.walk(os.path.join(root, "vulns")):
        for f in files:
            if not f.endswith(".yaml"):
                continue
            with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                rec = yaml.load(fh, Loader=yaml.BaseLoader)
            if rec.get("withdrawn"):
                continue
            for aff in rec.get("affected", []):
                pkg = aff.get("package", {})
                if pkg.get("ecosystem") != "PyPI":
                    continue
                by_name.setdefault(canonicalize_name(pkg["name"]), []).append((rec["id"], aff))
    return by_name


def parse(v):
    try:
        return Version(v)
    except InvalidVersion:
        return None


def in_range(events, v):
    bounds = []
    for e in events:
        (kind, value), = e.items()
        if kind == "introduced":
            bounds.append((Version("0") if value == "0" else parse(value) or Version("0"), 0, kind))
        else:
            pv = parse(value)
            if pv is not None:
                bounds.append((pv, {"last_affected": 1, "fixed": 2, "limit": 3}[kind], kind))
    limits = [b for b, _, k in bounds if k == "limit"]
    if limits and not any(v < l for l in limits):
        return False
    affected = False
    for bound, _, kind in sorted(bounds, key=lambda b: (b[0], b[1])):
        if kind == "introduced" and v >= bound:
            affected = True
        elif kind == "fixed" and v >= bound:
            affected = False
        elif kind == "last_affected" and v > bound:
            affected = False
    return affected


def affects(aff, version):
    v = parse(version)
    listed = {parse(x) for x in aff.get("versions", [])}
    if v is not None and v in listed:
        return True
    if v is None:
        return version in aff.get("versions", [])
    return any(in_range(r.get("events", []), v) for r in aff.get("ranges", []) if r.get("type") == "ECOSYSTEM")


def main():
    by_name = load(sys.argv[1])
    for pin in sys.argv[2:]:
        name, version = pin.split("==")
        ids = sorted({i for i, aff in by_name.get(canonicalize_name(name), []) if affects(aff, version)})
        print(f"{name}=={version}: {' '.join(ids)}")


if __name__ == "__main__":
    main()
