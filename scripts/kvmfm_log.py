"""The serial-log protocol of the test VMs, in one place.

selftests/guest-init.sh prints, once per boot and then per module set and test:
    KVMFM-BOOT                                  init started (twice: a reset)
    KVMFM-PARAMS <vendor> <set> name=value...   after loading a module set
    KVMFM-RUN <vendor> <set> <test>             then the test's own output
    KVMFM-RESULT <vendor> <set> <test> <rc>
    KVMFM-ERROR <reason>                        the guest could not go on
    KVMFM-DONE                                  the guest reached the end
A test's own output is kselftest TAP ("ok N desc", "not ok N desc",
"ok N # SKIP reason", "1..0 # SKIP reason"), and fast_mmio_bench adds:
    # measure <path> mean <n> min <n>
    # trace-begin <function> ... "# "-prefixed ftrace lines ... # trace-end
"""
import pathlib
import re
from dataclasses import dataclass, field

PATTERNS = {
    "params": re.compile(r"^KVMFM-PARAMS (?P<vendor>\S+) (?P<set>\S+)(?P<params>( \S+)*)$"),
    "run": re.compile(r"^KVMFM-RUN (?P<vendor>\S+) (?P<set>\S+) (?P<test>\S+)$"),
    "result": re.compile(r"^KVMFM-RESULT (?P<vendor>\S+) (?P<set>\S+) (?P<test>\S+) (?P<rc>\d+)$"),
    "error": re.compile(r"^KVMFM-ERROR (?P<reason>.*)$"),
    "done": re.compile(r"^KVMFM-DONE$"),
    "boot": re.compile(r"^KVMFM-BOOT$"),
    "measure": re.compile(r"^# measure (?P<path>\S+) mean (?P<mean>\d+) min (?P<min>\d+)$"),
    "trace_begin": re.compile(r"^# trace-begin (?P<func>\S+)$"),
    "trace_end": re.compile(r"^# trace-end$"),
    "subtest": re.compile(r"^(?P<not>not )?ok (?P<num>\d+)(?: (?P<desc>.*?))??"
                          r"(?: # (?P<skip>SKIP)\b ?(?P<reason>.*))?$"),
    "skip_all": re.compile(r"^1\.\.0 # SKIP ?(?P<reason>.*)$"),
    "plan": re.compile(r"^1\.\.(?P<n>\d+)"),
}
# The list files selftests/tests-KERNEL.txt and demo.txt: "test selector...", a
# selector being a CPU (scripts/cpus/), its VENDOR, or "all", with
# ":stock-fails" when the test must fail there with stock modules.
CPUS_DIR = pathlib.Path(__file__).resolve().parent / "cpus"
LIST_LINE = re.compile(r"^(?P<test>[^#\s]\S*)(?:\s+(?P<cpus>.*))?$")


@dataclass
class Subtest:
    ok: bool
    num: int
    desc: str
    skip: str | None = None         # the reason, for "# SKIP"


@dataclass
class Run:
    """One test run with one module set."""
    vendor: str
    set: str
    test: str
    lines: list = field(default_factory=list)
    rc: int | None = None           # None: no KVMFM-RESULT (the VM died)


@dataclass
class Log:
    runs: list = field(default_factory=list)
    params: dict = field(default_factory=dict)   # set -> {name: value}
    errors: list = field(default_factory=list)
    done: bool = False
    boots: int = 0

    def run(self, set_, test):
        for r in self.runs:
            if r.set == set_ and r.test == test:
                return r
        return None


def parse(text):
    log, cur = Log(), None
    for line in text.splitlines():
        line = line.rstrip("\r")
        if PATTERNS["boot"].match(line):
            log.boots += 1
            cur = None          # a run the reset cut short stays without a result
        elif m := PATTERNS["run"].match(line):
            cur = Run(m["vendor"], m["set"], m["test"])
            log.runs.append(cur)
        elif (m := PATTERNS["result"].match(line)) and cur and cur.test == m["test"]:
            cur.rc = int(m["rc"])
            cur = None
        elif m := PATTERNS["params"].match(line):
            # A value may contain spaces (kvm_intel's vmentry_l1d_flush).
            log.params[m["set"]] = dict(re.findall(r" (\S+?)=(.*?)(?= \S+=|$)", m["params"]))
        elif m := PATTERNS["error"].match(line):
            log.errors.append(m["reason"])
        elif PATTERNS["done"].match(line):
            log.done = True
        elif cur:
            cur.lines.append(line)
    return log


