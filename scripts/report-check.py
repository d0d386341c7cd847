#!/usr/bin/env python3
"""make check's results, from the VMs' serial logs: TAP on stdout and the
line "N passed, N failed, N skipped" last; exit status 1 if any failed.

    report-check.py KERNEL=LOGDIR...

LOGDIR holds CPU.log per CPU of scripts/cpus/, or of $CPUS (one VM: stock,
then patched modules).  Expected are the tests of selftests/tests-KERNEL.txt on their
CPUs; a missing result is a failure.  Each kselftest result a test prints is
a TAP line of its own, then one line for the test's exit status.  A test
marked CPU:stock-fails must fail there with stock modules: its failing
results are "# TODO" (expected), and it is "not ok" if it passes.  A check
that a CPU's definition names in KNOWN_FAIL_<test> fails because of that
emulator: "# TODO" with the reason.
"""
import os
import pathlib
import sys

import kvmfm_log

TOP = pathlib.Path(__file__).resolve().parent.parent
SETS = ("stock", "patched")


class Tap:
    def __init__(self):
        self.n = self.passed = self.failed = self.skipped = self.xfail = 0
        print("TAP version 13")

    def line(self, ok, name, directive="", diag=()):
        self.n += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} {name}{' # ' + directive if directive else ''}")
        for d in diag:
            print(f"#   {d}")
        if directive.startswith("SKIP"):
            self.skipped += 1
        elif directive.startswith("TODO"):
            self.xfail += 1
            self.passed += 1
        elif ok:
            self.passed += 1
        else:
            self.failed += 1


def report(tap, name, run, stock_fails, known=(None, None), errors=(), resets=0):
    """The TAP lines of one test run; run is None when it has no result.
    known: a check that fails because of the emulator, and why."""
    if run is None or run.rc is None:
        why = "no result: the VM did not get there" if run is None else \
              "no result: the VM stopped during the test"
        if errors:
            why += f" (KVMFM-ERROR {errors[0]})"
        if resets:
            why += f" (the emulated machine was reset {resets} times: a triple fault or a panic)"
        tap.line(False, f"{name} ({why})", diag=run.lines[-30:] if run else ())
        return
    unexpected, subs = 0, kvmfm_log.subtests(run)
    for sub in subs:
        sub_name = f"{name}: {sub.desc}"
        if sub.skip is not None:
            tap.line(True, sub_name, f"SKIP {sub.skip}".strip())
        elif sub.desc == known[0]:
            tap.line(sub.ok, sub_name, f"TODO fails on this emulator: {known[1]}")
        elif not sub.ok and stock_fails:
            tap.line(False, sub_name, "TODO fails with stock modules: the series fixes it")
        else:
            tap.line(sub.ok, sub_name)
            unexpected += not sub.ok
    if stock_fails:
        if run.rc not in (0, 4):
            why = [ln for ln in run.lines if "Assertion Failure" in ln or "livelock" in ln]
            tap.line(True, f"{name} # failed (status {run.rc}) with stock modules, as expected",
                     diag=() if subs else why[:3])   # else the TODO lines say which
        else:
            tap.line(False, f"{name} (status {run.rc}: {'passed' if run.rc == 0 else 'skipped'} "
                     "with stock modules, where it is expected to fail: the reproducer no longer "
                     "reproduces)")
    elif run.rc == 0:
        tap.line(True, name)
    elif run.rc == 4:
        tap.line(True, name, f"SKIP {kvmfm_log.skip_reason(run)}")
    elif run.rc == 1 and known[0] and not unexpected and len(subs) == kvmfm_log.plan(run) and \
            any(sub.desc == known[0] and not sub.ok for sub in subs):
        tap.line(True, f"{name} # status 1, from the check that fails on this emulator only")
    else:
        tap.line(False, f"{name} (exit status {run.rc})", diag=run.lines[-30:])


def main():
    defined = kvmfm_log.cpu_names()
    cpus = os.environ.get("CPUS", "").split() or defined
    for cpu in cpus:
        if cpu not in defined:
            sys.exit(f"error: no CPU definition scripts/cpus/{cpu} (CPUS)")
    tap = Tap()
    for arg in sys.argv[1:]:
        kernel, _, logdir = arg.partition("=")
        if not logdir:
            sys.exit(f"error: '{arg}' is not KERNEL=LOGDIR")
        try:
            tests = kvmfm_log.test_list(TOP / f"selftests/tests-{kernel}.txt")
        except (ValueError, OSError) as e:
            sys.exit(f"error: {e}")
        for cpu in cpus:
            f = pathlib.Path(logdir) / f"{cpu}.log"
            log = kvmfm_log.parse(f.read_text(errors="replace")) if f.exists() else kvmfm_log.Log()
            for err in log.errors:
                print(f"# {kernel}/{cpu}: KVMFM-ERROR {err}")
            vendor = kvmfm_log.definition_var(kvmfm_log.CPUS_DIR, cpu, "VENDOR")
            for s in SETS:
                for test, selectors in tests:
                    runs, stock_fails = kvmfm_log.runs_on(selectors, cpu, vendor)
                    if runs:
                        report(tap, f"{kernel}/{cpu}/{s}/{test.split('/')[-1]}", log.run(s, test),
                               s == "stock" and stock_fails,
                               kvmfm_log.known_failure(cpu, test), log.errors,
                               max(log.boots - 1, 0))
    print(f"1..{tap.n}")
    if tap.xfail:
        print(f"# {tap.xfail} expected failures (TODO): with stock modules, or on one emulator")
    print(f"{tap.passed} passed, {tap.failed} failed, {tap.skipped} skipped")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
