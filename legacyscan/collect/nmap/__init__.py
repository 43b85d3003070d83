"""nmap, the scanner: profiles as data, the exact command line per chunk, bounded parallel
runs with resume, the XML decoder shared by live scans and imports, the chunk store.
"""

from legacyscan.collect.nmap.chunkstore import ChunkStore, FilesystemChunkStore
from legacyscan.collect.nmap.imports import import_files
from legacyscan.collect.nmap.parse import NmapRun, NmapXmlError, parse_nmap_xml, read_nmap_xml
from legacyscan.collect.nmap.plan import (
    Authorisation,
    NmapError,
    ScanPlan,
    ScanRequest,
    plan_request,
    plan_scan,
)
from legacyscan.collect.nmap.profiles import ScanProfile, load_profiles
from legacyscan.collect.nmap.runner import run_plan

__all__ = [
    "Authorisation",
    "ChunkStore",
    "FilesystemChunkStore",
    "NmapError",
    "NmapRun",
    "NmapXmlError",
    "ScanPlan",
    "ScanProfile",
    "ScanRequest",
    "import_files",
    "load_profiles",
    "parse_nmap_xml",
    "plan_request",
    "plan_scan",
    "read_nmap_xml",
    "run_plan",
]
