/* tests/unit/runner/test_sandbox.c - the sandbox against hostile code.
 *
 * Hostile payloads live in tests/unit/runner/payloads/NAME.c; the group setup
 * compiles them with the system `cc` (fork/exec, outside the sandbox) into
 * a temporary directory that runs read-only-bound into each sandbox.
 * Each test is one escape or limit; every run must leave no process. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runner/sandbox.h"

#define SECRET_ENV	"s3cr3t-env-6b1f"
#define SECRET_DB	"TOPSECRET-db-contents-91ac"

static const char *const payloads[] = {
	"net", "forkbomb", "cpu", "memhog", "escape"
};

static int	available;
static char	why[512];
static char	base[32];		/* /tmp/vigil-sbt.XXXXXX */
static char	bindir[64];		/* compiled payloads, bound ro */
static char	secretdir[64];		/* host secrets, never bound */
static char	secretdb[96];
static unsigned	nwork;

/* ------------------------------------------------------------------ */

static int
spawn_wait(char *const argv[])
{
	pid_t pid;
	int st;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *
payload_src_dir(void)
{
	static char dir[PATH_MAX];
	const char *e, *slash;
	struct stat st;

	if ((e = getenv("VIGIL_RUNNER_PAYLOADS")) != NULL)
		return e;
	slash = strrchr(__FILE__, '/');
	if (slash != NULL) {
		snprintf(dir, sizeof(dir), "%.*s/payloads",
		    (int)(slash - __FILE__), __FILE__);
		if (stat(dir, &st) == 0)
			return dir;
	}
	return "tests/unit/runner/payloads";
}

static void
bpath(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", bindir, name);
}

/* A fresh work directory (0755 so the drop mode's uid can reach it). */
static void
new_workdir(char *out, size_t len)
{
	snprintf(out, len, "%s/w%u", base, nwork++);
	assert_int_equal(mkdir(out, 0755), 0);
}

static int	zombies_at_start;

/* Zombie bwrap processes handed to init (a sandbox's pid 1 nobody
 * reaped). */
static int
orphan_zombies(void)
{
	char path[320], buf[512], *p;
	struct dirent *de;
	DIR *d;
	FILE *f;
	int n = 0;
	char state;
	long ppid;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) != NULL &&
		    strstr(buf, "(bwrap)") != NULL &&
		    (p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 1, " %c %ld", &state, &ppid) == 2 &&
		    state == 'Z' && ppid == 1)
			n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

/* Nothing left in the process group, and no bomb process anywhere. */
static void
assert_no_leftovers(const struct runner_result *r)
{
	char path[320], comm[64];
	struct dirent *de;
	DIR *d;
	FILE *f;
	int found = 0;

	assert_true(r->pid > 0);
	assert_int_equal(kill(-r->pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_non_null(d = opendir("/proc"));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(comm, sizeof(comm), f) != NULL &&
		    strncmp(comm, "vigilbomb", 9) == 0) {
			print_error("leftover process %s\n", de->d_name);
			found++;
		}
		fclose(f);
	}
	closedir(d);
	assert_int_equal(found, 0);
	assert_true(orphan_zombies() <= zombies_at_start);
	/* No zombie children of ours either. */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void
run(const char *const argv[], const char *workdir,
    const struct runner_limits *lim, struct runner_result *r)
{
	const char *binds[] = { bindir, NULL };
	char wd[PATH_MAX];

	if (workdir == NULL) {
		new_workdir(wd, sizeof(wd));
		workdir = wd;
	}
	if (runner_run(argv, workdir, binds, lim, r) != 0)
		fail_msg("runner_run: %s", r->error);
	assert_non_null(r->output);
	assert_int_equal(r->output[r->output_len], '\0');
	assert_no_leftovers(r);
}

#define SKIP_UNLESS_AVAILABLE() do {					\
	if (!available) {						\
		print_message("SKIP: sandbox unavailable: %s\n", why);	\
		skip();							\
	}								\
} while (0)

/* ------------------------------------------------------------------ */