def measures(run):
    """{path: (mean, min)} from fast_mmio_bench's output."""
    return {m["path"]: (int(m["mean"]), int(m["min"]))
            for m in map(PATTERNS["measure"].match, run.lines) if m}


def trace(run):
    """(function, [ftrace lines]) of the graph in a run's output, or (None, [])."""
    func, lines, on = None, [], False
    for line in run.lines:
        if m := PATTERNS["trace_begin"].match(line):
            func, on = m["func"], True
        elif PATTERNS["trace_end"].match(line):
            on = False
        elif on and line.startswith("# "):   # not a kernel message in between
            lines.append(line[2:])
    return func, lines


def subtests(run):
    """The kselftest TAP results a run printed, in order."""
    out = []
    for line in run.lines:
        if m := PATTERNS["subtest"].match(line):
            desc, skip = m["desc"], m["reason"] if m["skip"] else None
            if desc is None:    # ksft_test_result_skip(): "ok N # SKIP desc"
                desc, skip = skip or "", "" if m["skip"] else None
            out.append(Subtest(not m["not"], int(m["num"]), desc, skip))
    return out


def plan(run):
    """The number of results a run's "1..N" line announced, or None."""
    return next((int(m["n"]) for m in map(PATTERNS["plan"].match, run.lines) if m), None)


def skip_reason(run):
    """Why a test skipped: its "1..0 # SKIP" line, else its first skipped subtest."""
    for line in run.lines:
        if m := PATTERNS["skip_all"].match(line):
            return m["reason"]
    return next((s.skip for s in subtests(run) if s.skip), "")


def test_list(path):
    """[(test, {selector: stock_fails})] from a selftests/*.txt list; a
    selector that names no CPU of scripts/cpus/, no VENDOR and not "all" is
    an error, so that a typo cannot drop a test silently."""
    cpus = cpu_names()
    known = {"all", *cpus, *(definition_var(CPUS_DIR, c, "VENDOR") for c in cpus)}
    out = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if m := LIST_LINE.match(line):
            selectors = {}
            for c in (m["cpus"] or "").split():
                sel, _, mark = c.partition(":")
                if sel not in known or mark not in ("", "stock-fails"):
                    raise ValueError(f"{path}:{n}: unknown selector '{c}' "
                                     f"(have: {' '.join(sorted(known))}, mark :stock-fails)")
                selectors[sel] = mark == "stock-fails"
            if not selectors:
                raise ValueError(f"{path}:{n}: {m['test']} selects no CPU (add CPUs, a vendor or all)")
            out.append((m["test"], selectors))
    return out


def runs_on(selectors, cpu, vendor):
    """(whether a test runs on cpu, whether it must fail there with stock
    modules): the CPU's own selector first, then its vendor's, then all."""
    for key in (cpu, vendor, "all"):
        if key in selectors:
            return True, selectors[key]
    return False, False


def cpu_names():
    """The CPU definitions, by name."""
    return sorted(p.name for p in CPUS_DIR.iterdir())


def definition_var(folder, name, var):
    """VAR="value", VAR='value' or VAR=value from a definition
    (scripts/cpus/NAME, scripts/kernels/NAME)."""
    m = re.search(rf"""^{var}=(?:"([^"]*)"|'([^']*)'|([^\s#]*))""", (folder / name).read_text(), re.M)
    return next((g for g in m.groups() if g is not None), "") if m else ""


def known_failure(cpu, test):
    """(check, reason) that CPU's definition names in KNOWN_FAIL_<test's file
    name, with _ for .>="CHECK|REASON": a check of test that fails there
    because of the emulator, whatever the kernel, or (None, None)."""
    value = definition_var(CPUS_DIR, cpu, "KNOWN_FAIL_" + test.rsplit("/", 1)[-1].replace(".", "_"))
    check, _, reason = value.partition("|")
    return (check, reason) if check else (None, None)


if __name__ == "__main__":
    # kvmfm_log.py tests LIST [CPU]: the tests of LIST (that run on CPU), for
    # the shell scripts (config.sh's selftests()).
    import sys
    if len(sys.argv) not in (3, 4) or sys.argv[1] != "tests":
        sys.exit("usage: kvmfm_log.py tests LIST [CPU]")
    cpu = sys.argv[3] if len(sys.argv) == 4 else None
    vendor = definition_var(CPUS_DIR, cpu, "VENDOR") if cpu else None
    try:
        tests = test_list(pathlib.Path(sys.argv[2]))
    except ValueError as e:
        sys.exit(f"error: {e}")
    for test, sel in tests:
        if cpu is None or runs_on(sel, cpu, vendor)[0]:
            print(test)
