// SPDX-License-Identifier: GPL-2.0-only
/*
 * fast_mmio_bench: what one guest exit costs, per kind of exit, for make demo.
 *
 * Not part of any patch: the project's measuring tool.  selftests/bench.mk
 * builds it against the KVM selftest library of each kernel (6.12 and 7.3).
 *
 * The guest times, with RDTSC, NR_BATCHES batches of BATCH_ITERS iterations
 * of each path in paths[], after one warm-up iteration that creates the MMIO
 * SPTEs.  Under QEMU -icount shift=0 and Bochs "clock: sync=none" the guest
 * TSC counts emulated instructions, so a batch's count is what the host (L1)
 * kernel ran for its exits plus the guest's own loop.  For each path it
 * prints "# measure PATH mean N min N" (per iteration; min is the cheapest
 * batch) and a TAP result that checks the path did what it is named for:
 * one eventfd signal per ioeventfd write, one KVM_EXIT_MMIO per userspace
 * MMIO write, no other exit to userspace.
 *
 * -t FUNC[,FUNC...]: first graph one doorbell write with ftrace's
 * function_graph tracer, set_graph_function=FUNC..., interrupts left out,
 * tracing_on only around that KVM_RUN; the graph is printed between
 * "# trace-begin FUNC[,FUNC...]" and "# trace-end", one "# " line per
 * trace line.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"

#define MMIO_GPA		0x40000000ull	/* three pages, no memslot */
#define PIO_PORT		0x80
#define DATAMATCH		0x5aa5f00d

#define NR_BATCHES		16
#define BATCH_ITERS		64

#define TRACING			"/sys/kernel/tracing/"

enum exit_kind { EXIT_CPUID, EXIT_PIO, EXIT_MMIO };

struct bench_path {
	const char *name;
	enum exit_kind kind;
	uint64_t addr;		/* GPA or port */
	uint32_t data;		/* what the guest writes */
	bool ioeventfd;		/* else: an exit to userspace, or none */
	uint32_t len;		/* ioeventfd length, 0 for a doorbell */
	uint32_t flags;		/* KVM_IOEVENTFD_FLAG_* */
};

static const struct bench_path paths[] = {
	{ .name = "cpuid", .kind = EXIT_CPUID },
	{ .name = "pio", .kind = EXIT_PIO, .addr = PIO_PORT, .ioeventfd = true,
	  .len = 1, .flags = KVM_IOEVENTFD_FLAG_PIO },
	{ .name = "fast_mmio", .kind = EXIT_MMIO, .addr = MMIO_GPA, .ioeventfd = true },
	{ .name = "datamatch", .kind = EXIT_MMIO, .addr = MMIO_GPA + PAGE_SIZE,
	  .data = DATAMATCH, .ioeventfd = true, .len = 4,
	  .flags = KVM_IOEVENTFD_FLAG_DATAMATCH },
	{ .name = "mmio_user", .kind = EXIT_MMIO, .addr = MMIO_GPA + 2 * PAGE_SIZE },
};

#define NR_PATHS		ARRAY_SIZE(paths)
#define DOORBELL		(&paths[2])

static uint64_t batch_cycles[NR_PATHS][NR_BATCHES];

static void guest_exit(const struct bench_path *p)
{
	uint32_t eax = 0, ebx, ecx = 0, edx;

	switch (p->kind) {
	case EXIT_CPUID:
		asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
		break;
	case EXIT_PIO:
		asm volatile("outb %%al, %%dx" : : "a"(p->data), "d"(p->addr) : "memory");
		break;
	case EXIT_MMIO:
		asm volatile("movl %%eax, (%0)" : : "r"(p->addr), "a"(p->data) : "memory");
		break;
	}
}

static void guest_code(bool trace)
{
	uint64_t t0;
	int p, b, i;

	if (trace) {
		guest_exit(DOORBELL);
		GUEST_SYNC(0);		/* the host turns tracing on */
		guest_exit(DOORBELL);
		GUEST_SYNC(0);		/* and off */
	}
	for (p = 0; p < NR_PATHS; p++) {
		guest_exit(&paths[p]);
		for (b = 0; b < NR_BATCHES; b++) {
			t0 = rdtsc();
			for (i = 0; i < BATCH_ITERS; i++)
				guest_exit(&paths[p]);
			batch_cycles[p][b] = rdtsc() - t0;
		}
	}
	GUEST_DONE();
}

/* Run the vCPU to its next ucall; count the MMIO exits to userspace. */
static int run_to_ucall(struct kvm_vcpu *vcpu, uint64_t *mmio_exits)
{
	struct kvm_run *run = vcpu->run;
	struct ucall uc;

	for (;;) {
		vcpu_run(vcpu);
		if (run->exit_reason != KVM_EXIT_MMIO)
			break;
		TEST_ASSERT(run->mmio.is_write && run->mmio.phys_addr == paths[4].addr,
			    "unexpected MMIO %s at 0x%llx",
			    run->mmio.is_write ? "write" : "read", run->mmio.phys_addr);
		(*mmio_exits)++;
	}
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
	case UCALL_SYNC:
	case UCALL_DONE:
		return uc.cmd;
	default:
		TEST_FAIL("unexpected exit %u (%s)", run->exit_reason,
			  exit_reason_str(run->exit_reason));
	}
	return -1;
}

