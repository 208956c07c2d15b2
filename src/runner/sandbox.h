/* runner/sandbox.h - run untrusted code (builds, test suites, proofs of
 * concept, patches under test) inside bubblewrap, with limits.
 *
 * What the sandboxed code gets: a read-only /usr (and the usrmerge
 * symlinks /bin /lib /lib64 /sbin), a few read-only files of /etc, a new
 * /proc of its own pid namespace, a minimal /dev, a private size-limited
 * /tmp and /dev/shm, `workdir` read-write at /work (its cwd and $HOME), and
 * nothing else: no network (empty net namespace, not even loopback up), no
 * other namespaces it could create (user namespaces disabled, seccomp), no
 * capabilities, no environment from the caller, a new session (no TIOCSTI
 * to the caller's terminal), uid/gid 65534 inside.
 *
 * HOSTILE OUTPUT (Judge0 CVE-2024-28185/28189): after a run, everything in
 * `workdir` was written by the untrusted code.  Never open, stat, chown,
 * chmod or copy paths in it by name with functions that follow symlinks.
 * Open the directory once (O_DIRECTORY|O_NOFOLLOW), then use
 * runner_read_file() for files and runner_rm_tree() to clean up.
 *
 * A fuller account of what is and is not contained is at the top of
 * sandbox.c. */
#ifndef RUNNER_SANDBOX_H
#define RUNNER_SANDBOX_H
#include <stddef.h>
#include <sys/types.h>

#define RUNNER_BWRAP		"/usr/bin/bwrap"
#define RUNNER_SANDBOX_UID	65534	/* uid/gid inside; host uid when dropped */

struct runner_limits {
	int	cpu_seconds;	/* RLIMIT_CPU per process, default 60 */
	int	wall_seconds;	/* wall clock, default 60; then SIGKILL to all */
	size_t	memory_bytes;	/* RLIMIT_AS per process and memory cgroup
				 * limit for the whole run, default 512 MiB */
	int	max_procs;	/* processes+threads in the sandbox, default 64 */
	size_t	output_bytes;	/* stdout+stderr kept, default 1 MiB; past it
				 * the run is killed and marked */
	size_t	tmpfs_bytes;	/* size of the private /tmp (and /dev/shm),
				 * default 64 MiB */
	size_t	file_bytes;	/* RLIMIT_FSIZE, default 256 MiB */
};

struct runner_result {
	int	exited;		/* 1 if it exited normally */
	int	exit_status;	/* if exited */
	int	signal;		/* if killed by a signal */
	int	timed_out;	/* killed at wall_seconds */
	int	output_truncated; /* killed because output passed output_bytes */
	int	cpu_exceeded;	/* SIGXCPU, or SIGKILL after RLIMIT_CPU */
	double	duration;	/* seconds, wall */
	char	*output;	/* stdout+stderr interleaved, NUL-terminated,
				 * malloc'd; free with runner_result_release */
	size_t	output_len;
	pid_t	pid;		/* bwrap's pid = process group id (for tests) */
	char	error[256];	/* set when the sandbox could not start */
};

/* How the number of processes is limited (see sandbox.c). */
enum runner_mode {
	RUNNER_MODE_AUTO,	/* BOTH if possible, else CGROUP or DROP */
	RUNNER_MODE_CGROUP,	/* pids (+memory) cgroup; bwrap as the caller
				 * (as root: payload is host uid 0 without
				 * capabilities, /proc/sys hidden) */
	RUNNER_MODE_DROP,	/* no cgroup: root drops to RUNNER_SANDBOX_UID
				 * before bwrap (needs unprivileged user
				 * namespaces); RLIMIT_NPROC limits processes */
	RUNNER_MODE_BOTH,	/* cgroup, and root drops to RUNNER_SANDBOX_UID */
	RUNNER_MODE__MAX
};

void	runner_limits_default(struct runner_limits *);

/* Runs argv (argv[0] looked up in PATH=/usr/bin:/bin inside) with
 * `workdir` (absolute path of an existing directory) as the only writable
 * host place, mounted at /work, cwd /work.  ro_binds: extra read-only bind
 * mounts (absolute host path -> same path inside), NULL-terminated, may be
 * NULL.  When root drops to RUNNER_SANDBOX_UID (modes DROP and BOTH, the
 * default here) the workdir tree is first chowned to that uid (without
 * following symlinks), and workdir and ro_binds must be reachable by it
 * (parent directories searchable, binds readable).  Returns 0 when the command ran (whatever its outcome), -1 when
 * the sandbox could not be set up (error filled; result otherwise empty). */
int	runner_run(const char *const argv[], const char *workdir,
	    const char *const *ro_binds, const struct runner_limits *,
	    struct runner_result *);
void	runner_result_release(struct runner_result *);

/* 1 if bwrap works on this machine (a real run of `true`), else 0; `why`
 * says which mode is used or why it cannot run. */
int	runner_available(char *why, size_t whylen);

/* Chooses the mode (tests, operators); returns -1 if it cannot work here. */
int	runner_set_mode(enum runner_mode);
/* The mode runner_run will use now (AUTO resolved), or -1 if none works. */
int	runner_mode(void);

/* Reads regular file `name` relative to dirfd without following any
 * symlink (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS where available,
 * otherwise a single component with O_NOFOLLOW).  Refuses non-regular
 * files (FIFOs, devices, directories) and files longer than max.  *out is
 * malloc'd and NUL-terminated.  Returns 0, or -1 with errno set. */
int	runner_read_file(int dirfd, const char *name, size_t max, char **out,
	    size_t *len);

/* Removes the tree at path (the directory itself included) without
 * following symlinks: fd-based recursion with openat(O_NOFOLLOW|
 * O_DIRECTORY) and unlinkat; trees deeper than the fd budget are flattened
 * by renames, never followed.  A symlink as `path` itself is removed, not
 * followed.  Returns 0 or -1. */
int	runner_rm_tree(const char *path);

#endif
