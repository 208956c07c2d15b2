/* runner/sandbox.c - bubblewrap sandbox for untrusted code.
 *
 * Layers, outermost first:
 *
 *  1. The supervisor (runner_run) forks a child that becomes a process
 *     group leader and a child subreaper (bwrap exits without reaping the
 *     sandbox's pid 1; the child reaps it, so no zombie is left to init),
 *     and forks again: that grandchild joins a fresh cgroup (pids.max,
 *     memory limit) when one can be made, sets rlimits (CPU, AS, FSIZE,
 *     CORE=0, NPROC in drop mode), drops to uid/gid 65534 when root and
 *     unprivileged user namespaces work, closes every inherited fd except
 *     stdin=/dev/null, stdout=stderr=one pipe, the seccomp memfd and the
 *     --info-fd pipe, and execs /usr/bin/bwrap with a fixed argv and a
 *     one-variable env.  The supervisor polls the output pipe (stops and
 *     kills past output_bytes), the info pipe (learns the sandbox's pid 1)
 *     and a pidfd, against the wall-clock deadline.  Killing is pid 1 first
 *     (pidfd_send_signal: the kernel then kills the whole pid namespace),
 *     then the process group, then the cgroup (emptied and removed).
 *  2. bubblewrap: all namespaces (user, mount, pid, net, ipc, uts, cgroup),
 *     --disable-userns, --cap-drop ALL, --new-session, --die-with-parent,
 *     --clearenv, uid 65534 inside, read-only /usr, tmpfs /tmp and
 *     /dev/shm with --size, read-only root.  See build_argv().
 *  3. seccomp (classic BPF built here, no libseccomp): the architecture is
 *     checked (foreign ABIs such as i386/x32 kill the process), syscall
 *     numbers above the highest one reviewed fail with ENOSYS (new kernel
 *     interfaces are denied by default), and a deny-list fails with EPERM:
 *     ptrace, process_vm_*, kcmp, pidfd_getfd, keyctl/add_key/request_key,
 *     perf_event_open, bpf, userfaultfd, io_uring_*, mount/umount2/
 *     pivot_root/chroot and the new mount API (open_tree, move_mount,
 *     fsopen, fsconfig, fsmount, fspick, mount_setattr), unshare, setns,
 *     clone with any CLONE_NEW* flag, clone3 (ENOSYS so libc falls back to
 *     clone, whose flags we can see), kexec_*, *_module, reboot, swapon/off,
 *     acct, quotactl, syslog, iopl/ioperm, name_to_handle_at,
 *     open_by_handle_at, fanotify_init, personality other than the query
 *     and PER_LINUX/PER_LINUX32, ioctl TIOCSTI/TIOCLINUX, and socket()
 *     families other than AF_UNIX/AF_INET/AF_INET6.  It is a default-allow
 *     list below the ceiling: builds and test suites need most of the
 *     ordinary syscalls, so a pure allow-list is left for later.
 *
 * Process limit (fork bombs).  RLIMIT_NPROC does not bind uid 0, and when
 * root runs bwrap the sandbox uid maps to host uid 0, so (runner_mode()):
 *  - RUNNER_MODE_BOTH (default as root on this dev/CI machine): a per-run
 *    cgroup with pids.max = max_procs (cgroup v2, or the v1 "pids"
 *    hierarchy as here) plus memory limit (memory_bytes + 2 x tmpfs_bytes,
 *    whole sandbox), and bwrap runs as host uid 65534 (the workdir tree is
 *    chowned to it first), so the payload is never host root.
 *  - RUNNER_MODE_CGROUP: the cgroup only, bwrap as the caller.  Started by
 *    root, the payload is host uid 0 without capabilities; sysctls check
 *    only file modes and bwrap 0.8 leaves /proc/sys writable then, so
 *    /proc/sys is hidden under a read-only tmpfs in that mode.
 *  - RUNNER_MODE_DROP: no usable cgroup (e.g. a non-root supervisor): bwrap
 *    runs as 65534 (or as the non-root caller) and RLIMIT_NPROC =
 *    max_procs binds.  The kernel also counts that limit per uid across
 *    the host, so concurrent runs and any other process of that uid share
 *    the budget: give the supervisor a dedicated uid.
 *  No mode at all (root, no cgroup, no unprivileged userns): runner_run
 *  refuses to run (fail closed).
 * Whatever the mode, the pid namespace is the backstop for cleanup: bwrap's
 * pid 1 dies with bwrap (--die-with-parent) and the kernel then kills every
 * process of the namespace, so nothing survives the run.
 *
 * Not contained:
 *  - disk use in /work: it is a host directory; RLIMIT_FSIZE caps one
 *    file, not the number of files.  Put workdirs on a size-limited
 *    filesystem (quota, tmpfs, loop device).
 *  - CPU: RLIMIT_CPU is per process; many processes each under the limit
 *    are stopped only by the wall clock.
 *  - memory in drop mode: RLIMIT_AS is per process, so up to max_procs x
 *    memory_bytes; only a memory cgroup caps the total.
 *  - kernel bugs reachable through the allowed syscalls (seccomp is a
 *    deny-list below a syscall-number ceiling, not an allow-list); in
 *    cgroup-only mode started by root the payload's host uid is 0
 *    (without capabilities), so prefer BOTH.
 *  - a command that is not found, or any bwrap setup error, is reported
 *    as runner_run() == -1 ("bwrap: ..." on exit 1); a payload printing
 *    "bwrap: " first and exiting 1 is reported the same way.
 *  - exit codes 129..192 from bwrap are read as "killed by signal N-128"
 *    (bwrap encodes signals that way); a program exiting with such a code
 *    on purpose is reported as killed.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/magic.h>
#include <linux/seccomp.h>
#include <linux/sched.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "runner/sandbox.h"
#include "util/log.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC		0x0001U
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC	0x63677270
#endif

#define MAX_ARGS	128		/* bwrap options, without binds/argv */
#define TREE_MAXDEPTH	64		/* open directory fds per walk */
#define CG_MAX		2		/* pids, memory */
#define KILL_WAIT_MS	3000		/* cgroup drain after SIGKILL */

/* ------------------------------------------------------------------ */
/* helpers */

