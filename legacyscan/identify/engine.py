"""Identification: turn what the collectors saw into named identities and a device class.

Each observation of a host (a sysDescr, a service label, a CPE, an open port) is read
by the first rule of its field that matches; the rule's identity and class hint become
evidence.  Identities naming the same product are merged; class hints are summed per
class and the heaviest class wins, with the rest kept as signals (and conflicts when
they are strong) so that the report can show a disagreement instead of hiding it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from legacyscan.files import load_mapping
from legacyscan.identify.observe import best_os_matches, os_class_values, split_os_name
from legacyscan.identify.observe import observations as observations
from legacyscan.identify.rules import RuleSet, load_vocabulary
from legacyscan.identify.tables import MAKER_NAME_FIELDS, TableAnswer, Tables, enterprise_number
from legacyscan.model import (
    DEVICE_CLASSES,
    Alternative,
    ClassSignal,
    DeviceClass,
    Evidence,
    Host,
    IdentifiedDevice,
    Identity,
    IdentityKind,
    Observation,
)
from legacyscan.paths import fingerprints_dir


@dataclass(frozen=True)
class TypeRefinement:
    """When the winning class/type comes with another class's signal, rename the type."""

    device_class: str
    device_type: str
    with_class: str
    becomes: str


@dataclass(frozen=True)
class KindProduct:
    """The product a maker-only identity takes on a device of this class (and type)."""

    device_class: str
    device_type: str | None
    product: str


@dataclass(frozen=True)
class ClassPolicy:
    """How class signals combine; read from ``fingerprints/classes.yaml``."""

    precedence: tuple[str, ...]
    conflict_weight: float
    refinements: tuple[TypeRefinement, ...]
    kind_products: tuple[KindProduct, ...] = ()

    @classmethod
    def load(cls, path: Path | None = None) -> ClassPolicy:
        path = path or fingerprints_dir() / "classes.yaml"
        data = load_mapping(path)
        precedence = tuple(str(c) for c in data["precedence"])
        unknown = set(precedence) - set(DEVICE_CLASSES)
        if unknown:
            raise ValueError(f"{path.name}: unknown classes in precedence: {sorted(unknown)}")
        return cls(
            precedence=precedence,
            conflict_weight=float(data.get("conflict_weight", 0.5)),
            refinements=tuple(
                TypeRefinement(str(r["class"]), str(r["type"]), str(r["with"]), str(r["becomes"]))
                for r in data.get("refine") or []
            ),
            kind_products=tuple(
                KindProduct(
                    str(k["class"]),
                    None if k.get("type") is None else str(k["type"]),
                    str(k["product"]),
                )
                for k in data.get("kind_products") or []
            ),
        )

    def kind_product(self, device_class: str, device_type: str | None) -> str | None:
        for kind in self.kind_products:
            if kind.device_class == device_class and kind.device_type in (None, device_type):
                return kind.product
        return None


