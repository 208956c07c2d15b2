/* runner/job.c - one independent test run of a patch revision.
 *
 * Two work trees, each used by one phase only, so nothing the unpatched
 * phase runs (the researcher's proof of concept among it) can touch the
 * patched tree; the inputs (the patch, the PoC files) sit in a third,
 * read-only one.  Every command runs in the sandbox (runner/sandbox.c):
 *
 *   unpatched: fetch the source at the version, build, run each of the
 *              case's PoCs - each must reproduce;
 *   patched:   fetch, apply the patch (or fetch the patch's git ref),
 *              build, run the regression suite - it must pass - and run
 *              every PoC of the case and every regression PoC of the
 *              product (from earlier, fixed cases) - none may reproduce.
 *
 * The supervisor never reads the trees after code ran in them; it only
 * removes them, without following links (runner_rm_tree). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/lifecycle.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/crypto.h"
#include "util/log.h"
#include "publish/jobs.h"
#include "job.h"
#include "sandbox.h"

struct run_ctx {
	struct store		*st;
	const struct config	*cfg;
	struct arena		*ar;
	struct store_run	 run;
	struct store_patch	 patch;
	struct store_version	 version;
	struct store_product_plan plan;
	struct store_poc	*pocs;
	size_t			 npocs;
	char			 root[PATH_MAX];	/* the run's folder */
	char			 in[PATH_MAX];		/* read-only inputs */
	char			 tree[2][PATH_MAX];	/* unpatched, patched */
	struct runner_limits	 lim;
	int			 seq;
	struct buf		 summary;
};

/* Writes a file we create before any sandboxed code ran (O_EXCL: no
 * planted link can be followed). */
