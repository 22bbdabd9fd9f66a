"""Cold-start proxy: each Lambda function's import-and-init cost against a minimal Powertools handler.

Each sample is a fresh interpreter timing only the handler import, with .pyc from a private, pre-warmed
PYTHONPYCACHEPREFIX. Informational: never asserts timings; exits 1 only when a module fails to import.
"""

# ruff: noqa: T201  (a command-line report: printing is its job)
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cfnlint.decode.cfn_yaml import load  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
TARGET = 1.3
REFERENCE = "reference"
REFERENCE_SOURCE = '''"""What a minimal Powertools Lambda does at import."""
import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver

logger = Logger()
app = APIGatewayRestResolver()
ddb = boto3.client("dynamodb")


def lambda_handler(event, context):
    return app.resolve(event, context)
'''
# Runs in the child: time only the handler import, then report seconds and peak RSS on a marked line. Peak RSS is
# VmHWM where /proc exists: ru_maxrss survives execve on Linux, so it would report the parent's RSS at fork.
CHILD = """import importlib, resource, sys, time
code_dir, module, attr = sys.argv[1:4]
sys.path.insert(0, code_dir)
start, cpu = time.perf_counter(), time.process_time()
handler = getattr(importlib.import_module(module), attr)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
try:
    kib = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
except OSError:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // (1024 if sys.platform == "darwin" else 1)
start = time.perf_counter() - elapsed  # the peak's reading is not timed
# The "with clients" figure: also build every AWS client the function asked for and its DynamoDB client, as
# the worst first invocation would (the layer builds them on first use).
if "caseline.adapters.aws" in sys.modules:
    sys.modules["caseline.adapters.aws"].prepare()
if "caseline.adapters.dynamodb.models" in sys.modules:
    sys.modules["caseline.adapters.dynamodb.models"].CaselineItem._get_connection().connection.client
with_clients = time.perf_counter() - start
print("BENCH", repr(elapsed), kib, repr(with_clients), repr(cpu), flush=True)
"""


@dataclass
class Subject:
    name: str
    code_dir: Path
    module: str
    attr: str
    seconds: list[float] = field(default_factory=list)
    with_clients: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # the import's CPU time: what a busy machine disturbs least
    peak_mib: float = 0.0
    error: str | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def clients_ms(self) -> float:
        return statistics.median(self.with_clients) * 1000

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.cpu) * 1000


def functions_from_template(template: Path) -> list[Subject]:
    doc = load(str(template))
    defaults = doc.get("Globals", {}).get("Function", {})
    subjects = []
    for name, resource in doc["Resources"].items():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::Serverless::Function":
            continue  # every resource that is not a function
        props = resource.get("Properties", {})
        module, attr = str(props.get("Handler", defaults.get("Handler"))).rsplit(".", 1)
        code_dir = (template.parent / str(props.get("CodeUri", defaults.get("CodeUri", ".")))).resolve()
        subjects.append(Subject(name, code_dir, module, attr))
    return subjects


def child_env(prefix: Path, scratch: Path, *, write_bytecode: bool = False) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_REGION": "eu-west-2",
        "AWS_DEFAULT_REGION": "eu-west-2",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        # Not part of the brief: keep the developer's ~/.aws out, never probe instance metadata.
        "AWS_CONFIG_FILE": str(scratch / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(scratch / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "CASELINE_ENVIRONMENT": "local",  # local defaults for the variables only some functions get
        "TABLE_NAME": "caseline-bench",
        "FORCES": "thames-valley,hampshire",
        "POWERTOOLS_SERVICE_NAME": "bench",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Caseline",
        "PYTHONPATH": str(ROOT / "layers" / "core"),
        "PYTHONPYCACHEPREFIX": str(prefix),
    }
    if not write_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # as template.yaml sets it; timed runs never touch the cache
    return env


def measure(subject: Subject, env: dict[str, str]) -> tuple[float, float, float, float] | str:
    """Seconds and peak MiB of one fresh import, seconds with its clients built and the import's CPU seconds,
    or the child's output when it fails."""
    args = [sys.executable, "-c", CHILD, str(subject.code_dir), subject.module, subject.attr]
    proc = subprocess.run(args, cwd=subject.code_dir, env=env, capture_output=True, text=True, check=False)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("BENCH ")]
    if proc.returncode != 0 or not lines:
        return (proc.stderr or proc.stdout).strip() or f"exit status {proc.returncode}"
    _, seconds, kib, with_clients, cpu = lines[-1].split()
    return float(seconds), int(kib) / 1024, float(with_clients), float(cpu)


