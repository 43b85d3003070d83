"""Identities of one device put together: tied or listed guesses as one identity with
alternatives, duplicates merged, a less specific identity dropped where a more specific one
names the same product, the maker alone kept only where nothing names its product."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from legacyscan.identify.observe import best_os_matches, os_class_values, split_os_name
from legacyscan.identify.observe import observations as observations
from legacyscan.model import (
    Alternative,
    Evidence,
    Host,
    Identity,
    IdentityKind,
)


def _names(identity: Identity) -> set[tuple[str, str]]:
    return {(identity.vendor, identity.product)} | {
        (alt.vendor, alt.product) for alt in identity.alternatives
    }


def narrow_alternatives(identities: Sequence[Identity]) -> list[Identity]:
    """Narrow an ambiguous identity with what other evidence of the device names.

    A ``.el8`` kernel is RHEL 8, CentOS Linux 8 or CentOS Stream 8; an Apache Server header
    saying "(CentOS)" on the same device (CentOS Linux or CentOS Stream) leaves the two
    CentOS candidates, and a ``.el7`` kernel with that header is CentOS Linux 7.  Each other
    identity whose names meet the candidates keeps only the common ones; the narrowed
    identity keeps the kernel's version and gains the other evidence.  Evidence naming none
    of the candidates changes nothing.
    """
    settled: list[Identity] = []
    for identity in identities:
        if not identity.alternatives:
            settled.append(identity)
            continue
        keep = _names(identity)
        support: list[Evidence] = []
        for other in identities:
            if other is identity or not (_names(other) & keep):
                continue
            keep &= _names(other)
            support.extend(e for e in other.evidence if e not in identity.evidence)
        options = [(identity.vendor, identity.product, identity.version)] + [
            (alt.vendor, alt.product, alt.version) for alt in identity.alternatives
        ]
        remaining = [option for option in options if option[:2] in keep]
        if len(remaining) == len(options):
            settled.append(identity)
            continue
        vendor, product, version = remaining[0]
        same = (vendor, product) == (identity.vendor, identity.product)
        settled.append(
            replace(
                identity,
                vendor=vendor,
                product=product,
                version=version,
                cpe=identity.cpe if same else None,
                evidence=identity.evidence + tuple(dict.fromkeys(support)),
                alternatives=tuple(Alternative(*option) for option in remaining[1:]),
            )
        )
    return settled


def merge_identities(identities: Sequence[Identity]) -> tuple[Identity, ...]:
    """One identity per (kind, vendor, product, version); a versionless one joins its product.

    Two sources agreeing raise the confidence a little; two versions of one product stay
    apart, so that the disagreement is visible.
    """
    merged: dict[tuple[IdentityKind, str, str, str | None], Identity] = {}
    # Versioned identities first, so that a versionless one always finds its twin.
    for identity in sorted(identities, key=lambda i: i.version is None):
        key = (identity.kind, identity.vendor, identity.product, identity.version)
        if identity.version is None:
            versioned = [k for k in merged if k[:3] == key[:3] and k[3] is not None]
            if versioned:
                key = versioned[0]
        current = merged.get(key)
        if current is None:
            merged[key] = identity
            continue
        evidence = current.evidence + tuple(
            e for e in identity.evidence if e not in current.evidence
        )
        merged[key] = Identity(
            kind=current.kind,
            vendor=current.vendor,
            product=current.product,
            version=current.version or identity.version,
            cpe=current.cpe or identity.cpe,
            confidence=round(min(0.99, max(current.confidence, identity.confidence) + 0.05), 2),
            evidence=evidence,
            # an unambiguous sighting of the same product settles the question
            alternatives=current.alternatives if identity.alternatives else (),
        )
    return tuple(merged.values())


def guess_values(host: Host) -> set[tuple[str, str]]:
    """The observations that are nmap's OS guesses: their names and their CPEs."""
    found: set[tuple[str, str]] = set()
    for match in best_os_matches(host):
        found.add(("nmap.osmatch", match.name.strip()))
        found.update(("nmap.osmatch", part) for part in split_os_name(match.name.strip()))
        found.update(("nmap.cpe", cpe.strip()) for cpe in match.cpes)
    found.update(("nmap.osclass", value) for value in os_class_values(host))
    return found