static void
seterr(struct runner_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
seterr(struct runner_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	log_warn("runner: %s", r->error);
}

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Moves fd to >= 3 so dup2 onto 0..2 in the child cannot clobber it. */
static int
fd_high(int fd)
{
	int nfd;

	if (fd < 0 || fd > 2)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return nfd;
}

static int
write_file(const char *dir, const char *name, const char *val)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return -1;
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* cgroups */

struct cgroup {
	int	 n;
	int	 v2;
	char	 dir[CG_MAX][PATH_MAX];
	int	 procs_fd[CG_MAX];	/* cgroup.procs, opened for the child */
};

/* Our own cgroup path for controller ctl ("" for v2) from
 * /proc/self/cgroup. */
static int
own_cgroup(const char *ctl, char *out, size_t outlen)
{
	char line[PATH_MAX + 128], *c1, *c2, *tok, *save;
	FILE *f;
	int found = -1;

	if ((f = fopen("/proc/self/cgroup", "re")) == NULL)
		return -1;
	while (found == -1 && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((c1 = strchr(line, ':')) == NULL ||
		    (c2 = strchr(c1 + 1, ':')) == NULL)
			continue;
		*c2 = '\0';
		if (*ctl == '\0') {
			if (strcmp(line, "0") != 0 || c1[1] != '\0')
				continue;
		} else {
			int hit = 0;

			for (tok = strtok_r(c1 + 1, ",", &save); tok != NULL;
			    tok = strtok_r(NULL, ",", &save))
				if (strcmp(tok, ctl) == 0)
					hit = 1;
			if (!hit)
				continue;
		}
		if ((size_t)snprintf(out, outlen, "%s", c2 + 1) < outlen)
			found = 0;
	}
	fclose(f);
	if (found == 0 && strcmp(out, "/") == 0)
		out[0] = '\0';
	return found;
}

static void
cg_kill_drain(const char *dir)
{
	char path[PATH_MAX], line[32];
	FILE *f;
	int waited, any;
	long pid;

	(void)write_file(dir, "cgroup.kill", "1");	/* v2 >= 5.14 */
	if ((size_t)snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >=
	    sizeof(path))
		return;
	for (waited = 0; waited < KILL_WAIT_MS; waited += 10) {
		if ((f = fopen(path, "re")) == NULL)
			return;
		any = 0;
		while (fgets(line, sizeof(line), f) != NULL) {
			pid = strtol(line, NULL, 10);
			if (pid > 1) {
				kill((pid_t)pid, SIGKILL);
				any = 1;
			}
		}
		fclose(f);
		if (!any)
			return;
		sleep_ms(10);
	}
	log_warn("runner: cgroup %s did not empty", dir);
}

static void
cg_destroy(struct cgroup *cg)
{
	int i, tries;

	for (i = 0; i < cg->n; i++) {
		if (cg->procs_fd[i] != -1)
			close(cg->procs_fd[i]);
		cg->procs_fd[i] = -1;
		cg_kill_drain(cg->dir[i]);
		for (tries = 0; rmdir(cg->dir[i]) == -1 && errno == EBUSY &&
		    tries < 300; tries++)
			sleep_ms(10);
	}
	cg->n = 0;
}

static int
cg_add(struct cgroup *cg, const char *base, const char *own,
    const char *leaf)
{
	char *d = cg->dir[cg->n];
	char path[PATH_MAX];

	if ((size_t)snprintf(d, PATH_MAX, "%s%s/%s", base, own, leaf) >=
	    PATH_MAX)
		return -1;
	if (mkdir(d, 0700) == -1)
		return -1;
	if ((size_t)snprintf(path, sizeof(path), "%s/cgroup.procs", d) >=
	    sizeof(path) || (cg->procs_fd[cg->n] = fd_high(open(path,
	    O_WRONLY | O_CLOEXEC))) == -1) {
		rmdir(d);
		return -1;
	}
	cg->n++;
	return 0;
}

/* Makes a per-run cgroup with pids.max (mandatory) and a memory limit
 * (when the controller is there).  Returns 0 or -1 (nothing left). */
static int
cg_create(struct cgroup *cg, const struct runner_limits *lim)
{
	static unsigned long seq;
	char own[PATH_MAX], leaf[96], val[32], base[PATH_MAX];
	struct statfs sfs;
	unsigned long long mem;

	memset(cg, 0, sizeof(*cg));
	cg->procs_fd[0] = cg->procs_fd[1] = -1;
	snprintf(leaf, sizeof(leaf), "vigil-runner.%ld.%lu", (long)getpid(),
	    __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
	mem = (unsigned long long)lim->memory_bytes +
	    2ULL * lim->tmpfs_bytes;
	snprintf(val, sizeof(val), "%d", lim->max_procs);

	if (statfs("/sys/fs/cgroup", &sfs) == 0 &&
	    sfs.f_type == CGROUP2_SUPER_MAGIC) {
		cg->v2 = 1;
		if (own_cgroup("", own, sizeof(own)) == -1)
			return -1;
		if ((size_t)snprintf(base, sizeof(base), "/sys/fs/cgroup%s",
		    own) >= sizeof(base))
			return -1;
		(void)write_file(base, "cgroup.subtree_control",
		    "+pids +memory");
		if (cg_add(cg, "/sys/fs/cgroup", own, leaf) == -1)
			return -1;
		if (write_file(cg->dir[0], "pids.max", val) == -1)
			goto fail;
		snprintf(val, sizeof(val), "%llu", mem);
		(void)write_file(cg->dir[0], "memory.max", val);
		(void)write_file(cg->dir[0], "memory.swap.max", "0");
		return 0;
	}
	/* cgroup v1 */
	if (own_cgroup("pids", own, sizeof(own)) == -1 ||
	    cg_add(cg, "/sys/fs/cgroup/pids", own, leaf) == -1)
		return -1;
	if (write_file(cg->dir[0], "pids.max", val) == -1)
		goto fail;
	if (own_cgroup("memory", own, sizeof(own)) == 0 &&
	    cg_add(cg, "/sys/fs/cgroup/memory", own, leaf) == 0) {
		snprintf(val, sizeof(val), "%llu", mem);
		if (write_file(cg->dir[1], "memory.limit_in_bytes", val) == -1) {
			close(cg->procs_fd[1]);
			rmdir(cg->dir[1]);
			cg->n = 1;
		}
	}
	return 0;
 fail:
	cg_destroy(cg);
	return -1;
}

/* ------------------------------------------------------------------ */
/* seccomp */

#if defined(__x86_64__)
#define SC_ARCH		AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SC_ARCH		AUDIT_ARCH_AARCH64
#endif
#define SC_NR_CEILING	450	/* highest syscall number reviewed */

#define SC_OFF_NR	offsetof(struct seccomp_data, nr)
#define SC_OFF_ARCH	offsetof(struct seccomp_data, arch)
#define SC_OFF_ARG(i)	offsetof(struct seccomp_data, args[i]) /* low word, LE */

#define STMT(c, k)	((struct sock_filter)BPF_STMT((c), (k)))
#define JUMP(c, k, t, f) ((struct sock_filter)BPF_JUMP((c), (k), (t), (f)))
#define RET_ERRNO(e)	(SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))

#ifdef SC_ARCH
static const int sc_deny[] = {
	SYS_ptrace, SYS_process_vm_readv, SYS_process_vm_writev, SYS_kcmp,
	SYS_keyctl, SYS_add_key, SYS_request_key, SYS_perf_event_open,
	SYS_bpf, SYS_userfaultfd, SYS_mount, SYS_umount2, SYS_pivot_root,
	SYS_chroot, SYS_unshare, SYS_setns, SYS_kexec_load,
	SYS_kexec_file_load, SYS_init_module, SYS_finit_module,
	SYS_delete_module, SYS_reboot, SYS_swapon, SYS_swapoff, SYS_acct,
	SYS_quotactl, SYS_syslog, SYS_name_to_handle_at,
	SYS_open_by_handle_at, SYS_fanotify_init, SYS_vhangup,
	SYS_settimeofday, SYS_clock_settime, SYS_clock_adjtime,
	SYS_adjtimex,
#ifdef SYS_iopl
	SYS_iopl,
#endif
#ifdef SYS_ioperm
	SYS_ioperm,
#endif
#ifdef SYS_uselib
	SYS_uselib,
#endif
#ifdef SYS__sysctl
	SYS__sysctl,
#endif
#ifdef SYS_lookup_dcookie
	SYS_lookup_dcookie,
#endif
#ifdef SYS_io_uring_setup
	SYS_io_uring_setup, SYS_io_uring_enter, SYS_io_uring_register,
#endif
#ifdef SYS_open_tree
	SYS_open_tree, SYS_move_mount, SYS_fsopen, SYS_fsconfig,
	SYS_fsmount, SYS_fspick,
#endif
#ifdef SYS_mount_setattr
	SYS_mount_setattr,
#endif
#ifdef SYS_pidfd_getfd
	SYS_pidfd_getfd,
#endif
#ifdef SYS_quotactl_fd
	SYS_quotactl_fd,
#endif
};

#define NSFLAGS	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
		 CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | 0x00000080)
		 /* 0x80 = CLONE_NEWTIME */

/* Fills f; returns the number of instructions or -1. */
static int
seccomp_build(struct sock_filter *f, size_t max)
{
	size_t n = 0, i;

#define EMIT(x)	do { if (n >= max) return -1; f[n++] = (x); } while (0)
	EMIT(STMT(BPF_LD | BPF_W | BPF_ABS, SC_OFF_ARCH));
	EMIT(JUMP(BPF_JMP | BPF_JEQ | BPF_K, SC_ARCH, 1, 0));
	EMIT(STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
	EMIT(STMT(BPF_LD | BPF_W | BPF_ABS, SC_OFF_NR));
#if defined(__x86_64__)
	EMIT(JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 0, 1)); /* x32 */
	EMIT(STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
#endif
	EMIT(JUMP(BPF_JMP | BPF_JGT | BPF_K, SC_NR_CEILING, 0, 1));
	EMIT(STMT(BPF_RET | BPF_K, RET_ERRNO(ENOSYS)));
	for (i = 0; i < sizeof(sc_deny) / sizeof(sc_deny[0]); i++) {
		EMIT(JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)sc_deny[i], 0, 1));
		EMIT(STMT(BPF_RET | BPF_K, RET_ERRNO(EPERM)));
	}
#ifdef SYS_clone3
	EMIT(JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1));
	EMIT(STMT(BPF_RET | BPF_K, RET_ERRNO(ENOSYS)));