/* tracefs may take a list one word per write(): write until all is in. */
static void tracing_write(const char *file, const char *val)
{
	int fd = open(file, O_WRONLY | O_TRUNC);
	size_t done = 0, len = strlen(val);
	ssize_t r;

	TEST_ASSERT(fd >= 0, "-t needs tracefs at " TRACING " (opening %s)", file);
	while (done < len) {	/* "" only truncates, e.g. the trace */
		r = write(fd, val + done, len - done);
		TEST_ASSERT(r > 0, "writing '%s' to %s", val, file);
		done += r;
	}
	close(fd);
}

/*
 * Graph one doorbell write, then unregister the tracer: with it registered,
 * every traced call site costs instructions (on 6.12, set_ftrace_notrace
 * does not unpatch function_graph's sites).  On the 7.3 kernel built here,
 * registering function_graph a second time in one boot hangs the kernel
 * (also without KVM), so make demo boots one VM per module set.
 */
static void trace_doorbell(struct kvm_vcpu *vcpu, const char *func)
{
	uint64_t mmio_exits = 0;
	char line[512], *c;
	FILE *f;

	/* set_graph_function takes the functions separated by spaces. */
	snprintf(line, sizeof(line), "%s", func);
	for (c = line; (c = strchr(c, ',')); )
		*c = ' ';
	tracing_write(TRACING "tracing_on", "0");
	tracing_write(TRACING "set_graph_function", line);
	tracing_write(TRACING "options/funcgraph-irqs", "0");	/* no timer ticks */
	tracing_write(TRACING "current_tracer", "function_graph");
	tracing_write(TRACING "trace", "");

	run_to_ucall(vcpu, &mmio_exits);	/* the warm-up write */
	tracing_write(TRACING "tracing_on", "1");
	run_to_ucall(vcpu, &mmio_exits);	/* the traced write */
	tracing_write(TRACING "tracing_on", "0");

	f = fopen(TRACING "trace", "r");
	TEST_ASSERT(f, "opening " TRACING "trace");
	printf("# trace-begin %s\n", func);
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#')
			printf("# %s", line);
	printf("# trace-end\n");
	fclose(f);
	tracing_write(TRACING "current_tracer", "nop");
}

int main(int argc, char *argv[])
{
	uint64_t mmio_exits = 0, signals, expected, sum, min;
	const char *trace_func = NULL;
	int efd[NR_PATHS] = {};
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	int opt, p, b;

	while ((opt = getopt(argc, argv, "t:")) != -1) {
		TEST_ASSERT(opt == 't', "usage: %s [-t FUNCTION[,FUNCTION...]]", argv[0]);
		trace_func = optarg;
	}

	ksft_print_header();
	ksft_set_plan(NR_PATHS);

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	vcpu_args_set(vcpu, 1, trace_func != NULL);
	virt_map(vm, MMIO_GPA, MMIO_GPA, 3);
	for (p = 0; p < NR_PATHS; p++) {
		struct kvm_ioeventfd io = {
			.addr = paths[p].addr,
			.len = paths[p].len,
			.datamatch = paths[p].data,
			.flags = paths[p].flags,
		};

		if (!paths[p].ioeventfd)
			continue;
		efd[p] = eventfd(0, EFD_NONBLOCK);
		TEST_ASSERT(efd[p] >= 0, "eventfd");
		io.fd = efd[p];
		vm_ioctl(vm, KVM_IOEVENTFD, &io);
	}

	if (trace_func)
		trace_doorbell(vcpu, trace_func);
	TEST_ASSERT_EQ(run_to_ucall(vcpu, &mmio_exits), UCALL_DONE);
	sync_global_from_guest(vm, batch_cycles);

	for (p = 0; p < NR_PATHS; p++) {
		sum = 0;
		min = UINT64_MAX;
		for (b = 0; b < NR_BATCHES; b++) {
			sum += batch_cycles[p][b];
			min = min(min, batch_cycles[p][b]);
		}
		ksft_print_msg("measure %s mean %lu min %lu\n", paths[p].name,
			       sum / (NR_BATCHES * BATCH_ITERS), min / BATCH_ITERS);

		expected = 1 + NR_BATCHES * BATCH_ITERS;
		if (trace_func && &paths[p] == DOORBELL)
			expected += 2;
		if (paths[p].ioeventfd) {
			/* Nonblocking: EAGAIN is a counter that was never signalled. */
			if (read(efd[p], &signals, sizeof(signals)) != sizeof(signals))
				signals = 0;
			ksft_test_result(signals == expected, "%s: %lu signals, expected %lu\n",
					 paths[p].name, signals, expected);
		} else if (paths[p].kind == EXIT_MMIO) {
			ksft_test_result(mmio_exits == expected, "%s: %lu MMIO exits, expected %lu\n",
					 paths[p].name, mmio_exits, expected);
		} else {
			ksft_test_result_pass("%s: measured only\n", paths[p].name);
		}
	}
	kvm_vm_free(vm);
	ksft_finished();
}
