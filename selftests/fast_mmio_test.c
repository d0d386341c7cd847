// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test zero-length MMIO ioeventfds ("doorbells", as used by virtio).  KVM puts
 * them on KVM_FAST_MMIO_BUS, where VMX (on an EPT misconfig) and SVM (on an
 * #NPF with a known next RIP) signal the eventfd and skip the instruction
 * without emulating it.  Check what the guest and userspace see, and check
 * which path KVM took with the insn_emulation stat.
 *
 * Each access is a tiny guest function made by GUEST_ACCESS(): an OUT to
 * PORT_BEGIN, the access and an OUT to PORT_END.  On the first exit, the host
 * loads sentinels into the GPRs (RDI holds the doorbell's address); on the
 * second, it checks that it comes right after the access, and checks the GPRs,
 * the eventfd count and the stats; then it puts the guest's own GPRs back.
 *
 * Each check runs in a child process with a VM of its own, so that a failed
 * check is reported as such and the others still run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "svm_util.h"
#include "vmx.h"

#define DB_GPA			0x40000000
#define DB_GVA			DB_GPA
/* An nGPA (and L2 GVA) for L2 to reach L1's doorbell by, and a GPA without memslot. */
#define L2_ALIAS_NGPA		(DB_GPA + PAGE_SIZE)
#define OTHER_MMIO_GPA		(DB_GPA + 2 * PAGE_SIZE)

#define PORT_BEGIN		0x80
#define PORT_END		0x81

#define NR_REPEAT		4
#define DATAMATCH		0x5aa5f00d
#define READ_DATA		0x1122334455667788ull
#define SRC_DATA		0x8899aabbccddeeffull
#define L2_DATA			0xd00dfeed

#define DR6_BS			BIT(14)

/* Same order as struct kvm_regs. */
enum {
	GPR_RAX, GPR_RBX, GPR_RCX, GPR_RDX, GPR_RSI, GPR_RDI, GPR_RSP, GPR_RBP,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	NR_GPRS
};

/* Distinct bytes in each register: byte j of GPR r is (j + 1) * (r + 1). */
#define SENTINEL(r)		(0x0807060504030201ull * ((r) + 1))

enum access_kind { STORE, XCHG, STOS, MOVS, READ };

/*
 * Put the length of the access in EAX, OUT to PORT_BEGIN, do the access and
 * OUT to PORT_END: the host checks that the second OUT comes right after it.
 * The access is the variadic argument: it is the access' name too.
 */
#define GUEST_ACCESS(sym, ...)							\
static void __naked sym(void)							\
{										\
	asm volatile("mov $(1f - 0f), %eax\n\t"					\
		     "out %al, $" __stringify(PORT_BEGIN) "\n"			\
		     "0:\n\t" __VA_ARGS__ "\n"					\
		     "1:\n\t"							\
		     "out %al, $" __stringify(PORT_END) "\n\t"			\
		     "ret");							\
}										\
static const char sym##_name[] = __VA_ARGS__

/* A store to DB_GVA, through a disp32 that is relocated at link time. */
#define RIP_RELATIVE(insn)							\
	insn ", 0(%rip)\n\t"							\
	".reloc . - 4, R_X86_64_PC32, " __stringify(DB_GVA) " - 4"

GUEST_ACCESS(movb_reg, "movb %al, (%rdi)");
GUEST_ACCESS(movb_imm, "movb $0x5a, (%rdi)");
GUEST_ACCESS(movb_rex, "movb %r9b, (%rdi)");
GUEST_ACCESS(movw_reg, "movw %ax, (%rdi)");
GUEST_ACCESS(movw_imm, "movw $0x1234, (%rdi)");
GUEST_ACCESS(movl_reg, "movl %eax, (%rdi)");
GUEST_ACCESS(movl_imm, "movl $" __stringify(DATAMATCH) ", (%rdi)");
GUEST_ACCESS(movl_rex, "movl %r9d, (%rdi)");
GUEST_ACCESS(movq_reg, "movq %rax, (%rdi)");
GUEST_ACCESS(movq_imm, "movq $-0x76543211, (%rdi)");
GUEST_ACCESS(movq_rex, "movq %r9, (%rdi)");
GUEST_ACCESS(movl_a32, "movl %eax, (%edi)");
GUEST_ACCESS(movw_a32, "movw %ax, (%edi)");
GUEST_ACCESS(movl_fs, "movl %eax, %fs:(%rdi)");
GUEST_ACCESS(movl_gs, "movl %eax, %gs:(%rdi)");
GUEST_ACCESS(movl_sib, "movl %eax, -" __stringify(DB_GVA) "(%rdi,%rdi,1)");
GUEST_ACCESS(movl_rip, RIP_RELATIVE("movl %eax"));
GUEST_ACCESS(movnti_l, "movnti %eax, (%rdi)");
GUEST_ACCESS(movnti_q, "movnti %rax, (%rdi)");
GUEST_ACCESS(xchg, "xchgq %rax, (%rdi)");
GUEST_ACCESS(stos, "stosl");
GUEST_ACCESS(movs, "movsq");
GUEST_ACCESS(read_l, "movl (%rdi), %eax");
GUEST_ACCESS(read_q, "movq (%rdi), %r9");

struct access {
	const char *name;
	void (*code)(void);
	enum access_kind kind;
	int size;
	u64 arg;	/* STORE, STOS, MOVS: the data written; XCHG, READ: the GPR loaded */
};

#define ACCESS(sym, _kind, _size, _arg)						\
	{ .name = sym##_name, .code = sym, .kind = _kind, .size = _size, .arg = _arg }

/* Plain stores first. */
static const struct access accesses[] = {
	ACCESS(movb_reg, STORE, 1, SENTINEL(GPR_RAX)),
	ACCESS(movb_imm, STORE, 1, 0x5a),
	ACCESS(movb_rex, STORE, 1, SENTINEL(GPR_R9)),
	ACCESS(movw_reg, STORE, 2, SENTINEL(GPR_RAX)),
	ACCESS(movw_imm, STORE, 2, 0x1234),
	ACCESS(movl_reg, STORE, 4, SENTINEL(GPR_RAX)),
	ACCESS(movl_imm, STORE, 4, DATAMATCH),
	ACCESS(movl_rex, STORE, 4, SENTINEL(GPR_R9)),
	ACCESS(movq_reg, STORE, 8, SENTINEL(GPR_RAX)),
	ACCESS(movq_imm, STORE, 8, -0x76543211ull),
	ACCESS(movq_rex, STORE, 8, SENTINEL(GPR_R9)),
	ACCESS(movl_a32, STORE, 4, SENTINEL(GPR_RAX)),
	ACCESS(movw_a32, STORE, 2, SENTINEL(GPR_RAX)),
	ACCESS(movl_fs, STORE, 4, SENTINEL(GPR_RAX)),
	ACCESS(movl_gs, STORE, 4, SENTINEL(GPR_RAX)),
	ACCESS(movl_sib, STORE, 4, SENTINEL(GPR_RAX)),
	ACCESS(movl_rip, STORE, 4, SENTINEL(GPR_RAX)),
	ACCESS(movnti_l, STORE, 4, SENTINEL(GPR_RAX)),
	ACCESS(movnti_q, STORE, 8, SENTINEL(GPR_RAX)),
	ACCESS(xchg, XCHG, 8, GPR_RAX),
	ACCESS(stos, STOS, 4, SENTINEL(GPR_RAX)),
	ACCESS(movs, MOVS, 8, SRC_DATA),
	ACCESS(read_l, READ, 4, GPR_RAX),
	ACCESS(read_q, READ, 8, GPR_R9),
};

/* Stores that are also run against a datamatch ioeventfd. */
static void (* const datamatch_accesses[])(void) = {
	movl_imm,	/* matches */
	movl_reg,	/* other data */
	movw_imm,	/* other length */
};

/* Install the MMIO SPTE: the accesses that count take #NPF.RSVD or EPT misconfig. */
static void guest_warm_up(void)
{
	WRITE_ONCE(*(u32 *)DB_GVA, 0);
	GUEST_SYNC(0);
}

static void guest_code(u64 first, u64 nr, u64 repeat)
{
	u64 i, j;

	guest_warm_up();
	for (i = first; i < first + nr; i++)
		for (j = 0; j < repeat; j++)
			accesses[i].code();
	GUEST_DONE();
}

static int nr_db;
static u64 db_rip, db_dr6;

static void guest_db_handler(struct ex_regs *regs)
{
	nr_db++;
	db_rip = regs->rip;
	asm volatile("mov %%dr6, %0" : "=r"(db_dr6));
	asm volatile("mov %0, %%dr6" : : "r"(0xffff0ff0ul));
	regs->rflags &= ~X86_EFLAGS_TF;
}

/* POPF sets RFLAGS.TF: the store is the instruction that it traps after. */
static noinline u64 guest_tf_store(void)
{
	u64 next_rip;

	asm volatile("lea 1f(%%rip), %[next]\n\t"
		     "pushfq\n\t"
		     "orq %[tf], (%%rsp)\n\t"
		     "popfq\n\t"
		     "movl %%eax, (%[db])\n"
		     "1:"
		     : [next] "=&r"(next_rip)
		     : [tf] "i"(X86_EFLAGS_TF), [db] "r"((u64)DB_GVA)
		     : "memory");
	return next_rip;
}

static void guest_tf_code(void)
{
	u64 next_rip;
	int i;

	guest_warm_up();
	for (i = 0; i < NR_REPEAT; i++) {
		WRITE_ONCE(nr_db, 0);
		next_rip = guest_tf_store();
		/* The #DB handler ran behind the compiler's back. */
		GUEST_ASSERT_EQ(READ_ONCE(nr_db), 1);
		GUEST_ASSERT_EQ(READ_ONCE(db_rip), next_rip);
		__GUEST_ASSERT(READ_ONCE(db_dr6) & DR6_BS,
			       "DR6 = 0x%lx, BS not set", db_dr6);
		GUEST_SYNC(1);
	}
	GUEST_DONE();
}

static u32 *l2_ptr;
static bool l2_on_svm;

static void l2_guest_code(void)
{
	int i;

	GUEST_SYNC(1);
	for (i = 0; i < NR_REPEAT; i++)
		WRITE_ONCE(*l2_ptr, L2_DATA + i);
	GUEST_SYNC(2);

	if (l2_on_svm)
		vmmcall();
	else
		vmcall();
}

static void l1_guest_code(void *data)
{
	/* L1's own doorbell write, at the GPA that L2 sees as an nGPA. */
	WRITE_ONCE(*(u32 *)DB_GVA, 0);

	l2_on_svm = this_cpu_has(X86_FEATURE_SVM);
	if (l2_on_svm) {
		struct svm_test_data *svm = data;

		generic_svm_setup(svm, l2_guest_code);
		run_guest(svm->vmcb, svm->vmcb_gpa);
		GUEST_ASSERT_EQ(svm->vmcb->control.exit_code, SVM_EXIT_VMMCALL);
	} else {
		GUEST_ASSERT(prepare_for_vmx_operation(data));
		GUEST_ASSERT(load_vmcs(data));
		prepare_vmcs(data, l2_guest_code);
		GUEST_ASSERT(!vmlaunch());
		GUEST_ASSERT_EQ(vmreadz(VM_EXIT_REASON), EXIT_REASON_VMCALL);
	}
	GUEST_DONE();
}

enum vendor { VMX, SVM };
enum fd_kind { FD_DOORBELL, FD_DATAMATCH, FD_NONE, FD_DEASSIGNED };
enum needs { NEEDS_NOTHING, NEEDS_SINGLESTEP, NEEDS_NESTED };

struct test {
	const char *name;
	void (*fn)(const struct test *t);
	const struct access *access;	/* the first one, if there are several */
	enum fd_kind fd;
	enum needs needs;
	bool all_stores;		/* every plain store, from access on */
	bool singlestep;		/* KVM_GUESTDBG_SINGLESTEP over each access */
	gpa_t l2_ngpa, l2_gpa;		/* L2 writes l2_ngpa, mapped to l2_gpa */
};

struct stats {
	u64 insn_emulation, exits, mmio_exits;
};

/* What one access must do. */
struct outcome {
	u64 signals;
	int mmio;		/* KVM_EXIT_MMIO exits */
	bool mmio_write;
	u64 mmio_data;		/* written, or supplied by userspace for a read */
	u64 emulated;		/* insn_emulation delta */
	struct kvm_regs regs;
};

static bool fast_path;		/* doorbell writes skip the emulator */
static bool reads_expedited;	/* doorbell reads are signalled and skipped */
static gva_t src_gva;		/* MOVS source */

static const struct access *access_of(void (*code)(void))
{
	int i;

	for (i = 0; i < ARRAY_SIZE(accesses); i++) {
		if (accesses[i].code == code)
			return &accesses[i];
	}
	TEST_FAIL("No access at %p", code);
}

static u64 sized(u64 val, int size)
{
	return size == 8 ? val : val & (BIT_ULL(size * 8) - 1);
}

static void set_ioeventfd(struct kvm_vm *vm, int efd, enum fd_kind fd, u32 flags)
{
	struct kvm_ioeventfd ioeventfd = {
		.addr = DB_GPA,
		.fd = efd,
		.flags = flags,
	};

	if (fd == FD_DATAMATCH) {
		ioeventfd.len = 4;
		ioeventfd.datamatch = DATAMATCH;
		ioeventfd.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
	}
	vm_ioctl(vm, KVM_IOEVENTFD, &ioeventfd);
}

static u64 eventfd_count(int efd)
{
	u64 count;
	ssize_t r = read(efd, &count, sizeof(count));

	if (r < 0 && errno == EAGAIN)
		return 0;
	TEST_ASSERT(r == sizeof(count), "eventfd read failed, r = %ld", r);
	return count;
}

static void get_stats(struct kvm_vcpu *vcpu, struct stats *s)
{
	s->insn_emulation = vcpu_get_stat(vcpu, insn_emulation);
	s->exits = vcpu_get_stat(vcpu, exits);
	s->mmio_exits = vcpu_get_stat(vcpu, mmio_exits);
}

static void stats_since(struct kvm_vcpu *vcpu, struct stats *s)
{
	struct stats now;

	get_stats(vcpu, &now);
	s->insn_emulation = now.insn_emulation - s->insn_emulation;
	s->exits = now.exits - s->exits;
	s->mmio_exits = now.mmio_exits - s->mmio_exits;
}

static void run_vcpu(struct kvm_vcpu *vcpu)
{
	struct ucall uc;

	vcpu_run(vcpu);
	if (get_ucall(vcpu, &uc) == UCALL_ABORT)
		REPORT_GUEST_ASSERT(uc);
}

static void assert_ucall(struct kvm_vcpu *vcpu, u64 cmd)
{
	struct kvm_run *run = vcpu->run;

	TEST_ASSERT(get_ucall(vcpu, NULL) == cmd,
		    "Wanted ucall %lu, got exit reason %s (MMIO %s at 0x%llx)",
		    cmd, exit_reason_str(run->exit_reason),
		    run->mmio.is_write ? "write" : "read", run->mmio.phys_addr);
}

static void assert_out(struct kvm_vcpu *vcpu, u16 port, u64 rip, struct kvm_regs *regs)
{
	struct kvm_run *run = vcpu->run;

	TEST_ASSERT(run->exit_reason == KVM_EXIT_IO && run->io.port == port,
		    "Wanted OUT to port 0x%x, got exit reason %s (port 0x%x)",
		    port, exit_reason_str(run->exit_reason), run->io.port);
	vcpu_regs_get(vcpu, regs);
	TEST_ASSERT(regs->rip == rip, "OUT at RIP 0x%llx, wanted 0x%lx", regs->rip, rip);
}

static void assert_debug(struct kvm_vcpu *vcpu, u64 rip)
{
	struct kvm_debug_exit_arch *debug = &vcpu->run->debug.arch;

	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_DEBUG);
	TEST_ASSERT(debug->exception == DB_VECTOR && debug->pc == rip &&
		    (debug->dr6 & DR6_BS),
		    "Wanted #DB at 0x%lx with DR6.BS, got vector %u at 0x%llx, DR6 0x%llx",
		    rip, debug->exception, debug->pc, debug->dr6);
}

static int new_eventfd(struct kvm_vm *vm, enum fd_kind fd)
{
	int efd = eventfd(0, EFD_NONBLOCK);

	TEST_ASSERT(efd >= 0, "eventfd() failed");
	if (fd != FD_NONE)
		set_ioeventfd(vm, efd, fd, 0);
	return efd;
}

static struct kvm_vm *create_vm(struct kvm_vcpu **vcpu, void *code,
				enum fd_kind fd, int *efd)
{
	struct kvm_vm *vm = vm_create_with_one_vcpu(vcpu, code);

	virt_map(vm, DB_GVA, DB_GPA, 1);
	src_gva = vm_alloc_page(vm);
	*(u64 *)addr_gva2hva(vm, src_gva) = SRC_DATA;
	*efd = new_eventfd(vm, fd);
	return vm;
}

/* Run the guest's warm-up write; return how many times it signalled. */
static u64 run_warm_up(struct kvm_vcpu *vcpu, int efd)
{
	do {
		run_vcpu(vcpu);
	} while (vcpu->run->exit_reason == KVM_EXIT_MMIO);
	assert_ucall(vcpu, UCALL_SYNC);
	return eventfd_count(efd);
}

static void load_sentinels(struct kvm_regs *regs)
{
	u64 *gpr = (u64 *)&regs->rax;
	int i;

	for (i = 0; i < NR_GPRS; i++) {
		if (i != GPR_RSP)
			gpr[i] = SENTINEL(i);
	}
	regs->rdi = DB_GVA;
	regs->rsi = src_gva;
}

static void expect(const struct access *a, enum fd_kind fd, struct outcome *o)
{
	u64 *gpr = (u64 *)&o->regs.rax;

	o->signals = 0;
	o->mmio = 0;
	o->emulated = 1;
	o->mmio_write = a->kind != READ && a->kind != XCHG;
	o->mmio_data = sized(o->mmio_write ? a->arg : READ_DATA, a->size);

	switch (fd) {
	case FD_DOORBELL:
		if (a->kind == READ && !reads_expedited) {
			o->mmio = 1;
			gpr[a->arg] = o->mmio_data;
			return;
		}
		o->signals = 1;
		if (fast_path) {
			/* Skipped unexamined, whatever the instruction is. */
			o->emulated = 0;
			return;
		}
		if (a->kind == XCHG) {
			o->mmio = 1;
			gpr[a->arg] = o->mmio_data;
		}
		if (a->kind == STOS || a->kind == MOVS)
			o->regs.rdi += a->size;
		if (a->kind == MOVS)
			o->regs.rsi += a->size;
		return;
	case FD_DATAMATCH:
		o->signals = a->size == 4 && a->arg == DATAMATCH;
		o->mmio = !o->signals;
		return;
	default:
		o->mmio = 1;
	}
}

static void handle_mmio(struct kvm_vcpu *vcpu, const struct access *a,
			struct outcome *o, int efd, int nr_mmio)
{
	struct kvm_run *run = vcpu->run;
	u64 data = 0;

	TEST_ASSERT(nr_mmio < o->mmio, "%s: unexpected MMIO %s of %u bytes at 0x%llx",
		    a->name, run->mmio.is_write ? "write" : "read",
		    run->mmio.len, run->mmio.phys_addr);
	TEST_ASSERT_EQ(run->mmio.phys_addr, DB_GPA);
	TEST_ASSERT_EQ(run->mmio.len, a->size);
	TEST_ASSERT_EQ(run->mmio.is_write, o->mmio_write);
	/* An XCHG signals only on its write half, after this read. */
	TEST_ASSERT_EQ(eventfd_count(efd), 0);

	if (o->mmio_write) {
		memcpy(&data, run->mmio.data, a->size);
		TEST_ASSERT(data == o->mmio_data, "%s: MMIO data 0x%lx, wanted 0x%lx",
			    a->name, data, o->mmio_data);
	} else {
		memcpy(run->mmio.data, &o->mmio_data, a->size);
	}
}

/* Single-step from the OUT before the access: KVM steps over the OUT itself. */
static void singlestep_access(struct kvm_vcpu *vcpu, u64 insn, u64 end, int efd)
{
	struct kvm_guest_debug debug = {
		.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP,
	};

	vcpu_guest_debug_set(vcpu, &debug);
	run_vcpu(vcpu);
	assert_debug(vcpu, insn);
	TEST_ASSERT_EQ(eventfd_count(efd), 0);
	run_vcpu(vcpu);
	assert_debug(vcpu, end);
	debug.control = 0;
	vcpu_guest_debug_set(vcpu, &debug);
}

/*
 * Run one access, from its first OUT to its second, and check everything about
 * it.  Return what it did, in words.
 */
static const char *do_access(struct kvm_vcpu *vcpu, const struct access *a,
			     const struct test *t, int efd, struct stats *d)
{
	struct kvm_regs saved, regs;
	u64 *gpr = (u64 *)&regs.rax, *want, insn, end;
	struct outcome o;
	int i, nr_mmio = 0;
	u64 signals;

	/* MOV $len, %eax (5 bytes), then the OUT (2 bytes) before the access. */
	run_vcpu(vcpu);
	assert_out(vcpu, PORT_BEGIN, (u64)a->code + 5, &saved);
	insn = saved.rip + 2;
	end = insn + (u32)saved.rax;
	regs = saved;
	load_sentinels(&regs);
	vcpu_regs_set(vcpu, &regs);
	o.regs = regs;
	expect(a, t->fd, &o);
	TEST_ASSERT_EQ(eventfd_count(efd), 0);

	get_stats(vcpu, d);
	if (t->singlestep)
		singlestep_access(vcpu, insn, end, efd);
	for (;;) {
		run_vcpu(vcpu);
		if (vcpu->run->exit_reason != KVM_EXIT_MMIO)
			break;
		handle_mmio(vcpu, a, &o, efd, nr_mmio++);
	}
	assert_out(vcpu, PORT_END, end, &regs);
	stats_since(vcpu, d);
	signals = eventfd_count(efd);

	TEST_ASSERT(signals == o.signals, "%s: signalled %lu times, wanted %lu",
		    a->name, signals, o.signals);
	TEST_ASSERT(nr_mmio == o.mmio, "%s: %d exits to userspace, wanted %d",
		    a->name, nr_mmio, o.mmio);
	TEST_ASSERT(d->insn_emulation == o.emulated,
		    "%s: insn_emulation +%lu, wanted +%lu (the %s path)", a->name,
		    d->insn_emulation, o.emulated, o.emulated ? "slow" : "fast");
	TEST_ASSERT(d->mmio_exits == o.mmio, "%s: mmio_exits +%lu, wanted +%d",
		    a->name, d->mmio_exits, o.mmio);
	TEST_ASSERT(d->exits >= 2, "%s: exits +%lu, wanted 2 or more", a->name, d->exits);

	want = (u64 *)&o.regs.rax;
	for (i = 0; i < NR_GPRS; i++)
		TEST_ASSERT(gpr[i] == want[i], "%s: GPR %d (0 = RAX) is 0x%lx, wanted 0x%lx",
			    a->name, i, gpr[i], want[i]);
	TEST_ASSERT_EQ(regs.rflags, saved.rflags);

	saved.rip = regs.rip;
	vcpu_regs_set(vcpu, &saved);

	if (o.mmio && o.signals)
		return "read exits to userspace, write signals (emulated)";
	if (o.mmio)
		return "exits to userspace";
	return o.emulated ? "signals (emulated: slow path)" :
			    "signals and is skipped (fast path)";
}

static void test_access(const struct test *t)
{
	const struct access *a = t->access;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	const char *what;
	struct stats d;
	int efd, i, j, nr = 1;

	while (t->all_stores && a[nr].kind == STORE)
		nr++;

	vm = create_vm(&vcpu, guest_code, t->fd, &efd);
	vcpu_args_set(vcpu, 3, a - accesses, nr, NR_REPEAT);
	TEST_ASSERT_EQ(run_warm_up(vcpu, efd),
		       t->fd == FD_DOORBELL || t->fd == FD_DEASSIGNED);
	if (t->fd == FD_DEASSIGNED)
		set_ioeventfd(vm, efd, FD_DOORBELL, KVM_IOEVENTFD_FLAG_DEASSIGN);

	for (i = 0; i < nr; i++)
		for (j = 0; j < NR_REPEAT; j++)
			what = do_access(vcpu, &a[i], t, efd, &d);
	run_vcpu(vcpu);
	assert_ucall(vcpu, UCALL_DONE);

	if (nr == 1)
		ksft_print_msg("%.*s: %s; insn_emulation +%lu, exits +%lu, mmio_exits +%lu\n",
			       (int)strcspn(a->name, "\n"), a->name, what,
			       d.insn_emulation, d.exits, d.mmio_exits);
	kvm_vm_free(vm);
}

/*
 * Userspace assigns a doorbell at a GPA that a store has already found empty:
 * from then on, the store is a doorbell write like any other.
 */
static void test_assign_after_store(const struct test *t)
{
	const struct test none = { .fd = FD_NONE }, doorbell = { .fd = FD_DOORBELL };
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct stats d;
	int efd, i;

	vm = create_vm(&vcpu, guest_code, FD_NONE, &efd);
	vcpu_args_set(vcpu, 3, t->access - accesses, 1, NR_REPEAT);
	TEST_ASSERT_EQ(run_warm_up(vcpu, efd), 0);

	do_access(vcpu, t->access, &none, efd, &d);
	set_ioeventfd(vm, efd, FD_DOORBELL, 0);
	for (i = 1; i < NR_REPEAT; i++)
		do_access(vcpu, t->access, &doorbell, efd, &d);
	run_vcpu(vcpu);
	assert_ucall(vcpu, UCALL_DONE);
	kvm_vm_free(vm);
}

static void test_guest_singlestep(const struct test *t)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	int efd, i;

	vm = create_vm(&vcpu, guest_tf_code, FD_DOORBELL, &efd);
	vm_install_exception_handler(vm, DB_VECTOR, guest_db_handler);
	run_warm_up(vcpu, efd);
	for (i = 0; i < NR_REPEAT; i++) {
		run_vcpu(vcpu);
		assert_ucall(vcpu, UCALL_SYNC);
		TEST_ASSERT_EQ(eventfd_count(efd), 1);
	}
	run_vcpu(vcpu);
	assert_ucall(vcpu, UCALL_DONE);
	kvm_vm_free(vm);
}

/*
 * L2 runs on L1's page tables, where DB_GVA maps to DB_GPA, with nested page
 * tables that identity map memslot 0 and map t->l2_ngpa to t->l2_gpa, which
 * is either L1's doorbell, or (if 0) an ordinary page, or a GPA without
 * memslot.  Only the doorbell must signal: nGPAs are not GPAs.
 */
static void test_nested(const struct test *t)
{
	gva_t nested_gva, mem_gva;
	struct kvm_vcpu *vcpu;
	struct kvm_run *run;
	struct kvm_vm *vm;
	int efd, nr_mmio = 0;
	struct stats d;

	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	run = vcpu->run;
	vm_enable_tdp(vm);
	if (kvm_cpu_has(X86_FEATURE_VMX))
		vcpu_alloc_vmx(vm, &nested_gva);
	else
		vcpu_alloc_svm(vm, &nested_gva);
	vcpu_args_set(vcpu, 1, nested_gva);

	virt_map(vm, DB_GVA, DB_GPA, 1);
	virt_map(vm, L2_ALIAS_NGPA, L2_ALIAS_NGPA, 1);
	mem_gva = vm_alloc_page(vm);
	tdp_identity_map_default_memslots(vm);
	tdp_map(vm, t->l2_ngpa, t->l2_gpa ?: addr_gva2gpa(vm, mem_gva), PAGE_SIZE);
	l2_ptr = (u32 *)t->l2_ngpa;
	sync_global_to_guest(vm, l2_ptr);

	efd = new_eventfd(vm, FD_DOORBELL);

	run_vcpu(vcpu);
	assert_ucall(vcpu, UCALL_SYNC);
	TEST_ASSERT_EQ(eventfd_count(efd), 1);
	get_stats(vcpu, &d);
	for (;;) {
		run_vcpu(vcpu);
		if (run->exit_reason != KVM_EXIT_MMIO)
			break;
		TEST_ASSERT_EQ(run->mmio.phys_addr, t->l2_gpa);
		TEST_ASSERT_EQ(*(u32 *)run->mmio.data, L2_DATA + nr_mmio++);
	}
	assert_ucall(vcpu, UCALL_SYNC);
	stats_since(vcpu, &d);

	if (t->l2_gpa == DB_GPA) {
		TEST_ASSERT_EQ(eventfd_count(efd), NR_REPEAT);
		/* No fast path in guest mode: each write is emulated. */
		TEST_ASSERT_EQ(d.insn_emulation, NR_REPEAT);
	} else {
		TEST_ASSERT_EQ(eventfd_count(efd), 0);
	}
	if (!t->l2_gpa)
		TEST_ASSERT_EQ(*(u32 *)addr_gva2hva(vm, mem_gva), L2_DATA + NR_REPEAT - 1);
	TEST_ASSERT_EQ(nr_mmio, t->l2_gpa == OTHER_MMIO_GPA ? NR_REPEAT : 0);

	run_vcpu(vcpu);
	assert_ucall(vcpu, UCALL_DONE);
	ksft_print_msg("nested: %d L2 writes: insn_emulation +%lu, exits +%lu, mmio_exits +%lu\n",
		       NR_REPEAT, d.insn_emulation, d.exits, d.mmio_exits);
	kvm_vm_free(vm);
}

static const struct test tests[] = {
	{
		.name = "no ioeventfd: stores exit to userspace",
		.fn = test_access, .access = accesses, .all_stores = true,
		.fd = FD_NONE,
	},
	{
		.name = "deassigned ioeventfd: stores exit to userspace",
		.fn = test_access, .access = accesses, .all_stores = true,
		.fd = FD_DEASSIGNED,
	},
	{
		.name = "doorbell assigned after a store found none: the store signals",
		.fn = test_assign_after_store, .access = accesses,
	},
	{
		.name = "single-step (KVM_GUESTDBG_SINGLESTEP) over a doorbell write",
		.fn = test_access, .access = accesses, .singlestep = true,
		.needs = NEEDS_SINGLESTEP,
	},
	{
		.name = "single-step (guest RFLAGS.TF) over a doorbell write",
		.fn = test_guest_singlestep, .needs = NEEDS_SINGLESTEP,
	},
	{
		.name = "nested: L2 write to an nGPA that maps to the doorbell",
		.fn = test_nested, .needs = NEEDS_NESTED,
		.l2_ngpa = L2_ALIAS_NGPA, .l2_gpa = DB_GPA,
	},
	{
		.name = "nested: L2 write to nGPA == doorbell GPA, mapped to memory",
		.fn = test_nested, .needs = NEEDS_NESTED,
		.l2_ngpa = DB_GPA,
	},
	{
		.name = "nested: L2 write to nGPA == doorbell GPA, mapped to other MMIO",
		.fn = test_nested, .needs = NEEDS_NESTED,
		.l2_ngpa = DB_GPA, .l2_gpa = OTHER_MMIO_GPA,
	},
};

static void run_test(const struct test *t, const char *skip)
{
	char name[128];
	int status;
	pid_t pid;

	if (t->name)
		snprintf(name, sizeof(name), "%s", t->name);
	else
		snprintf(name, sizeof(name), "%s: %.*s",
			 t->fd == FD_DATAMATCH ? "datamatch" : "doorbell",
			 (int)strcspn(t->access->name, "\n"), t->access->name);
	if (skip) {
		ksft_test_result_skip("%s: %s\n", name, skip);
		return;
	}

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	TEST_ASSERT(pid >= 0, "fork() failed");
	if (!pid) {
		t->fn(t);
		exit(KSFT_PASS);
	}
	TEST_ASSERT(waitpid(pid, &status, 0) == pid, "waitpid() failed");
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == KSFT_PASS, "%s\n", name);
}