def combine_guesses(guessed: Sequence[Identity]) -> list[Identity]:
    """nmap's tied OS guesses as ONE identity per kind, the other guesses its alternatives.

    nmap prints every candidate it could not tell apart ("Windows 7 or Server 2008 R2" as
    two lines at 100 %); naming each as an identity would contradict itself.  The most
    confident guess (the first on a tie) is the identity, the others its alternatives:
    the lifecycle stage judges them all and answers only what they agree on, and other
    evidence of the device narrows them (``narrow_alternatives``).
    """
    by_kind: dict[str, list[Identity]] = defaultdict(list)
    for identity in guessed:
        by_kind[identity.kind].append(identity)
    combined: list[Identity] = []
    for group in by_kind.values():
        merged = list(merge_identities(group))
        if len(merged) == 1:
            combined.append(merged[0])
            continue
        primary = max(merged, key=lambda i: i.confidence)
        options: dict[tuple[str, str, str | None], None] = {}
        for other in [primary, *merged]:
            if other is not primary:
                options.setdefault((other.vendor, other.product, other.version))
            for alt in other.alternatives:
                options.setdefault((alt.vendor, alt.product, alt.version))
        options.pop((primary.vendor, primary.product, primary.version), None)
        combined.append(
            replace(
                primary,
                confidence=min(i.confidence for i in merged),
                evidence=tuple(dict.fromkeys(e for i in merged for e in i.evidence)),
                alternatives=tuple(Alternative(*option) for option in options),
            )
        )
    return combined


def unclaimed_makers(
    makers: Sequence[tuple[Identity, frozenset[str]]], named: Sequence[Identity]
) -> tuple[Identity, ...]:
    """The vendor-only identities that no named identity of the same maker already covers.

    An enterprise number says "made by Cisco"; a sysDescr naming Cisco IOS says more, so
    the vendor-only identity adds nothing there.  Where nothing else names the maker
    (a printer that says only "Ricoh"), it is the device's only identity.
    """
    kept: list[Identity] = []
    for maker, covers in makers:
        same = {maker.vendor} | covers
        if not any(other.vendor in same for other in named):
            kept.append(maker)
    return tuple(kept)


def agreeing_makers(
    makers: Sequence[tuple[Identity, frozenset[str]]],
) -> list[tuple[Identity, frozenset[str]]]:
    """The vendor-only identities, unless they name different makers.

    Tied nmap guesses may come from two makers ("3Com 4200G or Huawei Quidway S5600"):
    naming either would be a guess, so contradicting makers name none.  Names of one
    maker's lines agree when the others cover one of them: that one is kept (an "HP"
    sysDescr, which covers HPE, on Aruba's HPE number is HPE's; an "HP" sysDescr on H3C's
    number, which covers HP's Comware switches, is HP's).
    """
    vendors = {maker.vendor for maker, _ in makers}
    if len(vendors) <= 1:
        return list(makers[:1])
    names = [({maker.vendor} | covers) for maker, covers in makers]
    covered = [pair for pair in makers if all(pair[0].vendor in named for named in names)]
    if not covered:
        return []
    return [max(covered, key=lambda pair: pair[0].confidence)]


def drop_less_specific(identities: Sequence[Identity]) -> tuple[Identity, ...]:
    """Without the versionless OS identities that another OS identity of the same vendor
    makes more specific ("Windows", from a Windows RPC port, beside "Windows 7" from SMB)."""

    def subsumed(identity: Identity) -> bool:
        if identity.kind != "os" or identity.version or identity.alternatives:
            return False
        return any(
            other is not identity
            and other.kind == "os"
            and other.vendor == identity.vendor
            and other.product != identity.product
            and other.product.startswith(identity.product + " ")
            for other in identities
        )

    return tuple(i for i in identities if not subsumed(i))