def warm_cache(prefix: Path, scratch: Path, subjects: list[Subject]) -> None:
    """Compile the layer and functions, then import every subject once with writes on so that the stdlib and
    site-packages modules they load are cached too (a prefix replaces every __pycache__, not just ours)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPYCACHEPREFIX": str(prefix)}
    compile_args = [sys.executable, "-m", "compileall", "-q", str(ROOT / "layers" / "core"), str(ROOT / "functions")]
    subprocess.run(compile_args, env=env, check=True, stdout=subprocess.DEVNULL)
    for subject in subjects:
        result = measure(subject, child_env(prefix, scratch, write_bytecode=True))
        if isinstance(result, str):
            subject.error = result


def stdlib_only(warm: Path, target: Path) -> Path:
    """A prefix holding only the interpreter's stdlib .pyc: the Lambda runtime has those, the package might not."""
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    source = warm / stdlib.relative_to(stdlib.anchor)
    shutil.copytree(source, target / stdlib.relative_to(stdlib.anchor), dirs_exist_ok=True)
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    if site.is_relative_to(stdlib):  # system interpreter: site-packages lives under the stdlib directory
        shutil.rmtree(target / site.relative_to(site.anchor), ignore_errors=True)
    return target


def run(rounds: int, scratch: Path, only: list[str] | None = None) -> tuple[list[Subject], dict[str, float]]:
    ref_dir = scratch / "reference"
    ref_dir.mkdir()
    (ref_dir / "handler.py").write_text(REFERENCE_SOURCE)
    reference = Subject(REFERENCE, ref_dir, "handler", "lambda_handler")
    functions = functions_from_template(ROOT / "template.yaml")
    if only:  # while iterating on one function: the reference and the functions named, nothing else
        functions = [s for s in functions if any(name.lower() in s.name.lower() for name in only)]
    subjects = [reference, *functions]
    warm = scratch / "pyc-warm"
    warm_cache(warm, scratch, subjects)
    live = [s for s in subjects if s.error is None]
    env = child_env(warm, scratch)
    for index in range(rounds):
        for subject in live if index % 2 == 0 else reversed(live):  # alternate the order to share drift
            result = measure(subject, env)
            if isinstance(result, str):
                subject.error = result
            else:
                subject.seconds.append(result[0])
                subject.with_clients.append(result[2])
                subject.cpu.append(result[3])
                subject.peak_mib = max(subject.peak_mib, result[1])
    cold_ms: dict[str, float] = {}  # one extra reference run each, without the package's (or any) bytecode
    empty, stdlib = scratch / "pyc-empty", stdlib_only(warm, scratch / "pyc-stdlib")
    empty.mkdir()
    for label, prefix in (("no_pyc", empty), ("no_package_pyc", stdlib)):
        result = measure(reference, child_env(prefix, scratch))
        if not isinstance(result, str):
            cold_ms[label] = result[0] * 1000
    return subjects, cold_ms


