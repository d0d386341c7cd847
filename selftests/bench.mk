# Builds selftests/fast_mmio_bench.c against a tree's KVM selftest library
# (scripts/build-selftests.sh), read after that tree's own Makefile:
#   make -C tools/testing/selftests/kvm -f Makefile -f .../bench.mk OUTPUT=... \
#	$OUTPUT/fast_mmio_bench
# CFLAGS, LDFLAGS, LDLIBS and LIBKVM_OBJS (and their rules) are the tree's.
BENCH_DIR := $(dir $(lastword $(MAKEFILE_LIST)))

$(OUTPUT)/fast_mmio_bench: $(BENCH_DIR)fast_mmio_bench.c $(LIBKVM_OBJS)
	$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) $(TARGET_ARCH) $< $(LIBKVM_OBJS) $(LDLIBS) -o $@