class Identifier:
    """The identify stage: rules and class policy loaded once, applied to many hosts."""

    def __init__(
        self,
        rules: RuleSet | None = None,
        policy: ClassPolicy | None = None,
        tables: Tables | None = None,
    ) -> None:
        self.rules = rules or RuleSet.load()
        self.policy = policy or ClassPolicy.load()
        self.tables = self.rules.tables if tables is None else tables
        self.vocabulary = load_vocabulary()

    def identify(self, host: Host) -> IdentifiedDevice:
        seen = observations(host)
        context: dict[str, list[str]] = defaultdict(list)
        for obs in seen:
            context[obs.field].append(obs.value)
        guesses = _guess_values(host)
        # nmap's tied OS guesses are candidates of one answer: each weighs 1/n as a class
        # signal, and what they name becomes one identity with alternatives (below)
        guess_names = [
            o.value for o in seen if o.field == "nmap.osmatch" and not split_os_name(o.value)
        ]
        share = 1 / max(1, len(guess_names))
        unnamed_guess = False
        identities: list[Identity] = []
        guessed: list[Identity] = []
        makers: list[tuple[Identity, frozenset[str]]] = []
        signals: list[ClassSignal] = []
        for obs in seen:
            is_guess = (obs.field, obs.value) in guesses
            weight_share = share if is_guess else 1.0
            named: list[Identity] = []
            classified = False
            hit = self.rules.first_match(obs.field, obs.value, context)
            if hit is not None:
                rule, found = hit
                evidence = Evidence(obs.source, obs.field, obs.value, rule.id, obs.port)
                named.extend(rule.identities(found, evidence))
                if rule.classify is not None:
                    classified = True
                    signals.append(
                        ClassSignal(
                            device_class=rule.classify.device_class,  # type: ignore[arg-type]
                            device_type=rule.classify.device_type,
                            weight=round(rule.classify.weight * weight_share, 3),
                            reason=rule.id,
                            detail=obs.value,
                        )
                    )
            if not named or not classified:
                # what no rule said, the tables may: general knowledge after the specific
                for answer, covers in self._table_answers(obs):
                    row = answer.row
                    if not named and row.kind and row.vendor:
                        made = Identity(
                            kind=row.kind,  # type: ignore[arg-type]
                            vendor=row.vendor,
                            product=row.product,
                            version=answer.version,
                            cpe=answer.cpe,
                            confidence=row.confidence,
                            evidence=(
                                Evidence(obs.source, obs.field, obs.value, row.id, obs.port),
                            ),
                        )
                        if made.vendor_only:
                            makers.append((made, covers))
                        else:
                            named.append(made)
                    if not classified and row.classify is not None:
                        classified = True
                        signals.append(
                            ClassSignal(
                                device_class=row.classify.device_class,  # type: ignore[arg-type]
                                device_type=row.classify.device_type,
                                weight=round(row.classify.weight * weight_share, 3),
                                reason=row.id,
                                detail=obs.value,
                            )
                        )
            if obs.field == "nmap.osmatch" and obs.value in guess_names and not named:
                unnamed_guess = True
            # a rule from another database may know only the maker: a vendor-only identity
            makers.extend((i, frozenset()) for i in named if i.vendor_only)
            named = [i for i in named if not i.vendor_only]
            (guessed if is_guess else identities).extend(named)
        # the makers nmap's tied guesses name, with or without a product: several makers
        # among candidates is a guess between them, so their maker-only identities name none
        guess_evidence = {(f, v) for f, v in guesses}
        guess_makers = {
            i.vendor
            for i in [*guessed, *(m for m, _ in makers)]
            if any((e.field, e.value) in guess_evidence for e in i.evidence)
        }
        if len(guess_makers) > 1:
            makers = [
                (m, c)
                for m, c in makers
                if not any((e.field, e.value) in guess_evidence for e in m.evidence)
            ]
        # one tied guess nobody can name could be the true system: the others' verdict
        # would then be the wrong one, so the guesses name no operating system together
        if unnamed_guess and len(guess_names) > 1:
            guessed = [i for i in guessed if i.kind != "os"]
        identities.extend(combine_guesses(guessed))
        makers = agreeing_makers(makers)
        named_all = drop_less_specific(merge_identities(narrow_alternatives(identities)))
        device_class, device_type, confidence, conflicts = self._classify(signals)
        kind = self.policy.kind_product(device_class, device_type)
        makers_left = tuple(
            replace(maker, product=kind)
            if kind and kind in self.vocabulary.get(maker.vendor, ())
            else maker
            for maker in unclaimed_makers(makers, named_all)
        )
        return IdentifiedDevice(
            host=host,
            identities=named_all + makers_left,
            device_class=device_class,
            device_type=device_type,
            class_confidence=confidence,
            class_signals=tuple(signals),
            class_conflicts=conflicts,
        )

    def _table_answers(self, obs: Observation) -> list[tuple[TableAnswer, frozenset[str]]]:
        """The table rows that answer one observation, most specific first, with the vendor
        names their enterprise number also covers."""
        if obs.field == "snmp.sysObjectID":
            found = []
            number = enterprise_number(obs.value)
            entry = self.tables.enterprises.get(number) if number is not None else None
            covers = frozenset(entry.covers) if entry else frozenset()
            product = self.tables.object_id(obs.value)
            if product is not None:
                found.append((product, covers))
            maker = self.tables.enterprise(obs.value)
            if maker is not None:
                found.append((maker, covers))
            return found
        if obs.field == "nmap.cpe":
            answer = self.tables.cpe(obs.value)
            return [(answer, frozenset())] if answer else []
        if obs.field == "nmap.osclass":
            return self.tables.os_class(obs.value)
        if obs.field == "nmap.devicetype":
            kind = self.tables.device_type(obs.value)
            return [(kind, frozenset())] if kind else []
        if obs.field in MAKER_NAME_FIELDS:
            named = self.tables.maker_name(obs.value)
            return [named] if named else []
        return []

    def identify_all(self, hosts: Iterable[Host]) -> tuple[IdentifiedDevice, ...]:
        return tuple(self.identify(host) for host in hosts)

    def _classify(
        self, signals: Sequence[ClassSignal]
    ) -> tuple[DeviceClass, str | None, float, tuple[DeviceClass, ...]]:
        if not signals:
            return "unknown", None, 0.0, ()
        totals: dict[str, float] = defaultdict(float)
        for signal in signals:
            totals[signal.device_class] += signal.weight
        rank = {name: i for i, name in enumerate(self.policy.precedence)}
        winner = max(totals, key=lambda c: (totals[c], -rank.get(c, len(rank))))
        typed = [s for s in signals if s.device_class == winner and s.device_type]
        device_type = max(typed, key=lambda s: s.weight).device_type if typed else None
        for refinement in self.policy.refinements:
            if (
                refinement.device_class == winner
                and refinement.device_type == device_type
                and refinement.with_class in totals
            ):
                device_type = refinement.becomes
                break
        conflicts = tuple(
            c for c in sorted(totals) if c != winner and totals[c] >= self.policy.conflict_weight
        )
        confidence = round(min(0.99, totals[winner]), 2)
        return winner, device_type, confidence, conflicts  # type: ignore[return-value]


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


def _guess_values(host: Host) -> set[tuple[str, str]]:
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
    naming either would be a guess, so contradicting makers name none.
    """
    if len({maker.vendor for maker, _ in makers}) > 1:
        return []
    return list(makers[:1])


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
