/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Linux 7.x selftest library names that the tests backported from 7.x
 * (fast_mmio_test, the vectoring cases of set_memory_region_test) use, on
 * top of the 6.12 library, so that they build from the same source as on
 * 7.x.  Only those tests include this (-include in the Makefile).
 *
 * 6.12's library has no 7.0 stage-2 API for nested guests (tdp_map() and
 * friends): no nested NPT at all, and older nested EPT helpers with another
 * interface.  kvm_cpu_has_tdp() says so, and the tests skip their nested
 * cases.
 */
#ifndef SELFTEST_KVM_UTIL_7X_H
#define SELFTEST_KVM_UTIL_7X_H

#include <sys/eventfd.h>

#include "kvm_util.h"
#include "processor.h"
#include "svm_util.h"
#include "vmx.h"

/* 7.x renamed vm_vaddr_t and vm_paddr_t. */
#define gva_t	vm_vaddr_t
#define gpa_t	vm_paddr_t

#define X86_EFLAGS_TF	BIT(8)

#define vm_alloc_page(vm)	vm_vaddr_alloc_page(vm)

static inline void sti(void)
{
	asm volatile("sti");
}

static inline int kvm_new_eventfd(void)
{
	int fd = eventfd(0, 0);

	TEST_ASSERT(fd >= 0, __KVM_SYSCALL_ERROR("eventfd()", fd));
	return fd;
}

/* 7.x's library allocates the L2 stack; L2 here never nests deeper. */
static unsigned long l2_stack_7x[256] __maybe_unused;
#define generic_svm_setup(svm, rip) \
	generic_svm_setup(svm, rip, &l2_stack_7x[ARRAY_SIZE(l2_stack_7x)])
#define prepare_vmcs(vmx, rip) \
	prepare_vmcs(vmx, rip, &l2_stack_7x[ARRAY_SIZE(l2_stack_7x)])

/*
 * The stats file descriptor is opened on first use and kept until the vCPU
 * is freed (7.x opens it when it creates the vCPU): KVM_GET_STATS_FD is a
 * vCPU ioctl, which waits for KVM_RUN to return, so only reads of an open
 * descriptor work while the vCPU runs (e.g. from a watchdog thread).
 */
static inline u64 vcpu_get_stat_7x(struct kvm_vcpu *vcpu, const char *name)
{
	struct kvm_stats_desc *descs, *desc = NULL;
	struct kvm_stats_header header;
	uint64_t data;
	int i;

	if (vcpu->stats_fd < 0)
		vcpu->stats_fd = vcpu_get_stats_fd(vcpu);
	read_stats_header(vcpu->stats_fd, &header);
	descs = read_stats_descriptors(vcpu->stats_fd, &header);
	for (i = 0; i < header.num_desc && !desc; i++) {
		desc = get_stats_descriptor(descs, i, &header);
		if (strcmp(desc->name, name))
			desc = NULL;
	}
	TEST_ASSERT(desc, "No vCPU stat '%s'", name);
	read_stat_data(vcpu->stats_fd, &header, desc, &data, 1);
	free(descs);
	return data;
}

#define vcpu_get_stat(vcpu, stat)	vcpu_get_stat_7x(vcpu, #stat)

static inline bool kvm_cpu_has_tdp(void)
{
	static bool said;

	if (!said)
		ksft_print_msg("6.12's selftest library has no tdp_map() (7.0)\n");
	said = true;
	return false;
}

static inline void vm_enable_tdp(struct kvm_vm *vm)
{
	TEST_FAIL("6.12's selftest library has no stage-2 API (7.0)");
}

static inline void tdp_identity_map_default_memslots(struct kvm_vm *vm)
{
	TEST_FAIL("6.12's selftest library has no stage-2 API (7.0)");
}

static inline void tdp_map(struct kvm_vm *vm, u64 nested_paddr, u64 paddr, u64 size)
{
	TEST_FAIL("6.12's selftest library has no stage-2 API (7.0)");
}

#endif /* SELFTEST_KVM_UTIL_7X_H */