static const char *nested_skip(void)
{
	if (!kvm_cpu_has(X86_FEATURE_SVM) && !kvm_cpu_has(X86_FEATURE_VMX))
		return "no nested SVM or VMX";
	if (!kvm_cpu_has_tdp())
		return "no nested NPT or EPT";
	return NULL;
}

int main(int argc, char *argv[])
{
	const char *singlestep_skip = NULL;
	struct test t = { .fn = test_access };
	enum vendor vendor;
	const char *skip;
	int i, opt;

	while ((opt = getopt(argc, argv, "s:")) != -1) {
		if (opt != 's') {
			printf("usage: %s [-s REASON]\n"
			       "  -s REASON  skip the single-step checks, because of REASON\n",
			       argv[0]);
			exit(KSFT_FAIL);
		}
		singlestep_skip = optarg;
	}

	TEST_REQUIRE(kvm_has_cap(KVM_CAP_IOEVENTFD));
	TEST_REQUIRE(host_cpu_is_intel || host_cpu_is_amd);

	/*
	 * Doorbells fault on a cached MMIO SPTE.  VMX always knows the
	 * instruction length on an EPT misconfig, SVM knows it only with
	 * NRIPS.  An EPT misconfig doesn't say whether the access was a write,
	 * but an #NPF's error code does: SVM expedites only writes.
	 */
	vendor = host_cpu_is_intel ? VMX : SVM;
	fast_path = kvm_is_tdp_enabled() && get_kvm_param_bool("mmio_caching") &&
		    (vendor == VMX || get_kvm_amd_param_integer("nrips"));
	reads_expedited = fast_path && vendor == VMX;

	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(accesses) + ARRAY_SIZE(datamatch_accesses) +
		      ARRAY_SIZE(tests));
	ksft_print_msg("%s%s: doorbell writes should take the %s path\n",
		       vendor == VMX ? "VMX" : "SVM",
		       vendor == VMX ? "" : fast_path ? " with NRIPS" : " without NRIPS",
		       fast_path ? "fast" : "slow (emulated)");

	for (i = 0; i < ARRAY_SIZE(accesses); i++) {
		t.access = &accesses[i];
		run_test(&t, NULL);
	}
	t.fd = FD_DATAMATCH;
	for (i = 0; i < ARRAY_SIZE(datamatch_accesses); i++) {
		t.access = access_of(datamatch_accesses[i]);
		run_test(&t, NULL);
	}
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		skip = NULL;
		if (tests[i].needs == NEEDS_SINGLESTEP)
			skip = singlestep_skip;
		else if (tests[i].needs == NEEDS_NESTED)
			skip = nested_skip();
		run_test(&tests[i], skip);
	}

	ksft_finished();
}