static int
write_input(const char *dir, const char *name, const void *data, size_t len)
{
	char path[PATH_MAX];
	const char *p = data;
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1)
		return -1;
	while (len > 0) {
		if ((n = write(fd, p, len)) <= 0) {
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return close(fd);
}

/* mkdir -p, for the configured run folder. */
static int
make_dirs(const char *path)
{
	char buf[PATH_MAX], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -1;
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

static int
make_dir(char *out, size_t len, const char *parent, const char *name)
{
	if (snprintf(out, len, "%s/%s", parent, name) >= (int)len)
		return -1;
	if (mkdir(out, 0755) == -1)
		return -1;
	return chmod(out, 0755);
}

/* Records one step; returns its result to the caller. */
static int
step(struct run_ctx *x, const char *name, const char *verdict,
    const struct runner_result *res)
{
	struct store_step s;

	memset(&s, 0, sizeof(s));
	s.seq = ++x->seq;
	s.name = name;
	s.verdict = verdict;
	s.exit_status = res->exited ? res->exit_status : -1;
	s.signal = res->signal;
	s.timed_out = res->timed_out;
	s.truncated = res->output_truncated;
	s.duration = res->duration;
	s.output = res->output ? res->output : res->error;
	s.output_len = res->output ? res->output_len : strlen(res->error);
	return store_run_step_add(x->st, x->run.id, &s) == STORE_OK ? 0 : -1;
}

/* Runs `sh -c script` with extra arguments in tree t. */
static int
sandboxed(struct run_ctx *x, int t, const char *script, const char *a1,
    const char *a2, struct runner_result *res)
{
	const char *argv[8];
	const char *binds[3] = { NULL, NULL, NULL };
	int n = 0, b = 0;

	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = script;
	argv[n++] = "vigil-step";
	if (a1 != NULL)
		argv[n++] = a1;
	if (a2 != NULL)
		argv[n++] = a2;
	argv[n] = NULL;
	binds[b++] = x->in;
	if (x->plan.source[0] == '/')
		binds[b++] = x->plan.source;
	memset(res, 0, sizeof(*res));
	return runner_run(argv, x->tree[t], binds, &x->lim, res);
}

static int
ok(const struct runner_result *r)
{
	return r->exited && r->exit_status == 0 && !r->timed_out &&
	    !r->output_truncated;
}

/* The oracle: does this PoC run count as "reproduces"? */
static int
reproduces(const char *oracle, const struct runner_result *r)
{
	const char *out = r->output ? r->output : "";
	regex_t re;
	int m;

	if (strncmp(oracle, "match:", 6) == 0) {
		if (regcomp(&re, oracle + 6, REG_EXTENDED | REG_NOSUB) != 0)
			return 0;
		m = regexec(&re, out, 0, NULL, 0) == 0;
		regfree(&re);
		return m;
	}
	if (strcmp(oracle, "nonzero") == 0)
		return !r->exited || r->exit_status != 0;
	/* crash: killed by a signal (the shell reports 128+n), a hang, or a
	 * sanitizer's report */
	if (!r->exited || r->timed_out)
		return 1;
	if (r->exit_status >= 128)
		return 1;
	return r->exit_status != 0 && (strstr(out, "AddressSanitizer") ||
	    strstr(out, "UndefinedBehaviorSanitizer") ||
	    strstr(out, "runtime error:") || strstr(out, "LeakSanitizer") ||
	    strstr(out, "Segmentation fault"));
}

/* Gets the product's source at ref into tree t/src. */
static int
fetch(struct run_ctx *x, int t, const char *ref, const char *label)
{
	static const char script[] =
	    "set -e; mkdir -p /work/src; src=\"$1\"; ref=\"$2\"\n"
	    "case \"$ref\" in\n"
	    "*.tar|*.tar.gz|*.tgz|*.tar.xz|*.tar.bz2)\n"
	    "  tar -xf \"$ref\" -C /work/src\n"
	    "  set -- /work/src/*\n"
	    "  if [ $# -eq 1 ] && [ -d \"$1\" ]; then\n"
	    "    mv \"$1\" /work/src.top && rmdir /work/src && "
	    "mv /work/src.top /work/src; fi ;;\n"
	    "'') cp -a \"$src\"/. /work/src/; rm -rf /work/src/.git ;;\n"
	    "*) git -c safe.directory='*' -C \"$src\" archive --format=tar "
	    "\"$ref\" | tar -x -C /work/src ;;\n"
	    "esac\n";
	struct runner_result r;
	int rc;

	if (sandboxed(x, t, script, x->plan.source, ref, &r) == -1) {
		step(x, label, "error", &r);
		return -1;
	}
	rc = ok(&r) ? 0 : -1;
	step(x, label, rc == 0 ? "ok" : "failed", &r);
	runner_result_release(&r);
	return rc;
}

static int
run_cmd(struct run_ctx *x, int t, const char *label, const char *cmd,
    struct runner_result *r)
{
	static const char script[] = "cd /work/src && exec sh -c \"$1\"";

	return sandboxed(x, t, script, cmd, NULL, r);
}

/* The PoC command with {poc} replaced by the PoC file's path. */
static const char *
poc_command(struct run_ctx *x, const char *tmpl, const char *path)
{
	struct buf b;
	const char *p, *out;

	util_buf_init(&b, 64 * 1024);
	for (p = tmpl; *p != '\0'; p++) {
		if (strncmp(p, "{poc}", 5) == 0) {
			util_buf_puts(&b, path);
			p += 4;
		} else
			util_buf_putc(&b, *p);
	}
	out = b.failed || b.data == NULL ? NULL :
	    util_arena_strdup(x->ar, b.data);
	util_buf_release(&b);
	return out;
}

/* Runs every PoC (own only, or all) in tree t.  Returns how many
 * reproduced; regressions collects the tracking IDs of old cases whose
 * PoC reproduced. */
static int
run_pocs(struct run_ctx *x, int t, int own_only, struct buf *regressions,
    int *errors)
{
	struct runner_result r;
	const char *cmd, *label;
	char path[PATH_MAX];
	size_t i;
	int n = 0, rep;

	for (i = 0; i < x->npocs; i++) {
		struct store_poc *p = &x->pocs[i];
		if (own_only && p->regression)
			continue;
		if (snprintf(path, sizeof(path), "%s/poc-%lld", x->in,
		    (long long)p->id) >= (int)sizeof(path)) {
			(*errors)++;
			continue;
		}
		cmd = poc_command(x, x->plan.poc_cmd, path);
		label = util_arena_printf(x->ar, "%s %s (%s)%s", p->regression ?
		    "regression PoC" : "PoC", p->name, t == 0 ? "unpatched" :
		    "patched", p->regression ? util_arena_printf(x->ar,
		    " from %s", p->case_tracking) : "");
		if (cmd == NULL || label == NULL ||
		    run_cmd(x, t, label, cmd, &r) == -1) {
			(*errors)++;
			continue;
		}
		rep = reproduces(x->plan.oracle, &r);
		step(x, label, rep ? "reproduced" : "not_reproduced", &r);
		runner_result_release(&r);
		if (rep) {
			n++;
			if (p->regression && regressions != NULL) {
				if (regressions->len > 0)
					util_buf_puts(regressions, " ");
				util_buf_puts(regressions, p->case_tracking);
			}
		}
	}
	return n;
}

static int
count_own(const struct run_ctx *x)
{
	size_t i;
	int n = 0;

	for (i = 0; i < x->npocs; i++)
		n += !x->pocs[i].regression;
	return n;
}

/* The whole run; returns the final status. */
static const char *
test(struct run_ctx *x, int *reg_ok, int *before_ok, int *after_ok,
    struct buf *regressions)
{
	struct runner_result r;
	int own = count_own(x), rep, errors = 0, rc;

	*reg_ok = *before_ok = *after_ok = 0;
	/* unpatched */
	if (fetch(x, 0, x->version.ref, "get the source (unpatched)") == -1) {
		util_buf_puts(&x->summary, "The source could not be fetched. ");
		return "error";
	}
	if (run_cmd(x, 0, "build (unpatched)", x->plan.build_cmd, &r) == -1)
		return "error";
	rc = ok(&r);
	step(x, "build (unpatched)", rc ? "ok" : "failed", &r);
	runner_result_release(&r);
	if (!rc) {
		util_buf_puts(&x->summary, "The unpatched version does not "
		    "build. ");
		return "error";
	}
	rep = run_pocs(x, 0, 1, NULL, &errors);
	*before_ok = own > 0 && rep == own && errors == 0;
	if (own == 0)
		util_buf_puts(&x->summary, "The case has no proof of concept. ");
	else if (rep < own)
		util_buf_printf(&x->summary, "%d of %d proofs of concept do not "
		    "reproduce on the unpatched build (a finding in itself). ",
		    own - rep, own);

	/* patched */
	if (strcmp(x->patch.kind, "gitref") == 0) {
		if (fetch(x, 1, x->patch.content, "get the source at the "
		    "patch's git ref") == -1) {
			util_buf_puts(&x->summary, "The patch's git ref could "
			    "not be fetched. ");
			return "failed";
		}
	} else {
		if (fetch(x, 1, x->version.ref, "get the source (to patch)") ==
		    -1)
			return "error";
		if (sandboxed(x, 1, "cd /work/src && patch -p1 --batch "
		    "--forward --no-backup-if-mismatch < \"$1\"",
		    util_arena_printf(x->ar, "%s/patch.diff", x->in), NULL,
		    &r) == -1)
			return "error";
		rc = ok(&r);
		step(x, "apply the patch", rc ? "ok" : "failed", &r);
		runner_result_release(&r);
		if (!rc) {
			util_buf_puts(&x->summary, "The patch does not apply. ");
			return "failed";
		}
	}
	if (run_cmd(x, 1, "build (patched)", x->plan.build_cmd, &r) == -1)
		return "error";
	rc = ok(&r);
	step(x, "build (patched)", rc ? "ok" : "failed", &r);
	runner_result_release(&r);
	if (!rc) {
		util_buf_puts(&x->summary, "The patched version does not "
		    "build. ");
		return "failed";
	}
	if (run_cmd(x, 1, "regression suite (patched)", x->plan.test_cmd,
	    &r) == -1)
		return "error";
	*reg_ok = ok(&r);
	step(x, "regression suite (patched)", *reg_ok ? "ok" : "failed", &r);
	runner_result_release(&r);
	if (!*reg_ok)
		util_buf_puts(&x->summary, "The regression suite fails with "
		    "the patch. ");
	rep = run_pocs(x, 1, 0, regressions, &errors);
	*after_ok = rep == 0 && errors == 0;
	if (rep > 0)
		util_buf_printf(&x->summary, "%d proof%s of concept still "
		    "reproduce%s with the patch. ", rep, rep == 1 ? "" : "s",
		    rep == 1 ? "s" : "");
	if (regressions->len > 0)
		util_buf_printf(&x->summary, "Regression: the PoC of %s "
		    "reproduces again. ", regressions->data);
	if (errors > 0)
		return "error";
	if (*reg_ok && *before_ok && *after_ok) {
		util_buf_puts(&x->summary, "Passed: the proof of concept "
		    "reproduces before the patch and not after it, and the "
		    "regression suite passes.");
		return "passed";
	}
	return "failed";
}

static int
prepare(struct run_ctx *x)
{
	char base[PATH_MAX];
	size_t i;

	if (store_patch_get(x->st, x->run.patch_id, x->ar, &x->patch) !=
	    STORE_OK || store_version_get(x->st, x->run.version_id, x->ar,
	    &x->version) != STORE_OK || store_product_plan_get(x->st,
	    x->version.product_id, x->ar, &x->plan) != STORE_OK ||
	    store_pocs_for_run(x->st, x->run.case_id, x->plan.id, x->ar,
	    &x->pocs, &x->npocs) != STORE_OK)
		return -1;
	if (make_dirs(x->cfg->sandbox_dir) == -1 ||
	    realpath(x->cfg->sandbox_dir, base) == NULL) {
		log_err("runner: %s: %s", x->cfg->sandbox_dir, strerror(errno));
		return -1;
	}
	chmod(base, 0755);
	if (snprintf(x->root, sizeof(x->root), "%s/run-%lld-XXXXXX", base,
	    (long long)x->run.id) >= (int)sizeof(x->root)) {
		x->root[0] = '\0';
		return -1;
	}
	if (mkdtemp(x->root) == NULL || chmod(x->root, 0755) == -1 ||
	    make_dir(x->in, sizeof(x->in), x->root, "in") == -1 ||
	    make_dir(x->tree[0], sizeof(x->tree[0]), x->root, "unpatched") ==
	    -1 || make_dir(x->tree[1], sizeof(x->tree[1]), x->root,
	    "patched") == -1)
		return -1;
	if (strcmp(x->patch.kind, "diff") == 0 && write_input(x->in,
	    "patch.diff", x->patch.content, strlen(x->patch.content)) == -1)
		return -1;
	for (i = 0; i < x->npocs; i++) {
		char name[64];
		snprintf(name, sizeof(name), "poc-%lld",
		    (long long)x->pocs[i].id);
		if (write_input(x->in, name, x->pocs[i].data,
		    x->pocs[i].size) == -1)
			return -1;
	}
	runner_limits_default(&x->lim);
	x->lim.cpu_seconds = x->cfg->sandbox_cpu;
	x->lim.wall_seconds = x->cfg->sandbox_wall;
	x->lim.memory_bytes = x->cfg->sandbox_memory;
	x->lim.max_procs = x->cfg->sandbox_procs;
	x->lim.output_bytes = x->cfg->sandbox_output;
	x->lim.tmpfs_bytes = x->cfg->sandbox_tmpfs;
	return 0;
}

/* Claims and runs one queued run: 1 ran, 0 none queued, -1 error. */
static int
one(struct store *st, const struct config *cfg)
{
	struct run_ctx x;
	struct arena ar;
	struct buf regressions;
	const char *status;
	int reg_ok = 0, before_ok = 0, after_ok = 0, rc;

	memset(&x, 0, sizeof(x));
	util_arena_init(&ar, 0);
	x.st = st;
	x.cfg = cfg;
	x.ar = &ar;
	rc = store_run_claim(st, time(NULL), &ar, &x.run);
	if (rc != STORE_OK) {
		util_arena_release(&ar);
		return rc == STORE_NONE ? 0 : -1;
	}
	log_info("test run %lld: case %lld revision %d on %s",
	    (long long)x.run.id, (long long)x.run.case_id, x.run.revision,
	    x.run.version);
	util_buf_init(&x.summary, 8192);
	util_buf_init(&regressions, 4096);
	if (prepare(&x) == -1) {
		status = "error";
		util_buf_puts(&x.summary, "The run could not be prepared. ");
	} else
		status = test(&x, &reg_ok, &before_ok, &after_ok, &regressions);
	if (x.root[0] != '\0' && runner_rm_tree(x.root) == -1)
		log_warn("test run %lld: could not remove %s",
		    (long long)x.run.id, x.root);
	rc = store_run_finish(st, x.run.id, status, reg_ok, before_ok,
	    after_ok, x.summary.data ? x.summary.data : "",
	    regressions.data ? regressions.data : "", time(NULL));
	log_info("test run %lld: %s", (long long)x.run.id, status);
	util_buf_release(&x.summary);
	util_buf_release(&regressions);
	util_arena_release(&ar);
	return rc == STORE_OK ? 1 : -1;
}

int
runner_jobs_run(struct store *st, const struct config *cfg, int once,
    volatile int *stop)
{
	int n = 0, rc, slept;

	for (;;) {
		while ((stop == NULL || !*stop) && (rc = one(st, cfg)) == 1)
			n++;
		runner_timers(st, cfg);
		if (once)
			return rc == -1 && n == 0 ? -1 : n;
		for (slept = 0; slept < cfg->worker_interval * 10 &&
		    (stop == NULL || !*stop); slept++)
			usleep(100000);
		if (stop != NULL && *stop)
			return n;
	}
}

int
runner_timers(struct store *st, const struct config *cfg)
{
	struct store_verification *v;
	struct store_notify n;
	struct arena ar;
	char msgid[200];
	size_t nv, i;
	int done = 0;

	/* the release calendar's timers run with the others */
	publish_timers(st, cfg);
	/* the turnaround figures of the cases changed since the last sweep,
	 * so that a dashboard read rarely has any to recompute */
	store_metrics_refresh(st);

	util_arena_init(&ar, 0);
	if (store_verifications_due(st, time(NULL), &ar, &v, &nv) !=
	    STORE_OK) {
		util_arena_release(&ar);
		return -1;
	}
	for (i = 0; i < nv; i++) {
		util_message_id(msgid, sizeof(msgid), cfg->mail_domain);
		n.kind = "verification_reminder";
		n.body = "";
		n.secret = NULL;
		n.message_id = msgid;
		if (store_verification_reminded(st, v[i].id, cfg->mail_notify ?
		    &n : NULL, time(NULL)) == STORE_OK)
			done++;
	}
	util_arena_release(&ar);
	return done;
}
