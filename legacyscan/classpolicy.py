"""The class policy: how the identify stage's class signals combine into one device class,
read from ``fingerprints/classes.yaml``.

Its own module because two stages read it: identify combines the signals and names a
maker's device kind ("Camera"), and lifecycle tells such a kind-only product from a model
it lacks a record for.  It needs nothing but the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from legacyscan.files import load_mapping
from legacyscan.model import DEVICE_CLASSES
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
class ClassMaker:
    """A maker named alone whose line of this class is sold under another name of ours."""

    vendor: str
    classes: frozenset[str]
    named: str  # the vendor our vocabulary names that line by


@dataclass(frozen=True)
class ClassPolicy:
    """How class signals combine; read from ``fingerprints/classes.yaml``."""

    precedence: tuple[str, ...]
    conflict_weight: float
    refinements: tuple[TypeRefinement, ...]
    kind_products: tuple[KindProduct, ...] = ()
    class_makers: tuple[ClassMaker, ...] = ()

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
            class_makers=tuple(
                ClassMaker(
                    str(m["vendor"]),
                    frozenset(str(c) for c in m["classes"]),
                    str(m["named"]),
                )
                for m in data.get("class_makers") or []
            ),
        )

    def class_maker(self, vendor: str, device_class: str) -> str:
        """The name of ``vendor``'s line of ``device_class`` (the vendor itself by default)."""
        for maker in self.class_makers:
            if maker.vendor == vendor and device_class in maker.classes:
                return maker.named
        return vendor

    def kind_names(self) -> frozenset[str]:
        """The products that name only a device kind ("Camera", "Printer"): no model."""
        return frozenset(kind.product for kind in self.kind_products)

    def kind_product(self, device_class: str, device_type: str | None) -> str | None:
        for kind in self.kind_products:
            if kind.device_class == device_class and kind.device_type in (None, device_type):
                return kind.product
        return None
