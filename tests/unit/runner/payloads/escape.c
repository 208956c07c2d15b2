/* payloads/escape.c - hostile: tries the classic ways out of a namespace
 * sandbox.  One line per attempt, "ok" when blocked as expected,
 * "ESCAPED" otherwise; exits with the number of escapes. */
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/sched.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int escapes;

/* rc == -1 with errno `want` (0: any errno) is a block. */
static void
check(const char *what, long rc, int want)
{
	int e = errno;

	if (rc == -1 && (want == 0 || e == want))
		printf("%s: ok (%s)\n", what, strerror(e));
	else {
		printf("%s: ESCAPED (rc %ld, %s)\n", what, rc,
		    rc == -1 ? strerror(e) : "success");
		escapes++;
	}
}

int
main(void)
{
	char c = 'x';
	long rc;

	setvbuf(stdout, NULL, _IONBF, 0);
	errno = 0;
	check("ptrace attach", ptrace(PTRACE_ATTACH, 1, NULL, NULL), EPERM);
	check("ptrace traceme", ptrace(PTRACE_TRACEME, 0, NULL, NULL), EPERM);
	check("unshare user", unshare(CLONE_NEWUSER), EPERM);
	check("unshare mount", unshare(CLONE_NEWNS), EPERM);
	check("unshare net", unshare(CLONE_NEWNET), EPERM);
	rc = syscall(SYS_clone, (long)(CLONE_NEWUSER | SIGCHLD), 0L, 0L, 0L,
	    0L);
	if (rc == 0)
		_exit(0);
	if (rc > 0)
		waitpid((pid_t)rc, NULL, 0);
	check("clone newuser", rc, EPERM);
	check("clone3", syscall(SYS_clone3, NULL, 0L), ENOSYS);
	check("mount tmpfs", mount("none", "/tmp", "tmpfs", 0, NULL), EPERM);
	check("umount /usr", umount2("/usr", MNT_DETACH), EPERM);
	check("chroot", chroot("/tmp"), EPERM);
	check("setns", syscall(SYS_setns, 0, 0), EPERM);
	check("keyctl", syscall(SYS_keyctl, 0L, -3L, 0L), EPERM);
	check("add_key", syscall(SYS_add_key, "user", "x", "y", 1, -3L), EPERM);
	check("bpf", syscall(SYS_bpf, 0L, NULL, 0L), EPERM);
	check("perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1, -1,
	    0L), EPERM);
	check("userfaultfd", syscall(SYS_userfaultfd, 0L), EPERM);
	check("io_uring_setup", syscall(SYS_io_uring_setup, 1L, NULL), EPERM);
	check("personality", personality(ADDR_NO_RANDOMIZE), EPERM);
	check("TIOCSTI", ioctl(0, TIOCSTI, &c), EPERM);
	check("TIOCSTI on stdout", ioctl(1, TIOCSTI, &c), EPERM);
	check("open /dev/tty", open("/dev/tty", O_RDWR), 0);
	check("netlink socket", socket(AF_NETLINK, SOCK_RAW, 0), EAFNOSUPPORT);
	check("packet socket", socket(AF_PACKET, SOCK_RAW, 0), EAFNOSUPPORT);
	check("setuid 0", setuid(0), 0);
	check("unknown syscall 1000", syscall(1000L), ENOSYS);
	/* Opened only, never written: success would already be an escape. */
	check("open /proc/sys/kernel/hostname for writing",
	    open("/proc/sys/kernel/hostname", O_WRONLY), 0);
	check("open /proc/sys/kernel/core_pattern for writing",
	    open("/proc/sys/kernel/core_pattern", O_WRONLY), 0);
	check("open /proc/sysrq-trigger for writing",
	    open("/proc/sysrq-trigger", O_WRONLY), 0);
	printf("escapes: %d\n", escapes);
	return escapes;
}
