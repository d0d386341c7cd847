# Front door; see README.md.  Everything big lives in ~/.cache/kvm-fast-mmio/.
SHELL := /bin/bash
.PHONY: demo check deps tree modules selftests load patches clean

demo:		## build, measure stock vs patched on emulated AMD and Intel, write Documentation/results.md
	@scripts/demo.sh
check:		## build, run the selftests on emulated AMD and Intel, stock and patched
	@scripts/check.sh
deps:		## install the Debian packages (kernel source, headers, image, emulators)
	@scripts/install-deps.sh
tree: deps	## unpack linux-source-6.12 and git am patches/series
	@scripts/prepare-tree.sh
modules: tree	## patched kvm.ko, kvm-amd.ko, kvm-intel.ko for Debian's 6.12.117 kernel
	@scripts/build-modules.sh
selftests: tree	## the KVM selftests the VMs run (static)
	@scripts/build-selftests.sh
load: modules	## on a real 6.12.117+deb12 host: replace the running KVM modules
	@scripts/load-modules.sh
patches:	## checkpatch --strict and a W=1 build of the series
	@scripts/check-patches.sh
clean:		## remove the prepared tree, the builds and the VM outputs (keeps downloads)
	@. scripts/config.sh && rm -rf "$$TREE" "$$BUILD" "$$BUILD.log" "$$OUT" "$$CACHE"/wt-* && echo "removed build outputs under $$CACHE"
