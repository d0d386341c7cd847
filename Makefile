# Front door; see README.md.  Everything big lives in ~/.cache/kvm-fast-mmio/.
# Make owns the order: deps -> fetch -> tree -> kernel -> modules/selftests
# -> initramfs -> VMs.  Per-kernel steps are STEP-KERNEL, e.g. tree-7.3; a
# kernel is a definition in scripts/kernels/.
SHELL := /bin/bash
KERNELS := $(sort $(filter-out %.config,$(notdir $(wildcard scripts/kernels/*))))
.PHONY: demo check report test-parser deps tree modules selftests load patches clean
.SECONDARY:   # the per-kernel steps below are not files: never "rm" them

demo: $(addprefix initramfs-,$(KERNELS))	## measure stock vs patched on emulated AMD and Intel, both kernels: Documentation/results.md
	@scripts/demo.sh $(KERNELS)
check: test-parser $(addprefix initramfs-,$(KERNELS))	## run the selftests on emulated AMD and Intel, stock and patched, both kernels
	@scripts/check.sh $(KERNELS)
report:		## make check's TAP again, from its saved logs (or LOGS="KERNEL=DIR ...")
	@scripts/check.sh --saved $(KERNELS)
test-parser: deps	## unit tests of the serial-log parser, over scripts/test-data/
	@python3 -m unittest discover -q -s scripts
deps:		## install the Debian packages the harness needs
	@scripts/install-deps.sh
tree: $(addprefix tree-,$(KERNELS))	## unpack each kernel's source and git am patches/KERNEL/series
modules: modules-6.12	## patched kvm.ko, kvm-amd.ko, kvm-intel.ko for Debian's 6.12.117 kernel
selftests: $(addprefix selftests-,$(KERNELS))	## the KVM selftests the VMs run (static)
load: modules-6.12	## on a real 6.12.117+deb12 host: replace the running KVM modules
	@scripts/load-modules.sh
patches: $(addprefix tree-,$(KERNELS))	## checkpatch --strict, added files vs their patches, W=1 builds
	@for k in $(KERNELS); do KERNEL=$$k scripts/check-patches.sh || exit 1; done
clean:		## remove the prepared trees, the builds and the VM outputs (keeps downloads)
	@for k in $(KERNELS); do KERNEL=$$k scripts/clean.sh; done

# Per kernel.  These targets are not files; Make runs them every time and
# each script returns at once when its inputs have not changed.
fetch-%: deps
	@KERNEL=$* scripts/fetch-kernel.sh
tree-%: fetch-%
	@KERNEL=$* scripts/prepare-tree.sh
kernel-%: tree-%
	@KERNEL=$* scripts/build-kernel.sh
modules-%: kernel-%
	@KERNEL=$* scripts/build-modules.sh
selftests-%: tree-%
	@KERNEL=$* scripts/build-selftests.sh
initramfs-%: modules-% selftests-%
	@KERNEL=$* scripts/make-initramfs.sh
