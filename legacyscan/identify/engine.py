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
from dataclasses import replace

from legacyscan.classpolicy import ClassPolicy
from legacyscan.identify.merging import (
    agreeing_makers,
    combine_guesses,
    drop_less_specific,
    guess_values,
    merge_identities,
    narrow_alternatives,
    unclaimed_makers,
)
from legacyscan.identify.model_families import family_identity
from legacyscan.identify.observe import observations as observations
from legacyscan.identify.observe import split_os_name
from legacyscan.identify.platforms import kind_signals, platform_identity
from legacyscan.identify.rules import RuleSet, load_vocabulary
from legacyscan.identify.table_rows import (
    MAKER_NAME_FIELDS,
    TableAnswer,
    TableRow,
    enterprise_number,
)
from legacyscan.identify.tables import Tables
from legacyscan.model import (
    Alternative,
    ClassSignal,
    DeviceClass,
    Evidence,
    Host,
    IdentifiedDevice,
    Identity,
    Observation,
)

#: how many distinct observation sets ``Identifier`` remembers the answer of
MEMO_SIZE = 20_000
#: what an answer depends on: a host's observations and which of them are nmap's guesses
_Seen = tuple[tuple[Observation, ...], frozenset[tuple[str, str]]]


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
        self._kind_names = self.policy.kind_names()
        #: the ids of the tables' rows: an identity only they name is general knowledge
        self._table_ids = frozenset(row.id for row in self.tables.rows)
        #: answers by what was observed: a hospital's fleets (the same pump, the same
        #: console image) give the same observations, and the answer depends on nothing else
        self._answers: dict[_Seen, IdentifiedDevice] = {}

    def identify(self, host: Host) -> IdentifiedDevice:
        seen = tuple(observations(host))
        guesses = frozenset(guess_values(host))
        known = self._answers.get((seen, guesses))
        if known is not None:
            return replace(known, host=host)
        answer = self._identify(host, seen, guesses)
        if len(self._answers) >= MEMO_SIZE:
            self._answers.clear()  # bounded: a network of unique devices gains nothing
        self._answers[seen, guesses] = answer
        return answer

    def _identify(
        self, host: Host, seen: tuple[Observation, ...], guesses: frozenset[tuple[str, str]]
    ) -> IdentifiedDevice:
        context: dict[str, list[str]] = defaultdict(list)
        for obs in seen:
            context[obs.field].append(obs.value)
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
            # a service's own CPE is no guess, even when an OS guess prints the same one
            # (Windows Phone's "cpe:/o:microsoft:windows" beside HTTPAPI's)
            is_guess = obs.port is None and (obs.field, obs.value) in guesses
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
                        if made.vendor_only or self._kind_of_a_number(row):
                            # a number's device kind ("Lexmark: Printer") says only the
                            # maker: the class gives the kind back (below), and a maker the
                            # device's own text names instead (an OEM's number) contradicts it
                            makers.append((replace(made, product=""), covers))
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
        # what no rule named of the maker's system, the device's own text may (platforms.py)
        named_all, platform_signals = self._platform(seen, named_all, makers)
        signals.extend(platform_signals)
        device_class, device_type, confidence, conflicts = self._classify(signals)
        kind = self.policy.kind_product(device_class, device_type)
        makers = [
            (replace(m, vendor=self.policy.class_maker(m.vendor, device_class)), c)
            for m, c in makers
        ]
        if device_class == "unknown":
            # no class says which of the number's makers' lines it is (HP's number: HP
            # or HPE): the others it covers are candidates of the one maker named
            makers = [(hedged_maker(m, c), c) for m, c in makers]
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

    def _platform(
        self,
        seen: Sequence[Observation],
        named: tuple[Identity, ...],
        makers: Sequence[tuple[Identity, frozenset[str]]],
    ) -> tuple[tuple[Identity, ...], list[ClassSignal]]:
        """The identities with the platform of a known maker (or one that names its maker
        alone) that the device's own text names, when no rule named that maker's system;
        else with the generic device words of that text as class signals, where the
        maker has that kind.  A versionless system only a table named (a sysObjectID
        subtree's) gives way to the text's: the same product gains its version, another
        one is the table's guess that the device's own words correct."""
        table = self.tables.platforms
        texts = [o for f in table.fields for o in seen if o.field == f]
        known = {m.vendor for m, _ in makers} | {v for _, covers in makers for v in covers}
        known |= {i.vendor for i in named if i.kind == "hardware" and not i.vendor_only}
        systems = [i for i in named if i.kind in ("os", "firmware") and not i.vendor_only]
        # a system a table guessed says its maker too (a sysObjectID subtree's "VRP")
        guessed = [i for i in systems if self._table_guess(i)]
        known |= {i.vendor for i in guessed}
        settled = [i for i in systems if i.vendor in known and i not in guessed]
        if not texts or settled or (not known and systems):
            return named, []  # rules first: the maker's system is named already
        found = platform_identity(table, texts, frozenset(known) if known else None)
        if found is not None:
            identity, signal = found
            return _correcting(named, guessed, identity), [signal] if signal else []
        # the kind is the named maker's own, not a line its name covers: an "HP" PDU may be
        # HPE's, and a class would settle the maker before the lines are told apart
        own = {m.vendor for m, _ in makers}
        # a known maker's model family names its system or its kind (model_families.py)
        families = self.tables.families
        family_texts = [o for f in families.fields for o in seen if o.field == f]
        family = family_identity(families, family_texts, frozenset(own)) if own else None
        if family is not None:
            system, signal = family
            if system is not None:
                named = _correcting(named, guessed, system)
            if signal is not None:
                return named, [signal]
        return named, kind_signals(
            table,
            texts,
            lambda c, t: any(
                self.policy.kind_product(c, t) in self.vocabulary.get(v, ()) for v in own
            ),
        )

    def _table_guess(self, identity: Identity) -> bool:
        """A versionless identity that only table rows name (no rule, no version read)."""
        return identity.version is None and all(
            e.rule in self._table_ids for e in identity.evidence
        )

    def _kind_of_a_number(self, row: TableRow) -> bool:
        """An enterprise number's row whose product is only the device kind."""
        return row.id.startswith("enterprise.") and row.product in self._kind_names

    def _table_answers(self, obs: Observation) -> list[tuple[TableAnswer, frozenset[str]]]:
        """The table rows that answer one observation, most specific first, with the vendor
        names their enterprise number also covers."""
        if obs.field == "snmp.sysObjectID":
            found = []
            oid = self.tables.embedded_oid(obs.value)
            number = enterprise_number(oid)
            entry = self.tables.enterprises.get(number) if number is not None else None
            covers = frozenset(entry.covers) if entry else frozenset()
            product = self.tables.object_id(oid)
            if product is not None:
                found.append((product, covers))
            maker = self.tables.enterprise(oid)
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


def _correcting(
    named: tuple[Identity, ...], guessed: Sequence[Identity], system: Identity
) -> tuple[Identity, ...]:
    """``named`` with ``system``, the maker's own words: the maker's other system that only
    a table guessed gives way (the same product gains the version); other makers' stay."""
    wrong = [i for i in guessed if i.vendor == system.vendor]
    kept = tuple(i for i in named if i not in wrong or i.product == system.product)
    return merge_identities((*kept, system))


def hedged_maker(maker: Identity, covers: frozenset[str]) -> Identity:
    """A vendor-only identity with the other makers its enterprise number covers as
    candidates (``alternatives``), when no class told them apart."""
    others = sorted(covers - {maker.vendor})
    if not maker.vendor_only or not others:
        return maker
    return replace(maker, alternatives=tuple(Alternative(vendor, "", None) for vendor in others))