#endif
	/* clone(flags, ...): no new namespaces. */
	EMIT(JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 4));
	EMIT(STMT(BPF_LD | BPF_W | BPF_ABS, SC_OFF_ARG(0)));
	EMIT(JUMP(BPF_JMP | BPF_JSET | BPF_K, NSFLAGS, 0, 1));
	EMIT(STMT(BPF_RET | BPF_K, RET_ERRNO(EPERM)));
	EMIT(STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	/* ioctl(fd, cmd): no TIOCSTI, TIOCLINUX (cmd is 32 bits). */
	EMIT(JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ioctl, 0, 5));
	EMIT(STMT(BPF_LD | BPF_W | BPF_ABS, SC_OFF_ARG(1)));
	EMIT(JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCSTI, 2, 0));
	EMIT(JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCLINUX, 1, 0));
	EMIT(STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	EMIT(STMT(BPF_RET | BPF_K, RET_ERRNO(EPERM)));
	/* socket(domain, ...): AF_UNIX, AF_INET, AF_INET6 only. */
	EMIT(JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 6));
	EMIT(STMT(BPF_LD | BPF_W | BPF_ABS, SC_OFF_ARG(0)));
	EMIT(JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 2, 0));
	EMIT(JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 1, 0));
	EMIT(JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 0, 1));
	EMIT(STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	EMIT(STMT(BPF_RET | BPF_K, RET_ERRNO(EAFNOSUPPORT)));
	/* personality(p): query, PER_LINUX, PER_LINUX32 only. */
	EMIT(JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_personality, 0, 6));
	EMIT(STMT(BPF_LD | BPF_W | BPF_ABS, SC_OFF_ARG(0)));
	EMIT(JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffU, 2, 0));
	EMIT(JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0000, 1, 0));
	EMIT(JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0008, 0, 1));
	EMIT(STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	EMIT(STMT(BPF_RET | BPF_K, RET_ERRNO(EPERM)));
	EMIT(STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
#undef EMIT
	return (int)n;
}

/* A CLOEXEC memfd holding the filter, positioned at 0, or -1. */
static int
seccomp_fd(void)
{
	struct sock_filter prog[256];
	ssize_t len;
	int fd, n;

	if ((n = seccomp_build(prog, sizeof(prog) / sizeof(prog[0]))) == -1)
		return -1;
	len = (ssize_t)((size_t)n * sizeof(prog[0]));
	if ((fd = fd_high((int)syscall(SYS_memfd_create, "vigil-seccomp",
	    MFD_CLOEXEC))) == -1)
		return -1;
	if (write(fd, prog, (size_t)len) != len ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}
#else
static int
seccomp_fd(void)
{
	errno = ENOTSUP;
	return -1;
}
#endif

/* ------------------------------------------------------------------ */
/* mode selection */

static int forced_mode = RUNNER_MODE_AUTO;
static int probed_cgroup = -1, probed_drop = -1;

static int
probe_cgroup(void)
{
	struct runner_limits lim;
	struct cgroup cg;

	if (probed_cgroup == -1) {
		runner_limits_default(&lim);
		probed_cgroup = cg_create(&cg, &lim) == 0;
		if (probed_cgroup)
			cg_destroy(&cg);
	}
	return probed_cgroup;
}

/* Can bwrap run as RUNNER_SANDBOX_UID (i.e. unprivileged userns)? */
static int
probe_drop(void)
{
	pid_t pid;
	int st;

	if (probed_drop != -1)
		return probed_drop;
	if (geteuid() != 0)
		return probed_drop = 1;	/* already unprivileged */
	if ((pid = fork()) == -1)
		return 0;
	if (pid == 0) {
		gid_t g = RUNNER_SANDBOX_UID;

		if (setgroups(1, &g) == -1 ||
		    setresgid(g, g, g) == -1 ||
		    setresuid(RUNNER_SANDBOX_UID, RUNNER_SANDBOX_UID,
		    RUNNER_SANDBOX_UID) == -1 ||
		    unshare(CLONE_NEWUSER) == -1)
			_exit(1);
		_exit(0);
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	probed_drop = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	return probed_drop;
}

int
runner_mode(void)
{
	int c = probe_cgroup(), d = probe_drop(), root = geteuid() == 0;

	switch (forced_mode) {
	case RUNNER_MODE_CGROUP:
		return c ? RUNNER_MODE_CGROUP : -1;
	case RUNNER_MODE_DROP:
		return d ? RUNNER_MODE_DROP : -1;
	case RUNNER_MODE_BOTH:
		return c && d && root ? RUNNER_MODE_BOTH : -1;
	default:
		if (c && d && root)
			return RUNNER_MODE_BOTH;
		if (c)
			return RUNNER_MODE_CGROUP;
		if (d)
			return RUNNER_MODE_DROP;
		return -1;
	}
}

int
runner_set_mode(enum runner_mode m)
{
	int old = forced_mode;

	if ((int)m < 0 || m >= RUNNER_MODE__MAX)
		return -1;
	forced_mode = m;
	if (runner_mode() == -1) {
		forced_mode = old;
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* tree walking (hostile trees) */

static int chown_uid = -1;

/* Removes (op 0) or chowns to chown_uid (op 1) everything below dfd.
 * Directories past TREE_MAXDEPTH are renamed into rootfd and handled by a
 * later pass (*moved is set).  Never follows a symlink. */
static int
walk(int rootfd, int dfd, int depth, int op, int *moved, unsigned *seq)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, rc = 0;
	char tmp[64];

	/* A fresh open file description: a dup would share the offset. */
	if ((fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
			rc = -1;
			continue;
		}
		if (op == 1 && fchownat(dfd, de->d_name, (uid_t)chown_uid,
		    (gid_t)chown_uid, AT_SYMLINK_NOFOLLOW) == -1)
			rc = -1;
		if (!S_ISDIR(st.st_mode)) {
			if (op == 0 && unlinkat(dfd, de->d_name, 0) == -1)
				rc = -1;
			continue;
		}
		if (depth >= TREE_MAXDEPTH) {
			int e, tries = 0;

			do {
				snprintf(tmp, sizeof(tmp), ".vigil-flat.%u",
				    (*seq)++);
				e = renameat2(dfd, de->d_name, rootfd, tmp,
				    RENAME_NOREPLACE);
			} while (e == -1 && errno == EEXIST && ++tries < 1000);
			if (e == -1)
				rc = -1;
			else
				*moved = 1;
			continue;
		}
		fd = openat(dfd, de->d_name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1) {
			rc = -1;
			continue;
		}
		if (walk(rootfd, fd, depth + 1, op, moved, seq) == -1)
			rc = -1;
		close(fd);
		if (op == 0 && unlinkat(dfd, de->d_name, AT_REMOVEDIR) == -1)
			rc = -1;
	}
	closedir(d);
	return rc;
}

static int
walk_all(int rootfd, int op)
{
	unsigned seq = 0;
	int moved, rc, pass;

	for (pass = 0; pass < 10000; pass++) {
		moved = 0;
		rc = walk(rootfd, rootfd, 1, op, &moved, &seq);
		if (!moved)
			return rc;
	}
	return -1;
}

int
runner_rm_tree(const char *path)
{
	char parent[PATH_MAX], *slash, *base;
	int pfd, fd, rc;

	if (path == NULL || path[0] != '/' ||
	    strlen(path) >= sizeof(parent)) {
		errno = EINVAL;
		return -1;
	}
	snprintf(parent, sizeof(parent), "%s", path);
	while ((slash = strrchr(parent, '/')) != NULL && slash[1] == '\0' &&
	    slash != parent)
		*slash = '\0';
	slash = strrchr(parent, '/');
	base = slash + 1;
	if (*base == '\0' || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0) {
		errno = EINVAL;
		return -1;
	}
	*slash = '\0';
	if ((pfd = open(slash == parent ? "/" : parent,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		/* A symlink or a file: remove the entry itself. */
		rc = unlinkat(pfd, base, 0);
		close(pfd);
		return rc;
	}
	rc = walk_all(fd, 0);
	close(fd);
	if (unlinkat(pfd, base, AT_REMOVEDIR) == -1)
		rc = -1;
	close(pfd);
	if (rc == -1)
		log_warn("runner: could not remove all of %s", path);
	return rc;
}

static int
chown_tree(const char *path, uid_t uid)
{
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return -1;
	chown_uid = (int)uid;
	rc = fchown(fd, uid, uid);
	if (walk_all(fd, 1) == -1)
		rc = -1;
	close(fd);
	return rc;
}

struct vigil_open_how {
	uint64_t	flags;
	uint64_t	mode;
	uint64_t	resolve;
};

int
runner_read_file(int dirfd, const char *name, size_t max, char **out,
    size_t *len)
{
	struct vigil_open_how how;
	struct stat st;
	char *p = NULL;
	size_t have = 0;
	ssize_t n;
	int fd = -1;

	*out = NULL;
	*len = 0;
	if (name == NULL || name[0] == '\0' || name[0] == '/' ||
	    max == SIZE_MAX) {
		errno = EINVAL;
		return -1;
	}
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	how.resolve = 0x08 | 0x04 | 0x02;	/* BENEATH|NO_SYMLINKS|NO_MAGICLINKS */
#ifdef SYS_openat2
	fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
#else
	errno = ENOSYS;
#endif
	if (fd == -1 && errno == ENOSYS) {
		if (strchr(name, '/') != NULL || strcmp(name, "..") == 0) {
			errno = EINVAL;
			return -1;
		}
		fd = openat(dirfd, name, (int)how.flags);
	}
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if ((uint64_t)st.st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	if ((p = malloc(max + 1)) == NULL)
		goto fail;
	for (;;) {
		n = read(fd, p + have, max + 1 - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		have += (size_t)n;
		if (have > max) {
			errno = EFBIG;
			goto fail;
		}
	}
	p[have] = '\0';
	close(fd);
	*out = p;
	*len = have;
	return 0;
 fail:
	n = errno;
	free(p);
	close(fd);
	errno = (int)n;
	return -1;
}

/* ------------------------------------------------------------------ */
/* bwrap arguments */

#define MAX_RO_BINDS	8

/* bwrap's argument vector and the strings it points into.
 *
 * When the supervisor is root and drops to the sandbox uid before bwrap,
 * a workdir or read-only bind below a directory that uid cannot search (a
 * 0700 home, mktemp -d) would be out of bwrap's reach.  So they are
 * staged: the grandchild, still root, enters a private mount namespace
 * and bind-mounts each on an empty directory of a fresh 0755 directory in
 * /tmp, and bwrap binds from there.  The host never sees those mounts;
 * the empty directories are removed after the run. */
struct args {
	const char	**v;
	size_t		  n, max;
	char		  sizebuf[32], fdbuf[16], infobuf[16], uidbuf[16];
	char		  links[4][PATH_MAX];
	int		  staged;
	size_t		  nstage;
	const char	 *stagesrc[MAX_RO_BINDS + 1];	/* [0]: workdir */
	char		  stage[64];
	char		  stagedir[MAX_RO_BINDS + 1][96];
};

static void
add(struct args *a, const char *s)
{
	if (a->n + 1 < a->max)
		a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static int
valid_bind(const char *p)
{
	size_t l;

	if (p == NULL || p[0] != '/' || strcmp(p, "/") == 0 ||
	    (l = strlen(p)) >= PATH_MAX || strstr(p, "/../") != NULL ||
	    (l >= 3 && strcmp(p + l - 3, "/..") == 0))
		return 0;
	return 1;
}

static int
build_argv(struct args *a, const char *const argv[], const char *workdir,
    const char *const *ro_binds, const struct runner_limits *lim, int scfd,
    int infofd, int mode)
{
	static const char *const dest[] = { "/bin", "/sbin", "/lib",
	    "/lib64" };
	static const char *const etc[] = { "/etc/ld.so.cache",
	    "/etc/alternatives" };
	struct stat st;
	size_t i, nb = 0, na = 0;
	ssize_t l;

	while (ro_binds != NULL && ro_binds[nb] != NULL)
		nb++;
	while (argv[na] != NULL)
		na++;
	a->max = MAX_ARGS + 3 * nb + na + 1;
	if ((a->v = calloc(a->max, sizeof(*a->v))) == NULL)
		return -1;
	snprintf(a->sizebuf, sizeof(a->sizebuf), "%zu", lim->tmpfs_bytes);
	snprintf(a->fdbuf, sizeof(a->fdbuf), "%d", scfd);
	snprintf(a->infobuf, sizeof(a->infobuf), "%d", infofd);
	snprintf(a->uidbuf, sizeof(a->uidbuf), "%d", RUNNER_SANDBOX_UID);

	add(a, RUNNER_BWRAP);
	add(a, "--unshare-all");
	add(a, "--unshare-user");	/* needed by --disable-userns */
	add(a, "--disable-userns");
	add(a, "--assert-userns-disabled");
	add(a, "--die-with-parent");
	add(a, "--new-session");
	add(a, "--cap-drop"); add(a, "ALL");
	add(a, "--clearenv");
	add(a, "--setenv"); add(a, "PATH"); add(a, "/usr/bin:/bin");
	add(a, "--setenv"); add(a, "HOME"); add(a, "/work");
	add(a, "--setenv"); add(a, "LANG"); add(a, "C.UTF-8");
	add(a, "--uid"); add(a, a->uidbuf);
	add(a, "--gid"); add(a, a->uidbuf);
	add(a, "--hostname"); add(a, "sandbox");
	add(a, "--ro-bind"); add(a, "/usr"); add(a, "/usr");
	for (i = 0; i < sizeof(dest) / sizeof(dest[0]); i++) {
		if (lstat(dest[i], &st) == -1)
			continue;
		if (S_ISLNK(st.st_mode)) {
			l = readlink(dest[i], a->links[i], PATH_MAX - 1);
			if (l <= 0)
				continue;
			a->links[i][l] = '\0';
			add(a, "--symlink"); add(a, a->links[i]);
		} else if (S_ISDIR(st.st_mode)) {
			add(a, "--ro-bind"); add(a, dest[i]);
		} else
			continue;
		add(a, dest[i]);
	}
	for (i = 0; i < sizeof(etc) / sizeof(etc[0]); i++) {
		add(a, "--ro-bind-try"); add(a, etc[i]); add(a, etc[i]);
	}
	add(a, "--proc"); add(a, "/proc");
	if (mode == RUNNER_MODE_CGROUP && geteuid() == 0) {
		/* Payload is host uid 0 (no capabilities): sysctls check only
		 * the file mode, and bwrap covers /proc/sys only when it
		 * looks writable.  Hide it. */
		add(a, "--tmpfs"); add(a, "/proc/sys");
		add(a, "--remount-ro"); add(a, "/proc/sys");
	}
	add(a, "--dev"); add(a, "/dev");
	add(a, "--perms"); add(a, "1777");
	add(a, "--size"); add(a, a->sizebuf);
	add(a, "--tmpfs"); add(a, "/dev/shm");
	add(a, "--remount-ro"); add(a, "/dev");
	add(a, "--perms"); add(a, "1777");
	add(a, "--size"); add(a, a->sizebuf);
	add(a, "--tmpfs"); add(a, "/tmp");
	add(a, "--bind"); add(a, a->staged ? a->stagedir[0] : workdir);
	add(a, "/work");
	for (i = 0; i < nb; i++) {
		add(a, "--ro-bind");
		add(a, a->staged ? a->stagedir[i + 1] : ro_binds[i]);
		add(a, ro_binds[i]);
	}
	add(a, "--chdir"); add(a, "/work");
	add(a, "--remount-ro"); add(a, "/");
	if (scfd != -1) {
		add(a, "--seccomp"); add(a, a->fdbuf);
	}
	add(a, "--info-fd"); add(a, a->infobuf);
	add(a, "--");
	for (i = 0; i < na; i++)
		add(a, argv[i]);
	return a->n + 1 < a->max ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* running */

void
runner_limits_default(struct runner_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->cpu_seconds = 60;
	l->wall_seconds = 60;
	l->memory_bytes = 512UL << 20;
	l->max_procs = 64;
	l->output_bytes = 1UL << 20;
	l->tmpfs_bytes = 64UL << 20;
	l->file_bytes = 256UL << 20;
}

void
runner_result_release(struct runner_result *r)
{
	if (r == NULL)
		return;
	free(r->output);
	r->output = NULL;
	r->output_len = 0;
}

static void
setlim(int res, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { soft, hard };

	(void)setrlimit(res, &rl);
}

static void
child_fail(const char *msg)
{
	ssize_t n = write(2, msg, strlen(msg));

	(void)n;
	_exit(127);
}

/* The grandchild: joins the cgroup, sets limits, drops uid, execs bwrap.
 * Between fork and exec: async-signal-safe calls only. */
static void
exec_bwrap(const struct args *a, const struct runner_limits *lim,
    const struct cgroup *cg, int mode, int devnull, int outw, int scfd,
    int infow, pid_t parent)
{
	char *const *bargv = (char *const *)a->v;
	size_t k;
	static char *const envp[] = { "PATH=/usr/bin:/bin", NULL };
	int i;

	for (i = 0; i < cg->n; i++)
		if (write(cg->procs_fd[i], "0", 1) != 1)
			child_fail("bwrap: runner: cannot join cgroup\n");
	if (dup2(devnull, 0) == -1 || dup2(outw, 1) == -1 ||
	    dup2(outw, 2) == -1)
		_exit(127);
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == -1) {
		/* Older kernel: our own fds are all CLOEXEC; mark the rest. */
		for (i = 3; i < 1024; i++)
			if (i != scfd && i != infow)
				(void)fcntl(i, F_SETFD, FD_CLOEXEC);
	}
	if ((scfd != -1 && fcntl(scfd, F_SETFD, 0) == -1) ||
	    fcntl(infow, F_SETFD, 0) == -1)
		_exit(127);
	setlim(RLIMIT_CPU, (rlim_t)lim->cpu_seconds,
	    (rlim_t)lim->cpu_seconds + 1);
	/* With a memory cgroup the whole run is capped there; an address
	 * space limit on top would break sanitizer builds (ASan reserves
	 * terabytes of address space it never uses), so it is only the
	 * fallback when there is no cgroup. */
	if (mode == RUNNER_MODE_DROP)
		setlim(RLIMIT_AS, (rlim_t)lim->memory_bytes,
		    (rlim_t)lim->memory_bytes);
	setlim(RLIMIT_FSIZE, (rlim_t)lim->file_bytes, (rlim_t)lim->file_bytes);
	setlim(RLIMIT_CORE, 0, 0);
	if (mode == RUNNER_MODE_DROP)
		setlim(RLIMIT_NPROC, (rlim_t)lim->max_procs,
		    (rlim_t)lim->max_procs);
	if (a->staged) {
		if (unshare(CLONE_NEWNS) == -1 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
			child_fail("bwrap: runner: cannot make a private mount "
			    "namespace\n");
		for (k = 0; k < a->nstage; k++)
			if (mount(a->stagesrc[k], a->stagedir[k], NULL,
			    MS_BIND | MS_REC, NULL) == -1)
				child_fail("bwrap: runner: cannot stage a "
				    "read-only bind\n");
	}
	if (mode == RUNNER_MODE_DROP || mode == RUNNER_MODE_BOTH) {
		if (geteuid() == 0) {
			gid_t g = RUNNER_SANDBOX_UID;

			if (setgroups(1, &g) == -1 ||
			    setresgid(g, g, g) == -1 ||
			    setresuid(RUNNER_SANDBOX_UID, RUNNER_SANDBOX_UID,
			    RUNNER_SANDBOX_UID) == -1)
				child_fail("bwrap: runner: cannot drop uid\n");
		}
	}
	/* After any uid change, which clears it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	execve(RUNNER_BWRAP, bargv, envp);
	child_fail("bwrap: runner: cannot execute " RUNNER_BWRAP "\n");
}

/* The child: process group leader and subreaper.  bwrap exits without
 * reaping the sandbox's pid 1, which would otherwise be left as a zombie
 * of init; here it is reparented to us and reaped, so when the supervisor
 * reaps this process the whole sandbox is gone.  Exits with bwrap's status
 * (a signal N as 128+N, bwrap's own encoding). */
static void
child(const struct args *a, const struct runner_limits *lim,
    const struct cgroup *cg, int mode, int devnull, int outw, int scfd,
    int infow, pid_t parent)
{
	pid_t g, w, me = getpid();
	int st, gst = 0;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		child_fail("bwrap: runner: cannot become a subreaper\n");
	if ((g = fork()) == -1)
		child_fail("bwrap: runner: fork failed\n");
	if (g == 0)
		exec_bwrap(a, lim, cg, mode, devnull, outw, scfd, infow,
		    me);
	close(outw);
	close(infow);
	for (;;) {
		w = waitpid(-1, &st, 0);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			break;
		if (w == g)
			gst = st;
	}
	if (WIFSIGNALED(gst))
		_exit(128 + WTERMSIG(gst));
	_exit(WIFEXITED(gst) ? WEXITSTATUS(gst) : 127);
}

/* Waits up to ms for fd to become readable (a pidfd: the process ended). */
static int
wait_fd(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int rc;

	while ((rc = poll(&p, 1, ms)) == -1 && errno == EINTR)
		;
	return rc == 1;
}

/* bwrap's --info-fd JSON: { "child-pid": N, ... }.  N is the sandbox's
 * pid 1 (bwrap's reaper) in our pid namespace. */
static pid_t
info_child_pid(const char *info)
{
	const char *p;
	long v;

	if ((p = strstr(info, "\"child-pid\"")) == NULL ||
	    (p = strchr(p, ':')) == NULL)
		return -1;
	v = strtol(p + 1, NULL, 10);
	return v > 1 && v <= INT_MAX ? (pid_t)v : -1;
}

static long
ppid_of(pid_t pid)
{
	char path[64], line[128];
	FILE *f;
	long ppid = -1;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "PPid:", 5) == 0)
			ppid = strtol(line + 5, NULL, 10);
	fclose(f);
	return ppid;
}

/* A pidfd for the sandbox's pid 1, checked to be a grandchild of our
 * child (the pid could have been reused if it already died), or -1. */
static int
open_inner(pid_t inner, pid_t child)
{
	long ppid;
	int fd;

	if ((fd = (int)syscall(SYS_pidfd_open, inner, 0)) == -1)
		return -1;
	ppid = ppid_of(inner);
	if (ppid != (long)child && (ppid <= 1 || ppid_of((pid_t)ppid) !=
	    (long)child)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Kills the sandbox: its pid 1 first, so the kernel kills the whole pid
 * namespace and bwrap reaps it (no orphaned zombie), then bwrap's process
 * group, then the cgroup. */
static void
kill_all(pid_t pid, int outerfd, int innerfd, struct cgroup *cg)
{
	int i;

	if (innerfd != -1) {
		syscall(SYS_pidfd_send_signal, innerfd, SIGKILL, NULL, 0);
		(void)wait_fd(innerfd, KILL_WAIT_MS);
		if (outerfd != -1)
			(void)wait_fd(outerfd, 500);
	}
	kill(-pid, SIGKILL);
	for (i = 0; i < cg->n; i++)
		(void)write_file(cg->dir[i], "cgroup.kill", "1");
}

/* Appends up to the output limit; returns -1 once past it. */
static int
keep_output(struct runner_result *r, size_t *cap, size_t max,
    const char *p, size_t n)
{
	size_t take = n, ncap;
	char *np;

	if (r->output_len + take > max) {
		take = max - r->output_len;
		r->output_truncated = 1;
	}
	if (r->output_len + take + 1 > *cap) {
		ncap = *cap ? *cap * 2 : 65536;
		while (ncap < r->output_len + take + 1)
			ncap *= 2;
		if (ncap > max + 1)
			ncap = max + 1;
		if ((np = realloc(r->output, ncap)) == NULL) {
			r->output_truncated = 1;
			return -1;
		}
		r->output = np;
		*cap = ncap;
	}
	memcpy(r->output + r->output_len, p, take);
	r->output_len += take;
	return r->output_truncated ? -1 : 0;
}

/* The empty directories the workdir (w) and the binds (b<i>) are staged
 * on: /tmp/.vigil-stage-XXXXXX/, 0755.  0, or -1 with r->error set
 * (nothing left behind). */
static int
stage_binds(struct args *a, const char *workdir, const char *const *binds,
    struct runner_result *r)
{
	size_t i;

	snprintf(a->stage, sizeof(a->stage), "/tmp/.vigil-stage-XXXXXX");
	if (mkdtemp(a->stage) == NULL) {
		seterr(r, "cannot stage the sandbox's mounts in /tmp: %s",
		    strerror(errno));
		a->stage[0] = '\0';
		return -1;
	}
	a->staged = 1;
	if (chmod(a->stage, 0755) == -1)
		goto fail;
	for (i = 0; i == 0 || (binds != NULL && binds[i - 1] != NULL); i++) {
		if (i == 0)
			snprintf(a->stagedir[0], sizeof(a->stagedir[0]), "%s/w",
			    a->stage);
		else
			snprintf(a->stagedir[i], sizeof(a->stagedir[i]),
			    "%s/b%zu", a->stage, i - 1);
		if (mkdir(a->stagedir[i], 0755) == -1)
			goto fail;
		a->stagesrc[i] = i == 0 ? workdir : binds[i - 1];
		a->nstage = i + 1;
	}
	return 0;
fail:
	seterr(r, "cannot stage the sandbox's mounts in %s: %s", a->stage,
	    strerror(errno));
	return -1;
}

static void
unstage_binds(struct args *a)
{
	size_t i;

	if (!a->staged)
		return;
	for (i = 0; i < a->nstage; i++)
		(void)rmdir(a->stagedir[i]);
	(void)rmdir(a->stage);
	a->staged = 0;
}

int
runner_run(const char *const argv[], const char *workdir,
    const char *const *ro_binds, const struct runner_limits *limp,
    struct runner_result *r)
{
	enum { PF_OUT, PF_INFO, PF_PID, PF__MAX };
	struct runner_limits lim;
	struct args a;
	struct cgroup cg;
	struct rusage ru;
	struct stat st;
	struct pollfd pfd[PF__MAX];
	char chunk[65536], info[1024];
	size_t cap = 0, infolen = 0, i;
	double start, deadline, left, cpu;
	pid_t pid = -1, w;
	int mode, devnull = -1, pp[2] = { -1, -1 }, ip[2] = { -1, -1 };
	int scfd = -1, pidfd = -1, innerfd = -1, status = 0, reaped = 0;
	int eof = 0, infoeof = 0, killed = 0, rc = -1;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	memset(&a, 0, sizeof(a));
	memset(&cg, 0, sizeof(cg));
	memset(&ru, 0, sizeof(ru));
	cg.procs_fd[0] = cg.procs_fd[1] = -1;
	if (limp != NULL)
		lim = *limp;
	else
		runner_limits_default(&lim);
	if (argv == NULL || argv[0] == NULL || workdir == NULL ||
	    !valid_bind(workdir)) {
		seterr(r, "bad arguments");
		return -1;
	}
	for (i = 0; ro_binds != NULL && ro_binds[i] != NULL; i++)
		if (!valid_bind(ro_binds[i]) || i == MAX_RO_BINDS ||
		    stat(ro_binds[i], &st) == -1) {
			seterr(r, "bad read-only bind %s", ro_binds[i]);
			return -1;
		}
	if (lim.cpu_seconds <= 0 || lim.wall_seconds <= 0 ||
	    lim.max_procs <= 0 || lim.memory_bytes == 0 ||
	    lim.output_bytes == 0 || lim.output_bytes >= SIZE_MAX / 4 ||
	    lim.tmpfs_bytes == 0 || lim.file_bytes == 0) {
		seterr(r, "bad limits");
		return -1;
	}
	if (lstat(workdir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		seterr(r, "workdir %s is not a directory", workdir);
		return -1;
	}
	if ((mode = runner_mode()) == -1) {
		seterr(r, "no way to limit processes here: need a writable "
		    "cgroup (pids) or unprivileged user namespaces");
		return -1;
	}
	if ((mode == RUNNER_MODE_CGROUP || mode == RUNNER_MODE_BOTH) &&
	    cg_create(&cg, &lim) == -1) {
		seterr(r, "cannot create cgroup: %s", strerror(errno));
		return -1;
	}
	if ((mode == RUNNER_MODE_DROP || mode == RUNNER_MODE_BOTH) &&
	    geteuid() == 0 && chown_tree(workdir, RUNNER_SANDBOX_UID) == -1) {
		seterr(r, "cannot give %s to uid %d", workdir,
		    RUNNER_SANDBOX_UID);
		goto out;
	}
	if ((scfd = seccomp_fd()) == -1) {
		seterr(r, "cannot build seccomp filter: %s", strerror(errno));
		goto out;
	}
	if ((devnull = fd_high(open("/dev/null", O_RDONLY | O_CLOEXEC))) ==
	    -1 || pipe2(pp, O_CLOEXEC) == -1 || pipe2(ip, O_CLOEXEC) == -1) {
		seterr(r, "open/pipe: %s", strerror(errno));
		goto out;
	}
	if ((pp[0] = fd_high(pp[0])) == -1 || (pp[1] = fd_high(pp[1])) == -1 ||
	    (ip[0] = fd_high(ip[0])) == -1 || (ip[1] = fd_high(ip[1])) == -1 ||
	    fcntl(pp[0], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(ip[0], F_SETFL, O_NONBLOCK) == -1) {
		seterr(r, "fcntl: %s", strerror(errno));
		goto out;
	}
	if ((mode == RUNNER_MODE_DROP || mode == RUNNER_MODE_BOTH) &&
	    geteuid() == 0 && stage_binds(&a, workdir, ro_binds, r) == -1)
		goto out;
	if (build_argv(&a, argv, workdir, ro_binds, &lim, scfd, ip[1],
	    mode) == -1) {
		seterr(r, "too many arguments");
		goto out;
	}

	start = now_mono();
	deadline = start + lim.wall_seconds;
	if ((pid = fork()) == -1) {
		seterr(r, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(&a, &lim, &cg, mode, devnull, pp[1],
		    scfd, ip[1], getppid());
	setpgid(pid, pid);	/* also done by the child; either wins */
	r->pid = pid;
	close(pp[1]);
	close(ip[1]);
	pp[1] = ip[1] = -1;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	for (;;) {
		for (i = 0; i < PF__MAX; i++) {
			pfd[i].fd = -1;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (!eof)
			pfd[PF_OUT].fd = pp[0];
		if (!infoeof)
			pfd[PF_INFO].fd = ip[0];
		if (!reaped)
			pfd[PF_PID].fd = pidfd;
		left = deadline - now_mono();
		if (left <= 0) {
			r->timed_out = 1;
			break;
		}
		if (pidfd == -1 && left > 0.05)
			left = 0.05;
		if (poll(pfd, PF__MAX, (int)(left * 1000) + 1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[PF_INFO].revents != 0) {
			n = read(ip[0], info + infolen,
			    sizeof(info) - 1 - infolen);
			if (n > 0)
				infolen += (size_t)n;
			if (n == 0 || (n == -1 && errno != EINTR &&
			    errno != EAGAIN) || infolen == sizeof(info) - 1) {
				infoeof = 1;
				info[infolen] = '\0';
				w = info_child_pid(info);
				if (w != -1)
					innerfd = open_inner(w, pid);
			}
		}
		if (pfd[PF_OUT].revents != 0) {
			n = read(pp[0], chunk, sizeof(chunk));
			if (n == 0)
				eof = 1;
			else if (n > 0) {
				if (keep_output(r, &cap, lim.output_bytes,
				    chunk, (size_t)n) == -1)
					break;
			} else if (errno != EINTR && errno != EAGAIN)
				eof = 1;
		}
		if (!reaped && wait4(pid, &status, WNOHANG, &ru) == pid)
			reaped = 1;
		if (reaped && eof)
			break;
		if (reaped && !killed) {
			/* bwrap is gone but something holds the pipe. */
			kill_all(pid, -1, innerfd, &cg);
			killed = 1;
		}
	}
	if (!reaped || !eof)
		kill_all(pid, reaped ? -1 : pidfd, innerfd, &cg);
	if (!reaped) {
		while ((w = wait4(pid, &status, 0, &ru)) == -1 &&
		    errno == EINTR)
			;
		reaped = w == pid;
	}
	/* The sandbox's pid 1 outlives bwrap only if bwrap was killed
	 * first; its death ends every process of the namespace. */
	if (innerfd != -1 && !wait_fd(innerfd, KILL_WAIT_MS))
		log_warn("runner: sandbox pid 1 still alive");
	if (cg.n > 0)
		cg_destroy(&cg);
	r->duration = now_mono() - start;

	if (WIFEXITED(status)) {
		int code = WEXITSTATUS(status);

		if (code > 128 && code <= 128 + 64)
			r->signal = code - 128;	/* bwrap's encoding */
		else {
			r->exited = 1;
			r->exit_status = code;
		}
	} else if (WIFSIGNALED(status))
		r->signal = WTERMSIG(status);
	cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	    ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
	if (reaped && (r->signal == SIGXCPU || (r->signal == SIGKILL &&
	    !r->timed_out && !r->output_truncated &&
	    cpu >= (double)lim.cpu_seconds - 0.05)))
		r->cpu_exceeded = 1;
	if (r->output == NULL && (r->output = malloc(1)) == NULL) {
		seterr(r, "out of memory");
		goto out;
	}
	r->output[r->output_len] = '\0';
	/* bwrap's own setup failures: exit 1 with "bwrap: ..." first. */
	if (r->exited && r->exit_status == 1 && r->output_len > 7 &&
	    strncmp(r->output, "bwrap: ", 7) == 0) {
		size_t e = strcspn(r->output, "\n");

		if (e > sizeof(r->error) - 1)
			e = sizeof(r->error) - 1;
		memcpy(r->error, r->output, e);
		r->error[e] = '\0';
		log_warn("runner: sandbox setup failed: %s", r->error);
		runner_result_release(r);
		goto out;
	}
	rc = 0;
 out:
	if (cg.n > 0)
		cg_destroy(&cg);
	if (innerfd != -1)
		close(innerfd);
	if (pidfd != -1)
		close(pidfd);
	for (i = 0; i < 2; i++) {
		if (pp[i] != -1)
			close(pp[i]);
		if (ip[i] != -1)
			close(ip[i]);
	}
	if (devnull != -1)
		close(devnull);
	if (scfd != -1)
		close(scfd);
	unstage_binds(&a);
	free(a.v);
	return rc;
}

int
runner_available(char *why, size_t whylen)
{
	static const char *const argv[] = { "true", NULL };
	struct runner_limits lim;
	struct runner_result r;
	char dir[] = "/tmp/vigil-runner-probe.XXXXXX";
	int mode, ok = 0;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (access(RUNNER_BWRAP, X_OK) == -1) {
		if (why != NULL)
			snprintf(why, whylen, "%s not installed", RUNNER_BWRAP);
		return 0;
	}
	if ((mode = runner_mode()) == -1) {
		if (why != NULL)
			snprintf(why, whylen, "no process limit possible: no "
			    "writable pids cgroup and no unprivileged user "
			    "namespaces");
		return 0;
	}
	if (mkdtemp(dir) == NULL) {
		if (why != NULL)
			snprintf(why, whylen, "mkdtemp: %s", strerror(errno));
		return 0;
	}
	(void)chmod(dir, 0755);
	runner_limits_default(&lim);
	lim.wall_seconds = 20;
	if (runner_run(argv, dir, NULL, &lim, &r) == -1) {
		if (why != NULL)
			snprintf(why, whylen, "bwrap failed: %s", r.error);
	} else if (!r.exited || r.exit_status != 0) {
		if (why != NULL)
			snprintf(why, whylen, "bwrap ran `true` badly "
			    "(status %d, signal %d): %.100s", r.exit_status,
			    r.signal, r.output);
	} else {
		ok = 1;
		if (why != NULL)
			snprintf(why, whylen, "bwrap works; %s", mode ==
			    RUNNER_MODE_BOTH ? "pids/memory cgroup, bwrap as "
			    "uid 65534" : mode == RUNNER_MODE_CGROUP ?
			    "pids/memory cgroup, bwrap as the caller" :
			    "RLIMIT_NPROC, no cgroup");
	}
	runner_result_release(&r);
	(void)runner_rm_tree(dir);
	return ok;
}