static int
group_setup(void **state)
{
	char src[PATH_MAX], out[PATH_MAX];
	const char *sdir = payload_src_dir();
	size_t i;
	int fd;

	(void)state;
	setenv("VIGIL_TEST_SECRET", SECRET_ENV, 1);
	snprintf(base, sizeof(base), "/tmp/vigil-sbt.XXXXXX");
	if (mkdtemp(base) == NULL || chmod(base, 0755) == -1)
		return -1;
	snprintf(bindir, sizeof(bindir), "%s/bin", base);
	snprintf(secretdir, sizeof(secretdir), "%s/secret", base);
	snprintf(secretdb, sizeof(secretdb), "%s/vigil.db", secretdir);
	if (mkdir(bindir, 0755) == -1 || mkdir(secretdir, 0755) == -1)
		return -1;
	/* World-readable on purpose: only the mount namespace hides it. */
	if ((fd = open(secretdb, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1)
		return -1;
	if (write(fd, SECRET_DB, strlen(SECRET_DB)) !=
	    (ssize_t)strlen(SECRET_DB))
		return -1;
	close(fd);
	for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		char *argv[] = { "cc", "-std=c11", "-D_GNU_SOURCE", "-O1",
		    "-o", out, src, NULL };

		if (snprintf(src, sizeof(src), "%s/%s.c", sdir, payloads[i]) >=
		    (int)sizeof(src))
			return -1;
		bpath(out, sizeof(out), payloads[i]);
		if (spawn_wait(argv) != 0) {
			fprintf(stderr, "cannot compile %s\n", src);
			return -1;
		}
	}
	zombies_at_start = orphan_zombies();
	available = runner_available(why, sizeof(why));
	print_message("runner: %s\n", why);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	if (base[0] != '\0')
		runner_rm_tree(base);
	return 0;
}

/* ------------------------------------------------------------------ */

static void
test_normal(void **state)
{
	const char *argv[] = { "sh", "-c",
	    "echo out; echo err >&2; echo $PWD $HOME; exit 3", NULL };
	struct runner_result r;

	(void)state;
	SKIP_UNLESS_AVAILABLE();
	run(argv, NULL, NULL, &r);
	assert_true(r.exited);
	assert_int_equal(r.exit_status, 3);
	assert_false(r.timed_out || r.output_truncated || r.cpu_exceeded);
	assert_non_null(strstr(r.output, "out\n"));
	assert_non_null(strstr(r.output, "err\n"));
	assert_non_null(strstr(r.output, "/work /work\n"));
	runner_result_release(&r);
}

static void
test_env_cleared(void **state)
{
	char cmd[256];
	const char *argv[] = { "sh", "-c", cmd, NULL };
	struct runner_result r;

	(void)state;
	SKIP_UNLESS_AVAILABLE();
	snprintf(cmd, sizeof(cmd), "env; cat /proc/1/environ; "
	    "cat /proc/%ld/environ; for p in /proc/[0-9]*; do "
	    "cat $p/environ; done; true", (long)getpid());
	run(argv, NULL, NULL, &r);
	assert_null(strstr(r.output, SECRET_ENV));
	assert_non_null(strstr(r.output, "PATH=/usr/bin:/bin"));
	assert_non_null(strstr(r.output, "HOME=/work"));
	assert_non_null(strstr(r.output, "LANG=C.UTF-8"));
	runner_result_release(&r);
}

static void
test_network(void **state)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	char exe[PATH_MAX], port[16];
	const char *argv[] = { exe, port, NULL };
	struct runner_result r;
	int lfd, one = 1;

	(void)state;
	SKIP_UNLESS_AVAILABLE();
	assert_true((lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0))
	    >= 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &sl), 0);
	snprintf(port, sizeof(port), "%u", ntohs(sin.sin_port));
	bpath(exe, sizeof(exe), "net");
	run(argv, NULL, NULL, &r);
	assert_non_null(strstr(r.output, "tcp connect: blocked"));
	assert_non_null(strstr(r.output, "netlink: blocked"));
	assert_true(r.exited);
	assert_int_equal(r.exit_status, 0);
	/* Nobody knocked. */
	assert_int_equal(accept(lfd, NULL, NULL), -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	close(lfd);
	runner_result_release(&r);
}

