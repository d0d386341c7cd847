"""Unit tests of kvmfm_log over saved serial logs (scripts/test-data/).
make check runs them before it builds or boots anything:
    python3 -m unittest discover -s scripts
"""
import pathlib
import unittest

import kvmfm_log

DATA = pathlib.Path(__file__).resolve().parent / "test-data"


def load(name):
    return kvmfm_log.parse((DATA / name).read_text())


class ParseLog(unittest.TestCase):
    def test_passing_run(self):
        log = load("pass.log")
        self.assertTrue(log.done)
        self.assertEqual([(r.set, r.test, r.rc) for r in log.runs],
                         [("stock", "kvm_binary_stats_test", 0),
                          ("patched", "kvm_binary_stats_test", 0)])
        self.assertEqual(log.params["stock"]["nrips"], "1")
        subs = kvmfm_log.subtests(log.run("patched", "kvm_binary_stats_test"))
        self.assertEqual([(s.ok, s.num, s.desc, s.skip) for s in subs],
                         [(True, n, f"vm{n - 1}", None) for n in range(1, 5)])

    def test_failing_subtest(self):
        log = load("fail-subtest.log")
        run = log.run("stock", "x86/fast_mmio_test")
        self.assertEqual(run.rc, 1)
        subs = kvmfm_log.subtests(run)
        self.assertEqual(len(subs), 34)
        self.assertEqual([(s.num, s.desc) for s in subs if not s.ok],
                         [(23, "doorbell: movl (%rdi), %eax"), (24, "doorbell: movq (%rdi), %r9")])
        # An assertion's report is output, not a result.
        self.assertIn("==== Test Assertion Failure ====", run.lines)

    def test_skips(self):
        log = load("skip.log")
        whole = log.run("stock", "x86/nested_set_state_test")
        self.assertEqual(whole.rc, 4)
        self.assertEqual(kvmfm_log.skip_reason(whole),
                         "- Requirement not met: kvm_cpu_has(X86_FEATURE_VMX)")
        self.assertEqual(kvmfm_log.subtests(whole), [])
        subs = kvmfm_log.subtests(log.run("stock", "x86/fast_mmio_test"))
        self.assertEqual([(s.ok, s.num, s.skip) for s in subs], [(True, 30, ""), (True, 31, "")])
        self.assertTrue(subs[0].desc.startswith("single-step (KVM_GUESTDBG_SINGLESTEP)"))

    def test_vm_died_mid_test(self):
        log = load("died.log")
        self.assertFalse(log.done)
        run = log.run("stock", "x86/fast_mmio_test")
        self.assertIsNone(run.rc)
        self.assertEqual(run.lines[-1], "[  412.331102] kvm_amd: triple fault")
        self.assertEqual(log.run("patched", "x86/fast_mmio_test"), None)

    def test_reset(self):
        text = (DATA / "died.log").read_text() + "KVMFM-BOOT\nKVMFM-PARAMS amd stock nrips=1\n"
        log = kvmfm_log.parse("KVMFM-BOOT\n" + text)
        self.assertEqual(log.boots, 2)
        run = log.run("stock", "x86/fast_mmio_test")
        self.assertIsNone(run.rc)
        self.assertEqual(run.lines[-1], "[  412.331102] kvm_amd: triple fault")

    def test_truncated_log(self):
        log = load("truncated.log")
        self.assertFalse(log.done)
        run = log.run("stock", "x86/fast_mmio_test")
        self.assertIsNone(run.rc)   # "KVMFM-RES" is not a result
        self.assertEqual([s.num for s in kvmfm_log.subtests(run)], [1, 2])

    def test_bench(self):
        log = load("bench.log")
        run = log.run("patched", "fast_mmio_bench")
        self.assertEqual(run.rc, 0)
        m = kvmfm_log.measures(run)
        self.assertEqual(sorted(m), sorted(["cpuid", "pio", "fast_mmio", "datamatch", "mmio_user"]))
        self.assertTrue(all(mean >= low > 0 for mean, low in m.values()))
        func, lines = kvmfm_log.trace(run)
        self.assertEqual(func, "npf_interception")
        self.assertTrue(any("ioeventfd_write" in ln for ln in lines))
        self.assertFalse(any(ln.startswith("# ") or "trace-end" in ln for ln in lines))

    def test_list(self):
        tests = kvmfm_log.test_list(DATA / "tests.txt")
        self.assertEqual(tests, [("kvm_binary_stats_test", {"all": False}),
                                 ("x86/svm_vmcall_test", {"amd": False}),
                                 ("x86/fast_mmio_test", {"all": False, "amd-bochs": True})])
        on = {cpu: [(t, kvmfm_log.runs_on(sel, cpu, vendor)) for t, sel in tests]
              for cpu, vendor in (("amd-bochs", "amd"), ("intel-bochs", "intel"))}
        self.assertEqual(on["amd-bochs"], [("kvm_binary_stats_test", (True, False)),
                                           ("x86/svm_vmcall_test", (True, False)),
                                           ("x86/fast_mmio_test", (True, True))])
        self.assertEqual(on["intel-bochs"], [("kvm_binary_stats_test", (True, False)),
                                             ("x86/svm_vmcall_test", (False, False)),
                                             ("x86/fast_mmio_test", (True, False))])

    def test_list_typos(self):
        bad = DATA / "bad-tests.txt"
        try:
            for line in ("x86/foo\n", "x86/bar\tintell\n", "x86/baz\tamd:stock-fail\n"):
                bad.write_text(line)
                with self.assertRaises(ValueError):
                    kvmfm_log.test_list(bad)
        finally:
            bad.unlink()

    def test_plan_and_params(self):
        log = load("fail-subtest.log")
        self.assertEqual(kvmfm_log.plan(log.run("stock", "x86/fast_mmio_test")), 34)
        line = "KVMFM-PARAMS intel stock ept=Y vmentry_l1d_flush=not required nested=Y"
        params = kvmfm_log.parse(line).params["stock"]
        self.assertEqual(params, {"ept": "Y", "vmentry_l1d_flush": "not required", "nested": "Y"})

    def test_definition_var(self):
        cpus = DATA.parent / "cpus"
        for cpu in cpus.iterdir():
            self.assertIn(kvmfm_log.definition_var(cpus, cpu.name, "VENDOR"), ("amd", "intel"))
            self.assertTrue(kvmfm_log.definition_var(cpus, cpu.name, "LABEL"))
        self.assertEqual(kvmfm_log.definition_var(cpus, "amd-bochs", "ARGS_fast_mmio_bench"),
                         "-t svm_vcpu_run,npf_interception")
        check, reason = kvmfm_log.known_failure("intel-bochs", "x86/fast_mmio_test")
        self.assertEqual(check, "single-step (KVM_GUESTDBG_SINGLESTEP) over a doorbell write")
        self.assertIn("#DB", reason)     # a '#' inside quotes is not a comment
        # Keyed by the file name: the same on 6.12's x86_64/ and 7.3's x86/.
        self.assertEqual(kvmfm_log.known_failure("intel-bochs", "x86_64/fast_mmio_test"),
                         (check, reason))
        self.assertEqual(kvmfm_log.known_failure("amd-qemu", "x86/fast_mmio_test"),
                         (None, None))

if __name__ == "__main__":
    unittest.main()