def as_json(subjects: list[Subject], cold_ms: dict[str, float], rounds: int) -> str:
    base = subjects[0].median_ms if subjects[0].seconds else None
    rows = [
        {
            "function": s.name,
            "median_ms": round(s.median_ms, 1) if s.seconds else None,
            "ratio": round(s.median_ms / base, 3) if s.seconds and base else None,
            "meets_target": (s.median_ms / base <= TARGET) if s.seconds and base and s is not subjects[0] else None,
            "peak_mib": round(s.peak_mib, 1),
            "samples_ms": [round(x * 1000, 1) for x in s.seconds],
            "with_clients_ms": round(s.clients_ms, 1) if s.with_clients else None,
            "with_clients_ratio": round(s.clients_ms / base, 3) if s.with_clients and base else None,
            "cpu_ms": round(s.cpu_ms, 1) if s.cpu else None,
            "cpu_ratio": round(s.cpu_ms / subjects[0].cpu_ms, 3) if s.cpu and subjects[0].cpu else None,
            "error": s.error,
        }
        for s in subjects
    ]
    cold = {k: {"ms": round(v, 1), "ratio": round(v / base, 3) if base else None} for k, v in cold_ms.items()}
    meta = {"python": sys.version.split()[0], "rounds": rounds, "target_ratio": TARGET}
    return json.dumps({**meta, "results": rows, "reference_without_pyc": cold}, indent=2)


def print_table(subjects: list[Subject], cold_ms: dict[str, float], rounds: int) -> None:
    base = subjects[0].median_ms if subjects[0].seconds else float("nan")
    width = max(len(s.name) for s in subjects)
    header = f"{'function':<{width}}  {'median_ms':>9}  {'ratio':>6}  {'peak_MiB':>8}  {'+clients':>8}  {'cpu':>6}"
    print(f"{header}  target (<= {TARGET}x)")
    for s in subjects:
        if not s.seconds:
            print(f"{s.name:<{width}}  {'-':>9}  {'-':>6}  {'-':>8}  {'-':>8}  {'-':>6}  IMPORT FAILED")
            continue
        ratio = s.median_ms / base
        mark = "" if s.name == REFERENCE else ("✓" if ratio <= TARGET else "✗")
        clients, cpu = s.clients_ms / base, s.cpu_ms / subjects[0].cpu_ms
        figures = f"{s.median_ms:>9.1f}  {ratio:>5.2f}x  {s.peak_mib:>8.1f}  {clients:>7.2f}x  {cpu:>5.2f}x"
        print(f"{s.name:<{width}}  {figures}  {mark}")
    print(
        f"\nratio = a function's median import-and-init time / the reference handler's (Logger, APIGatewayRestResolver,"
        f" one boto3 client) in the same run: {rounds} interleaved rounds, fresh interpreters, warm .pyc,"
        f" Python {sys.version.split()[0]}. 1.30x = 30% more cold-start import work than the reference."
        "\n+clients = the same, with every AWS client the function may use (and its DynamoDB client) built too, as"
        " the layer does on first use: the worst first invocation. Informational; the target is on ratio."
        "\ncpu = the ratio of the imports' median CPU time (the child's process time): less disturbed than ratio when"
        " others share the machine. Informational."
    )
    texts = {"no_pyc": "no .pyc at all", "no_package_pyc": "no .pyc for packages, stdlib compiled"}
    for label, ms in cold_ms.items():
        print(f"reference without bytecode ({texts[label]}): {ms:.1f} ms = {ms / base:.2f}x warm (one run)")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="measurements per function (default 7)")
    parser.add_argument("--json", action="store_true", help="print machine-readable results instead of a table")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="measure only the functions whose name contains NAME (repeatable), beside the reference",
    )
    args = parser.parse_args()
    rounds = max(1, args.rounds)
    with tempfile.TemporaryDirectory(prefix="caseline-bench-") as scratch:
        subjects, cold_ms = run(rounds, Path(scratch), args.only)
    if args.json:
        print(as_json(subjects, cold_ms, rounds))
    else:
        print_table(subjects, cold_ms, rounds)
    for s in subjects:
        if s.error:
            print(f"\n{s.name} failed to import:\n{s.error}", file=sys.stderr)
    return 1 if any(s.error for s in subjects) else 0


if __name__ == "__main__":
    sys.exit(main())