static void
test_write_outside(void **state)
{
	char wd[PATH_MAX], cmd[1024], *data;
	const char *argv[] = { "sh", "-c", cmd, NULL };
	struct runner_result r;
	struct stat st;
	size_t len;
	int dfd;

	(void)state;
	SKIP_UNLESS_AVAILABLE();
	new_workdir(wd, sizeof(wd));
	snprintf(cmd, sizeof(cmd),
	    "for f in /usr/vigil-x /etc/vigil-x /vigil-x /bin/vigil-x "
	    "/dev/vigil-x /proc/vigil-x %s/vigil-x; do "
	    "if touch $f 2>/dev/null; then echo WROTE $f; "
	    "else echo refused $f; fi; done; "
	    "echo hi > /work/out.txt && mkdir -p sub && echo deep > sub/f && "
	    "echo tmp > /tmp/t && echo tmp-ok", bindir);
	run(argv, wd, NULL, &r);
	assert_null(strstr(r.output, "WROTE"));
	assert_non_null(strstr(r.output, "refused /usr/vigil-x"));
	assert_non_null(strstr(r.output, "refused /vigil-x"));
	assert_non_null(strstr(r.output, "tmp-ok"));
	assert_int_equal(stat("/usr/vigil-x", &st), -1);
	assert_int_equal(stat("/etc/vigil-x", &st), -1);
	/* The work tree is the one writable place, seen on the host. */
	assert_true((dfd = open(wd, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_int_equal(runner_read_file(dfd, "out.txt", 100, &data, &len),
	    0);
	assert_string_equal(data, "hi\n");
	free(data);
	assert_int_equal(runner_read_file(dfd, "sub/f", 100, &data, &len), 0);
	assert_string_equal(data, "deep\n");
	free(data);
	close(dfd);
	runner_result_release(&r);
}

static void
test_secret_file(void **state)
{
	char cmd[1024];
	const char *argv[] = { "sh", "-c", cmd, NULL };
	struct runner_result r;

	(void)state;
	SKIP_UNLESS_AVAILABLE();
	snprintf(cmd, sizeof(cmd), "cat %s; ls -la %s /tmp /root /home "
	    "/var /etc; cat /etc/shadow /etc/passwd; true", secretdb,
	    secretdir);
	run(argv, NULL, NULL, &r);
	assert_null(strstr(r.output, SECRET_DB));
	assert_non_null(strstr(r.output, "No such file"));
	assert_null(strstr(r.output, "root:"));
	runner_result_release(&r);
}

static void
bomb(int forever)
{
	char exe[PATH_MAX];
	const char *argv[] = { exe, forever ? "forever" : NULL, NULL };
	struct runner_limits lim;
	struct runner_result r;

	runner_limits_default(&lim);
	lim.wall_seconds = forever ? 3 : 20;
	lim.max_procs = 32;
	bpath(exe, sizeof(exe), "forkbomb");
	run(argv, NULL, &lim, &r);
	assert_non_null(strstr(r.output, "fork failed after"));
	if (forever) {
		assert_true(r.timed_out);
		assert_true(r.duration < lim.wall_seconds + 2);
	} else {
		assert_false(r.timed_out);
		assert_true(r.exited);
		assert_int_equal(r.exit_status, 0);
	}
	runner_result_release(&r);
}

static void
test_forkbomb(void **state)
{
	(void)state;
	SKIP_UNLESS_AVAILABLE();
	bomb(0);
	bomb(1);
}

static void
escapes(void)
{
	char exe[PATH_MAX];
	const char *argv[] = { exe, NULL };
	struct runner_result r;

	bpath(exe, sizeof(exe), "escape");
	run(argv, NULL, NULL, &r);
	if (!r.exited || r.exit_status != 0)
		print_error("%s", r.output);
	assert_null(strstr(r.output, "ESCAPED"));
	assert_non_null(strstr(r.output, "escapes: 0"));
	assert_non_null(strstr(r.output, "TIOCSTI: ok (Operation not "
	    "permitted)"));
	assert_non_null(strstr(r.output, "clone3: ok (Function not "
	    "implemented)"));
	assert_true(r.exited);
	assert_int_equal(r.exit_status, 0);
	runner_result_release(&r);
}

/* Each way of limiting processes that works here: the bomb is contained
 * and the escapes are blocked in every one. */
static void
test_modes(void **state)
{
	static const char *const names[RUNNER_MODE__MAX] = { "auto",
	    "cgroup", "drop", "both" };
	int m, tried = 0;

	(void)state;
	SKIP_UNLESS_AVAILABLE();
	for (m = RUNNER_MODE_CGROUP; m < RUNNER_MODE__MAX; m++) {
		if (runner_set_mode((enum runner_mode)m) == -1) {
			print_message("mode %s: unavailable here\n", names[m]);
			continue;
		}
		print_message("mode %s\n", names[m]);
		tried++;
		bomb(0);
		bomb(1);
		escapes();
	}
	assert_int_equal(runner_set_mode(RUNNER_MODE_AUTO), 0);
	assert_true(tried > 0);
}

static void
test_wall_timeout(void **state)
{
	const char *loop[] = { "sh", "-c", "while :; do :; done", NULL };
	const char *quiet[] = { "sh", "-c",
	    "exec >&- 2>&- </dev/null; sleep 1000", NULL };
	struct runner_limits lim;
	struct runner_result r;

	(void)state;
	SKIP_UNLESS_AVAILABLE();
	runner_limits_default(&lim);
	lim.wall_seconds = 2;
	run(loop, NULL, &lim, &r);
	assert_true(r.timed_out);
	assert_false(r.exited);
	assert_int_equal(r.signal, SIGKILL);
	assert_false(r.cpu_exceeded);
	assert_true(r.duration >= 1.9 && r.duration < 4.0);
	runner_result_release(&r);
	/* Closing stdout early must not end the watch. */
	run(quiet, NULL, &lim, &r);
	assert_true(r.timed_out);
	assert_true(r.duration >= 1.9 && r.duration < 4.0);
	runner_result_release(&r);
}

static void
test_cpu_limit(void **state)
{
	char exe[PATH_MAX];
	const char *argv[] = { exe, NULL };
	struct runner_limits lim;
	struct runner_result r;

	(void)state;
	SKIP_UNLESS_AVAILABLE();
	runner_limits_default(&lim);
	lim.cpu_seconds = 1;
	lim.wall_seconds = 15;
	bpath(exe, sizeof(exe), "cpu");
	run(argv, NULL, &lim, &r);
	assert_true(r.cpu_exceeded);
	assert_false(r.timed_out);
	assert_false(r.exited);
	assert_true(r.signal == SIGXCPU || r.signal == SIGKILL);
	assert_true(r.duration < 5.0);
	runner_result_release(&r);
}

static void
test_output_flood(void **state)
{
	const char *argv[] = { "sh", "-c",
	    "head -c 100000000 /dev/zero; echo; echo NOT-REACHED >&2", NULL };
	struct runner_limits lim;
	struct runner_result r;

	(void)state;
	SKIP_UNLESS_AVAILABLE();
	runner_limits_default(&lim);
	lim.wall_seconds = 20;
	run(argv, NULL, &lim, &r);
	assert_true(r.output_truncated);
	assert_int_equal(r.output_len, lim.output_bytes);
	assert_false(r.timed_out);
	assert_false(r.exited);
	assert_null(strstr(r.output + r.output_len - 20, "NOT-REACHED"));
	runner_result_release(&r);
}

static void
test_memory_hog(void **state)
{
	char exe[PATH_MAX];
	const char *argv[] = { exe, NULL };
	struct runner_limits lim;
	struct runner_result r;

	(void)state;
	SKIP_UNLESS_AVAILABLE();
	runner_limits_default(&lim);
	lim.memory_bytes = 256UL << 20;
	bpath(exe, sizeof(exe), "memhog");
	run(argv, NULL, &lim, &r);
	assert_null(strstr(r.output, "ESCAPED"));
	/* Without a memory cgroup the address space is limited, so a 4 GiB
	 * reservation is refused at once; with one (no address-space limit,
	 * so that sanitizer builds work) it may be granted, but touching
	 * the memory ends in the cgroup's limit. */
	if (runner_mode() == RUNNER_MODE_DROP)
		assert_null(strstr(r.output, "4 GiB at once: granted"));
	/* Either malloc said no, or the kernel killed it. */
	assert_true((r.exited && r.exit_status == 0 &&
	    strstr(r.output, "allocation failed") != NULL) || r.signal != 0);
	runner_result_release(&r);
}

static void
test_disk_limits(void **state)
{
	char wd[PATH_MAX];
	const char *argv[] = { "sh", "-c",
	    "head -c 20000000 /dev/zero > /tmp/big; echo tmp=$?; "
	    "head -c 20000000 /dev/zero > /dev/shm/big; echo shm=$?; "
	    "head -c 3000000 /dev/zero > /work/big; echo work=$?", NULL };
	struct runner_limits lim;
	struct runner_result r;
	struct stat st;
	int dfd;

	(void)state;
	SKIP_UNLESS_AVAILABLE();
	runner_limits_default(&lim);
	lim.tmpfs_bytes = 4UL << 20;
	lim.file_bytes = 1UL << 20;
	new_workdir(wd, sizeof(wd));
	run(argv, wd, &lim, &r);
	assert_null(strstr(r.output, "tmp=0"));
	assert_null(strstr(r.output, "shm=0"));
	assert_null(strstr(r.output, "work=0"));
	assert_true((dfd = open(wd, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_int_equal(fstatat(dfd, "big", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_true(st.st_size <= (off_t)lim.file_bytes);
	close(dfd);
	runner_result_release(&r);
}

static void
test_escapes(void **state)
{
	(void)state;
	SKIP_UNLESS_AVAILABLE();
	escapes();
}

/* A planted symlink (Judge0 CVE-2024-28185) must not be followed by the
 * supervisor when it reads results or cleans up. */
static void
test_planted_symlinks(void **state)
{
	char wd[PATH_MAX], cmd[1024], *data = NULL, buf[64];
	const char *argv[] = { "sh", "-c", cmd, NULL };
	struct runner_result r;
	struct stat st;
	size_t len;
	int dfd, fd;
	ssize_t n;

	(void)state;
	SKIP_UNLESS_AVAILABLE();
	new_workdir(wd, sizeof(wd));
	snprintf(cmd, sizeof(cmd),
	    "ln -s %s /work/out && ln -s %s /work/dir && mkfifo /work/fifo && "
	    "mkdir -p a/b && ln -s %s a/b/up && ln -s /proc/self/root/etc "
	    "/work/magic && echo planted", secretdb, secretdir, secretdir);
	run(argv, wd, NULL, &r);
	assert_non_null(strstr(r.output, "planted"));
	runner_result_release(&r);

	assert_true((dfd = open(wd, O_RDONLY | O_DIRECTORY)) >= 0);
	errno = 0;
	assert_int_equal(runner_read_file(dfd, "out", 4096, &data, &len), -1);
	assert_true(errno == ELOOP || errno == EXDEV);
	assert_null(data);
	assert_int_equal(runner_read_file(dfd, "dir/vigil.db", 4096, &data,
	    &len), -1);
	assert_int_equal(runner_read_file(dfd, "a/b/up/vigil.db", 4096, &data,
	    &len), -1);
	assert_int_equal(runner_read_file(dfd, "magic/hostname", 4096, &data,
	    &len), -1);
	/* A FIFO is refused without blocking. */
	assert_int_equal(runner_read_file(dfd, "fifo", 4096, &data, &len), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(runner_read_file(dfd, "a", 4096, &data, &len), -1);
	assert_int_equal(runner_read_file(dfd, "../w0/out.txt", 4096, &data,
	    &len), -1);
	assert_int_equal(runner_read_file(dfd, "/etc/hostname", 4096, &data,
	    &len), -1);
	close(dfd);

	assert_int_equal(runner_rm_tree(wd), 0);
	assert_int_equal(lstat(wd, &st), -1);
	/* The targets are untouched. */
	assert_int_equal(stat(secretdir, &st), 0);
	assert_true((fd = open(secretdb, O_RDONLY)) >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, SECRET_DB);
	close(fd);
}

/* runner_rm_tree on a tree deeper than its fd budget, with symlinks. */
static void
test_rm_tree_deep(void **state)
{
	char wd[PATH_MAX], cmd[1024];
	const char *argv[] = { "sh", "-c", cmd, NULL };
	struct runner_result r;
	struct stat st;

	(void)state;
	SKIP_UNLESS_AVAILABLE();
	new_workdir(wd, sizeof(wd));
	snprintf(cmd, sizeof(cmd), "i=0; while [ $i -lt 300 ]; do mkdir d && "
	    "cd d || exit 1; ln -s %s s; touch f; i=$((i+1)); done; echo deep",
	    secretdir);
	run(argv, wd, NULL, &r);
	assert_non_null(strstr(r.output, "deep"));
	runner_result_release(&r);
	assert_int_equal(runner_rm_tree(wd), 0);
	assert_int_equal(lstat(wd, &st), -1);
	assert_int_equal(stat(secretdb, &st), 0);
	/* A symlink given as the path is removed, not followed. */
	new_workdir(wd, sizeof(wd));
	assert_int_equal(rmdir(wd), 0);
	assert_int_equal(symlink(secretdir, wd), 0);
	assert_int_equal(runner_rm_tree(wd), 0);
	assert_int_equal(lstat(wd, &st), -1);
	assert_int_equal(stat(secretdb, &st), 0);
}

static void
test_read_file_limits(void **state)
{
	char wd[PATH_MAX], *data;
	size_t len;
	int dfd, fd;

	(void)state;
	new_workdir(wd, sizeof(wd));
	assert_true((dfd = open(wd, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_true((fd = openat(dfd, "f", O_WRONLY | O_CREAT, 0644)) >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	assert_int_equal(runner_read_file(dfd, "f", 10, &data, &len), 0);
	assert_int_equal(len, 10);
	assert_string_equal(data, "0123456789");
	free(data);
	assert_int_equal(runner_read_file(dfd, "f", 9, &data, &len), -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(runner_read_file(dfd, "", 9, &data, &len), -1);
	assert_int_equal(runner_read_file(dfd, "missing", 9, &data, &len), -1);
	assert_int_equal(errno, ENOENT);
	close(dfd);
	assert_int_equal(runner_rm_tree(wd), 0);
}

static void
test_bad_setup(void **state)
{
	const char *argv[] = { "true", NULL };
	const char *missing[] = { "vigil-no-such-command", NULL };
	const char *slash[] = { "/", NULL };
	char wd[PATH_MAX];
	struct runner_result r;

	(void)state;
	SKIP_UNLESS_AVAILABLE();
	assert_int_equal(runner_run(argv, "relative", NULL, NULL, &r), -1);
	assert_true(r.error[0] != '\0');
	assert_int_equal(runner_run(argv, "/nonexistent/vigil", NULL, NULL,
	    &r), -1);
	new_workdir(wd, sizeof(wd));
	assert_int_equal(runner_run(argv, wd, slash, NULL, &r), -1);
	assert_int_equal(runner_run(missing, wd, NULL, NULL, &r), -1);
	assert_non_null(strstr(r.error, "bwrap"));
	assert_null(r.output);
	/* Read-only binds are read-only. */
	{
		char cmd[256];
		const char *w[] = { "sh", "-c", cmd, NULL };

		snprintf(cmd, sizeof(cmd), "touch %s/x && echo WROTE", bindir);
		run(w, wd, NULL, &r);
		assert_null(strstr(r.output, "WROTE"));
		runner_result_release(&r);
	}
}

/* A workdir and a read-only bind below a directory the sandbox uid cannot
 * search (a 0700 home, mktemp -d): the run still reads the one and writes
 * the other; a missing bind is a clear error, not a failed run. */
static void
test_bind_under_private_dir(void **state)
{
	char priv[PATH_MAX / 2], src[PATH_MAX / 2 + 8], file[PATH_MAX];
	char cmd[2 * PATH_MAX], wd[PATH_MAX / 2 + 8];
	const char *argv[] = { "sh", "-c", cmd, NULL };
	const char *binds[] = { src, NULL };
	struct runner_result r;
	FILE *f;

	(void)state;
	SKIP_UNLESS_AVAILABLE();
	snprintf(priv, sizeof(priv), "%s/private%u", base, nwork++);
	assert_int_equal(mkdir(priv, 0700), 0);
	snprintf(src, sizeof(src), "%s/src", priv);
	assert_int_equal(mkdir(src, 0755), 0);
	snprintf(file, sizeof(file), "%s/hello.txt", src);
	assert_non_null(f = fopen(file, "w"));
	fputs("hello from the source\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(file, 0644), 0);
	snprintf(cmd, sizeof(cmd), "cat %s && echo built > /work/out", file);
	/* the workdir is below the private directory too */
	snprintf(wd, sizeof(wd), "%s/work", priv);
	assert_int_equal(mkdir(wd, 0755), 0);
	if (runner_run(argv, wd, binds, NULL, &r) != 0)
		fail_msg("runner_run: %s", r.error);
	assert_true(r.exited);
	assert_int_equal(r.exit_status, 0);
	assert_non_null(strstr(r.output, "hello from the source"));
	runner_result_release(&r);
	snprintf(file, sizeof(file), "%s/out", wd);
	assert_int_equal(access(file, F_OK), 0);
	/* a bind that does not exist: refused before anything runs */
	snprintf(src, sizeof(src), "%s/gone", priv);
	assert_int_equal(runner_run(argv, wd, binds, NULL, &r), -1);
	assert_non_null(strstr(r.error, "gone"));
	assert_null(r.output);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normal),
		cmocka_unit_test(test_bind_under_private_dir),
		cmocka_unit_test(test_env_cleared),
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_write_outside),
		cmocka_unit_test(test_secret_file),
		cmocka_unit_test(test_forkbomb),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_wall_timeout),
		cmocka_unit_test(test_cpu_limit),
		cmocka_unit_test(test_output_flood),
		cmocka_unit_test(test_memory_hog),
		cmocka_unit_test(test_disk_limits),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_planted_symlinks),
		cmocka_unit_test(test_rm_tree_deep),
		cmocka_unit_test(test_read_file_limits),
		cmocka_unit_test(test_bad_setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
