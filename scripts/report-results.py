#!/usr/bin/env python3
"""Turn make demo's serial logs into Documentation/results.md, a chart
(Documentation/results.png, gnuplot) and the ftrace graphs
(Documentation/traces/KERNEL-CPU-SET.txt).

    report-results.py [--seconds N] KERNEL=LOGDIR...

LOGDIR holds CPU-SET.log per CPU of scripts/cpus/ and module set, each a
run of selftests/fast_mmio_bench (see scripts/kvmfm_log.py).
"""
import argparse
import datetime
import pathlib
import re
import subprocess
import sys

import kvmfm_log

TOP = pathlib.Path(__file__).resolve().parent.parent
DOC = TOP / "Documentation"
BENCH = "fast_mmio_bench"
SETS = ("stock", "patched")
# The exit handlers that a doorbell write reaches without the exit fastpath.
EXIT_HANDLERS = ("npf_interception", "handle_ept_misconfig")
PATHS = {   # fast_mmio_bench's paths, in its order, and what they are
    "cpuid": "null exit (CPUID)",
    "pio": "PIO eventfd write",
    "fast_mmio": "doorbell write (zero-length MMIO eventfd)",
    "datamatch": "datamatch MMIO eventfd write",
    "mmio_user": "MMIO write to userspace",
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int)
    ap.add_argument("logs", nargs="+", metavar="KERNEL=LOGDIR")
    args = ap.parse_args()
    cpus = kvmfm_log.cpu_names()
    label = {c: kvmfm_log.definition_var(kvmfm_log.CPUS_DIR, c, "LABEL") for c in cpus}
    kernels = {}
    for arg in args.logs:
        k, _, d = arg.partition("=")
        kernels[k] = pathlib.Path(d)

    data, traces = {}, {}   # (k, cpu, set) -> {path: (mean, min)} / (func, lines)
    for k, d in kernels.items():
        for cpu in cpus:
            for s in SETS:
                f = d / f"{cpu}-{s}.log"
                if not f.exists():
                    sys.exit(f"error: no log {f}: run make demo")
                run = kvmfm_log.parse(f.read_text(errors="replace")).run(s, BENCH)
                if run is None or run.rc != 0:
                    why = "did not run" if run is None else f"exited with {run.rc}"
                    sys.exit(f"error: {BENCH} {why} in {f}; see that log")
                data[k, cpu, s] = kvmfm_log.measures(run)
                traces[k, cpu, s] = kvmfm_log.trace(run)
                if set(data[k, cpu, s]) != set(PATHS) or not traces[k, cpu, s][1]:
                    sys.exit(f"error: measurements or graph missing in {f}")

    def get(k, cpu, s, path, which=1):   # which: 0 mean, 1 cheapest batch
        return data[k, cpu, s][path][which]

    def ratio(a, b):
        return a / b if b else float("nan")

    # Bars: (description, value, low, high).  The kernels not given drop out.
    # Doorbells cost against stock: 6.12 emulates them, 7.3 has mainline's
    # fast path (and the series adds the exit fastpath on top).
    bars = []
    ks = list(kernels)
    for k, hi in (("6.12", 0.32), ("7.3", 0.85)):
        if k in kernels:
            bars.append((f"{k}, AMD ryzen (NRIPS): doorbell patched/stock",
                         ratio(get(k, "amd-bochs", "patched", "fast_mmio"),
                               get(k, "amd-bochs", "stock", "fast_mmio")), None, hi))
    for k in ks:
        for cpu in ("amd-bochs", "intel-bochs"):
            bars.append((f"{k}, {cpu}: doorbell/PIO-eventfd write, patched",
                         ratio(get(k, cpu, "patched", "fast_mmio"),
                               get(k, cpu, "patched", "pio")), None, 0.80))
    for k in ks:
        for cpu in cpus:
            for p in ("datamatch", "mmio_user"):
                bars.append((f"{k}, {cpu}: {p} patched/stock",
                             ratio(get(k, cpu, "patched", p), get(k, cpu, "stock", p)), None, 1.03))
    if len(ks) == 2:
        a, b = ks
        db = {k: ratio(get(k, "amd-bochs", "patched", "fast_mmio"),
                       get(k, "amd-bochs", "patched", "pio")) for k in ks}
        bars.append((f"AMD ryzen, doorbell/PIO patched: {a} against {b}",
                     ratio(db[a], db[b]), 0.95, 1.05))

    def bar_lines(md):
        out = []
        for desc, v, lo, hi in bars:
            ok = (lo is None or v >= lo) and v <= hi
            rng = f"<= {hi:.2f}" if lo is None else f"{lo:.2f} .. {hi:.2f}"
            verdict = ("met" if ok else "NOT met")
            out.append(f"- {desc}: {v:.3f} (bar {rng}): "
                       + (f"**{verdict}**" if md else verdict))
        return out

    def table(k):
        head = "| path |" + "".join(f" {c} stock | {c} patched | patched/stock |" for c in cpus)
        rows = [head, "|---|" + "---:|" * (3 * len(cpus))]
        for p, name in PATHS.items():
            row = f"| {name} |"
            for c in cpus:
                st, pa = get(k, c, "stock", p), get(k, c, "patched", p)
                row += f" {st} | {pa} | {ratio(pa, st):.2f} |"
            rows.append(row)
        row = "| doorbell / PIO |"
        for c in cpus:
            r = [ratio(get(k, c, s, "fast_mmio"), get(k, c, s, "pio")) for s in SETS]
            row += f" {r[0]:.2f} | {r[1]:.2f} | |"
        rows.append(row)
        return rows

    # ftrace graphs.
    tdir = DOC / "traces"
    tdir.mkdir(exist_ok=True)
    for old in tdir.glob("*.txt"):
        old.unlink()
    trows = []
    for (k, cpu, s), (func, lines) in traces.items():
        name = f"{k}-{cpu}-{s}.txt"
        start = next((i for i, ln in enumerate(lines)
                      if any(f"{f} " in ln for f in func.split(","))), 0)
        lines = lines[start:]   # from the first graphed function on
        (tdir / name).write_text("\n".join(lines) + "\n")
        text = "\n".join(lines)
        calls = sum(1 for ln in lines if re.search(r"\(\);|\) \{", ln))
        handler = any(h in text for h in EXIT_HANDLERS)
        trows.append(f"| {k} | {cpu} | {s} | `{func}` | [traces/{name}](traces/{name}) | {calls} | "
                     f"{'yes' if handler else 'no'} | "
                     f"{'yes' if 'x86_emulate_instruction' in text else 'no'} | "
                     f"{'yes' if 'ioeventfd_write' in text else 'no'} |")

    qemu = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True,
                          text=True).stdout.splitlines()[0]
    bochs = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "bochs"], capture_output=True,
                           text=True).stdout
    commit = subprocess.run(["git", "-C", str(TOP), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "?"
    md = ["# Results: what one exit costs, stock vs patched, per kernel", "",
          f"Produced by `make demo` on {datetime.date.today()} (commit {commit}), "
          f"{args.seconds if args.seconds is not None else '?'} s for the VMs and this report.",
          f"Emulators: {qemu}; Bochs {bochs}. CPUs: "
          + "; ".join(f"`{c}` = {label[c]}" for c in cpus) + ".",
          "Tool: `selftests/fast_mmio_bench.c`: per path, 16 batches of 64 iterations",
          "timed by the guest with RDTSC, one VM per kernel, CPU and module set.", "",
          "Numbers are guest TSC ticks per iteration of the **cheapest batch**. Under QEMU",
          "`-icount shift=0` and Bochs `clock: sync=none` the guest TSC counts emulated",
          "instructions, so a count is what the host (L1) kernel ran for one exit plus",
          "the guest's own loop. Compare ratios within one emulator and kernel, not",
          "counts across them.", ""]
    for k in ks:
        kdir = TOP / "scripts/kernels"
        md += [f"## Kernel {k}", "",
               f"`{kvmfm_log.definition_var(kdir, k, 'SRC_PKG')}` {kvmfm_log.definition_var(kdir, k, 'KVER_PKG')}: "
               "stock modules against "
               f"modules built from `patches/{k}`.", ""] + table(k) + [""]
    md += ["## Bars", ""] + bar_lines(True) + ["", "![cheapest batch per path](results.png)", "",
           "## Means of all batches (same runs)", ""]
    head = "| kernel | CPU | set |" + "".join(f" {p} |" for p in PATHS)
    md += [head, "|---|---|---|" + "---:|" * len(PATHS)]
    for k in ks:
        for c in cpus:
            for s in SETS:
                md.append(f"| {k} | {c} | {s} |" + "".join(f" {get(k, c, s, p, 0)} |" for p in PATHS))
    md += ["", "## ftrace: one doorbell write", "",
           "function_graph of the vendor's run loop (where the exit fastpath runs) and",
           "exit handler during one doorbell write after a warm-up write",
           "(`fast_mmio_bench -t FUNCTION,...`, ARGS_fast_mmio_bench in scripts/cpus/).",
           "The KVM_RUN also enters the guest a second time, up to its next exit to",
           "userspace. Durations are emulated time: compare shapes, not microseconds.", "",
           "| kernel | CPU | modules | functions | graph | calls | exit handler | x86_emulate_instruction | ioeventfd_write |",
           "|---|---|---|---|---|---:|---|---|---|"] + trows + [""]
    md.append((DOC / "results-notes.md").read_text())
    md.append("Reproduce: `make demo`.")
    (DOC / "results.md").write_text("\n".join(md) + "\n")

    series = [(f"{k} {c}", get(k, c, "stock", "fast_mmio"), get(k, c, "patched", "fast_mmio"),
               get(k, c, "patched", "pio")) for k in ks for c in cpus]
    plot = "\n".join(f'"{n}" {a} {b} {c}' for n, a, b, c in series)
    subprocess.run(["gnuplot"], check=True, text=True, input=f"""
set terminal pngcairo size 1100,520 font "DejaVu Sans,10"
set output "{DOC / 'results.png'}"
set title "Doorbell write vs PIO eventfd write, cheapest batch, per kernel and CPU"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set ylabel "guest TSC per iteration (= emulated instructions)"
set key top left
set grid ytics
set xtics noenhanced
$d << EOD
{plot}
EOD
plot $d using 2:xtic(1) title "doorbell, stock", '' using 3 title "doorbell, patched", '' using 4 title "PIO eventfd, patched"
""")

    for k in ks:
        print(f"kernel {k}")
        for row in table(k):
            if not row.startswith("|---"):
                print("  " + row.strip("| ").replace(" | ", "\t"))
    print("\n".join(bar_lines(False)))
    print("wrote Documentation/results.md, results.png, traces/*.txt")
    return 0   # a benchmark prints numbers; make check asserts behaviour


if __name__ == "__main__":
    sys.exit(main())
