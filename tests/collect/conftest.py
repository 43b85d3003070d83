"""Real SNMP agents for the collector tests: snmpsim serving fixture files on 127.50.1.1."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import snmpsim

from legacyscan.lab.snmp_agents import snmpsim as run_snmpsim

FIXTURES = Path(__file__).parent.parent / "fixtures"
RECORDED = Path(snmpsim.__file__).parent / "data" / "recorded"
SIM_ADDRESS, SIM_PORT = "127.50.1.1", 16161

#: community -> the walk file that agent serves
SIM_FILES = {
    "public": FIXTURES / "snmprec" / "ward-switch.snmprec",
    "winxp": RECORDED / "winxp-full-walk.snmprec",
    "linux": RECORDED / "linux-full-walk.snmprec",
    # a UPS card whose identity is in UPS-MIB and XUPS-MIB scalars (written here: the
    # values an Eaton card is quoted answering in LibreNMS's eaton poller comments)
    "ups": FIXTURES / "snmprec" / "eaton-ups.snmprec",
}


@pytest.fixture(scope="session")
def sim_files() -> dict[str, Path]:
    """community -> the walk file the snmpsim agent serves under it."""
    return dict(SIM_FILES)


@pytest.fixture(scope="session")
def sim_agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """snmpsim on 127.50.1.1:16161; the community picks the file (see ``sim_files``)."""
    work = tmp_path_factory.mktemp("snmpsim")
    data = work / "data"
    data.mkdir()
    for community, path in SIM_FILES.items():
        shutil.copy(path, data / f"{community}.snmprec")
    with run_snmpsim(data, [(SIM_ADDRESS, SIM_PORT)], work):
        yield SIM_ADDRESS, SIM_PORT
