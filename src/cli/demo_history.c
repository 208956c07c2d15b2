/* cli/demo_history.c - see demo_history.h.
 *
 * One case at a time, in created_at order:
 *   - when: created_at = now - span + span * F^-1((i + u) / n), with a
 *     density rising from 0.7 to 1.3 over the span (more reports lately),
 *     so the times ascend whatever the batch size;
 *   - what: channel (web 60%, e-mail 30%, api 10%), product (weighted,
 *     eight), CWE (weighted by the product's kind, toward the Top 25),
 *     component (the CWE's usual places within the product),
 *     severity (critical 5, high 25, medium 45, low 20, unscored 5) and
 *     a CVSS 3.1 base vector of that severity close to the class's
 *     profile (all 2592 base vectors are scored once, at start);
 *   - how it went: a walk through the lifecycle table with log-normal
 *     phase durations whose medians depend on severity and channel
 *     (e-mail: an acknowledgment after minutes to hours, far more
 *     clarification rounds); ~12% rejected, duplicate or not
 *     reproducible (a few reopened); ~7% re-issued patches; releases at
 *     the next release window (critical and some high cases out of
 *     band); a post-mortem and the close some days after the release.
 *     Everything after `now' is cut off, so the newest cases are open.
 * Every step is checked against the lifecycle table with the actor who
 * takes it (core_transition_check); a refusal is a bug here: abort. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/cvss.h"
#include "core/cwe.h"
#include "core/lifecycle.h"
#include "util/arena.h"
#include "cli/demo_history.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MIN_		((int64_t)60)
#define HOUR		((int64_t)3600)
#define DAY		((int64_t)86400)
#define MAX_EV		64
#define NVEC		2592	/* 4 * 2 * 3 * 2 * 2 * 3 * 3 * 3 */
#define RING		8

/* ---- the PRNG: xoshiro256**, seeded through splitmix64 ---- */

struct rng {
	uint64_t	 s[4];
};

static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
next64(struct rng *r)
{
	uint64_t res = rotl(r->s[1] * 5, 7) * 9, t = r->s[1] << 17;

	r->s[2] ^= r->s[0];
	r->s[3] ^= r->s[1];
	r->s[1] ^= r->s[2];
	r->s[0] ^= r->s[3];
	r->s[2] ^= t;
	r->s[3] = rotl(r->s[3], 45);
	return res;
}

/* [0, 1) */
static double
unif(struct rng *r)
{
	return (double)(next64(r) >> 11) * 0x1.0p-53;
}

static int
chance(struct rng *r, double p)
{
	return unif(r) < p;
}

/* 0 .. n-1 */
static size_t
below(struct rng *r, size_t n)
{
	return (size_t)(unif(r) * (double)n);
}

static double
normal(struct rng *r)
{
	double u1 = 1.0 - unif(r), u2 = unif(r);

	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* A log-normal duration with this median (seconds), at least a minute. */
static int64_t
lognorm(struct rng *r, double median, double sigma)
{
	double v = median * exp(sigma * normal(r));

	if (v < 60.0)
		v = 60.0;
	if (v > 5.0 * 365 * 86400)
		v = 5.0 * 365 * 86400;
	return (int64_t)v;
}

static size_t
pick(struct rng *r, const unsigned *w, size_t n)
{
	unsigned total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += w[i];
	x = (unsigned)(unif(r) * total);
	for (i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* ---- what the cases are about ---- */

enum comp {
	C_PARSER, C_TOKENIZER, C_ENCODING, C_HTTP, C_AUTH, C_SESSION,
	C_TEMPLATE, C_STORAGE, C_CRYPTO, C_API, C_UPLOAD, C_BILLING,
	C_WEBHOOKS, C_SYNC, C_WEBVIEW, C_TUNNEL, C_UPDATER, C_DHCP, C_WEBUI,
	C_XPATH, C__MAX
};
#define B(c)	(1u << (c))

static const struct {
	const char	*name;
	const char	*where[4];
} comps[C__MAX] = {
	[C_PARSER] = { "parser", { "parse_header()", "read_chunk()",
	    "decode_field()", "the record reader" } },
	[C_TOKENIZER] = { "tokenizer", { "next_token()", "the string "
	    "literal scanner", "skip_comment()", "the number lexer" } },
	[C_ENCODING] = { "encoding", { "utf8_decode()", "the base64 decoder",
	    "the charset converter", "percent_unescape()" } },
	[C_HTTP] = { "http", { "the request line parser", "chunked "
	    "transfer decoding", "the Host header handling",
	    "http_read_body()" } },
	[C_AUTH] = { "auth", { "the login endpoint", "the password reset "
	    "flow", "token validation", "the two-factor check" } },
	[C_SESSION] = { "session", { "the session middleware", "the "
	    "remember-me cookie", "session renewal", "the logout "
	    "handler" } },
	[C_TEMPLATE] = { "template", { "the invoice template", "the profile "
	    "page", "the search results page", "the e-mail preview" } },
	[C_STORAGE] = { "storage", { "the export job", "the attachment "
	    "store", "the query builder", "the backup restore" } },
	[C_CRYPTO] = { "crypto", { "the TLS client", "key derivation",
	    "the token signer", "certificate pinning" } },
	[C_API] = { "api", { "/api/v2/orders", "/api/v2/users/{id}",
	    "the bulk import endpoint", "the GraphQL resolver" } },
	[C_UPLOAD] = { "upload", { "the avatar upload", "the document "
	    "upload", "the import wizard", "the attachment preview" } },
	[C_BILLING] = { "billing", { "the invoice download", "the refund "
	    "endpoint", "the coupon check", "the payment method page" } },
	[C_WEBHOOKS] = { "webhooks", { "the webhook sender", "the callback "
	    "URL check", "the delivery retry job", "the webhook "
	    "signature check" } },
	[C_SYNC] = { "sync", { "the offline sync", "the contact import",
	    "the backup sync", "conflict resolution" } },
	[C_WEBVIEW] = { "webview", { "the in-app browser", "the help "
	    "viewer", "the deep link handler", "the JavaScript bridge" } },
	[C_TUNNEL] = { "tunnel", { "the packet decapsulation",
	    "the keepalive handler", "the fragment reassembly",
	    "the routing table update" } },
	[C_UPDATER] = { "updater", { "the update downloader", "the package "
	    "unpacker", "the signature check of updates", "the rollback "
	    "step" } },
	[C_DHCP] = { "dhcp", { "the DHCP option parser", "the lease table",
	    "the hostname option", "the relay agent" } },
	[C_WEBUI] = { "web-ui", { "the admin settings page", "the "
	    "diagnostics page", "the port forwarding form", "the firmware "
	    "upload form" } },
	[C_XPATH] = { "xpath", { "the XPath evaluator", "the predicate "
	    "parser", "the namespace resolver", "the node set sorter" } },
};

enum kind { K_NATIVE, K_WEB, K_DEVICE, K_MOBILE, K__MAX };

static const struct product {
	const char	*name, *vendor;
	enum kind	 kind;
	unsigned	 weight;
	int		 major, minor0;	/* the version two years ago */
	unsigned	 comps;
} products[] = {
	{ "Vigil Demo Router", "Example Networks", K_DEVICE, 15, 4, 2,
	    B(C_HTTP) | B(C_AUTH) | B(C_WEBUI) | B(C_DHCP) | B(C_UPDATER) |
	    B(C_CRYPTO) },
	{ "libtinyparse", "Example Networks", K_NATIVE, 10, 1, 1,
	    B(C_PARSER) | B(C_TOKENIZER) | B(C_ENCODING) | B(C_HTTP) },
	{ "Acme Customer Portal", "Acme Corp", K_WEB, 20, 3, 1,
	    B(C_AUTH) | B(C_SESSION) | B(C_TEMPLATE) | B(C_STORAGE) |
	    B(C_API) | B(C_UPLOAD) | B(C_BILLING) },
	{ "Acme Mobile App", "Acme Corp", K_MOBILE, 10, 5, 4,
	    B(C_AUTH) | B(C_STORAGE) | B(C_CRYPTO) | B(C_WEBVIEW) |
	    B(C_SYNC) | B(C_API) },
	{ "Acme Payments API", "Acme Corp", K_WEB, 12, 2, 6,
	    B(C_AUTH) | B(C_API) | B(C_STORAGE) | B(C_CRYPTO) |
	    B(C_WEBHOOKS) | B(C_BILLING) },
	{ "Example Networks VPN Client", "Example Networks", K_NATIVE, 10,
	    6, 0, B(C_CRYPTO) | B(C_TUNNEL) | B(C_UPDATER) | B(C_AUTH) |
	    B(C_PARSER) },
	{ "Example XML Toolkit", "Example Networks", K_NATIVE, 8, 2, 9,
	    B(C_PARSER) | B(C_XPATH) | B(C_ENCODING) | B(C_STORAGE) },
	{ "Acme Identity Server", "Acme Corp", K_WEB, 15, 1, 12,
	    B(C_AUTH) | B(C_SESSION) | B(C_CRYPTO) | B(C_TEMPLATE) |
	    B(C_HTTP) | B(C_STORAGE) },
};
#define NPRODUCTS	NELEM(products)


/* The practices of the post-mortem, in the order of the weights below. */
static const char *const practices[] = {
	"design_review", "code_review", "static_analysis", "fuzzing",
	"testing", "dependency_update", "other",
};
#define NPRACTICES	NELEM(practices)
#define P_TESTING	4
#define P_DEPENDENCY	5

enum cls { MEM, XSS, INJ, ACCESS, AUTH, CRYPTO, RES, PATH, DATA, CLS__MAX };

/* Per class: which practice should have caught it, a CVSS profile (AV AC
 * PR UI S C I A), where it usually sits, the post-mortem's tags. */
static const struct cls_info {
	unsigned	 practice[NPRACTICES];
	const char	*profile;
	unsigned	 comps;
	const char	*tags;
} classes[CLS__MAX] = {
	[MEM] = { { 3, 12, 15, 50, 12, 3, 5 }, "NLNNUHHH",
	    B(C_PARSER) | B(C_TOKENIZER) | B(C_ENCODING) | B(C_HTTP) |
	    B(C_TUNNEL) | B(C_DHCP) | B(C_XPATH) | B(C_UPDATER),
	    "memory-safety, parsing" },
	[XSS] = { { 10, 40, 25, 3, 15, 2, 5 }, "NLNRCLLN",
	    B(C_TEMPLATE) | B(C_WEBUI) | B(C_WEBVIEW) | B(C_API),
	    "output-encoding, templates" },
	[INJ] = { { 8, 35, 35, 5, 12, 1, 4 }, "NLLNUHHH",
	    B(C_STORAGE) | B(C_TEMPLATE) | B(C_API) | B(C_WEBUI) |
	    B(C_PARSER) | B(C_XPATH) | B(C_UPDATER) | B(C_DHCP),
	    "injection, input-validation" },
	[ACCESS] = { { 40, 30, 5, 0, 20, 0, 5 }, "NLLNUHHN",
	    B(C_API) | B(C_AUTH) | B(C_BILLING) | B(C_STORAGE) | B(C_WEBUI) |
	    B(C_SESSION) | B(C_SYNC),
	    "authorization, access-control" },
	[AUTH] = { { 40, 30, 5, 0, 15, 0, 10 }, "NLNNUHHN",
	    B(C_AUTH) | B(C_SESSION) | B(C_WEBUI) | B(C_API) | B(C_TUNNEL),
	    "authentication, sessions" },
	[CRYPTO] = { { 40, 25, 15, 0, 10, 5, 5 }, "NHNNUHHN",
	    B(C_CRYPTO) | B(C_TUNNEL) | B(C_UPDATER) | B(C_SYNC) |
	    B(C_SESSION) | B(C_AUTH),
	    "cryptography, tls" },
	[RES] = { { 15, 15, 5, 30, 30, 0, 5 }, "NLNNUNNH",
	    B(C_PARSER) | B(C_HTTP) | B(C_API) | B(C_XPATH) | B(C_TOKENIZER) |
	    B(C_TUNNEL),
	    "denial-of-service, resource-limits" },
	[PATH] = { { 15, 35, 25, 3, 17, 0, 5 }, "NLLNUHNN",
	    B(C_UPLOAD) | B(C_STORAGE) | B(C_UPDATER) | B(C_WEBUI) | B(C_API),
	    "file-handling, input-validation" },
	[DATA] = { { 25, 25, 15, 5, 15, 10, 5 }, "NLNNUHNN",
	    B(C_API) | B(C_WEBHOOKS) | B(C_STORAGE) | B(C_HTTP) | B(C_SYNC) |
	    B(C_SESSION),
	    "input-validation, data-exposure" },
};

/* Per CWE: its class, weights per product kind (native, web, device,
 * mobile), where it usually sits (0: where its class does) and its own
 * texts, so that the report and the post-mortem describe this very
 * weakness: the report's description, the post-mortem's root cause, fix
 * and lessons.  Placeholders: {w} the
 * place, {c} the component, {p} the product, {v} the version.  No text
 * starts with a placeholder (a place may be a function or a path);
 * fill() capitalises the first letter all the same. */
static const struct cwe_info {
	int		 id;
	const char	*name;		/* for titles */
	enum cls	 cls;
	unsigned char	 w[K__MAX];
	unsigned	 comps;
	const char	*desc, *root, *fix, *lessons;
} cwes[] = {
	{ 787, "out-of-bounds write", MEM, { 18, 0, 10, 2 }, 0,
	    "A crafted input makes {w} in the {c} code of {p} {v} write past "
	    "the end of a buffer. The proof of concept crashes the process; "
	    "the overwritten bytes are chosen by the attacker.",
	    "In {w}, a length taken from the input is used to copy into a "
	    "fixed-size buffer without a bounds check, so the copy writes out "
	    "of bounds.",
	    "The length is checked against the destination size before the "
	    "copy, so the write stays within bounds; oversized input is "
	    "rejected.",
	    "Lengths read from input are untrusted: check them once, at the "
	    "boundary, with one helper, and fuzz the {c} code with ASan in CI "
	    "so out-of-bounds writes show at once." },
	{ 125, "out-of-bounds read", MEM, { 14, 0, 6, 2 }, 0,
	    "A truncated message makes {w} in {p} {v} read past the end of "
	    "its buffer, which crashes the process or copies adjacent heap "
	    "memory into the reply.",
	    "In {w}, an offset from the input is checked against the declared "
	    "length instead of the bytes actually received, so the parser "
	    "reads out of bounds.",
	    "Every read checks the offset against the bytes actually present "
	    "in the buffer; a truncated message is rejected.",
	    "Parse through one bounds-checked reader instead of raw pointer "
	    "arithmetic; fuzz with truncated inputs, which ASan reports as "
	    "out-of-bounds reads." },
	{ 416, "use after free", MEM, { 10, 0, 4, 2 }, 0,
	    "A sequence of requests makes {w} in {p} {v} use an object after "
	    "it was freed. ASan reports a heap-use-after-free; without it the "
	    "freed memory can be refilled with attacker data.",
	    "In {w}, an error path frees the object while the caller still "
	    "holds a pointer to it and uses it afterwards (use after free).",
	    "The object is reference-counted: the error path drops its "
	    "reference instead of freeing it, so the object is no longer "
	    "freed while still in use.",
	    "Make the ownership of every heap object explicit (one owner, or "
	    "reference counts); run the fuzzer under ASan, which reports a "
	    "use after free at the first access to freed memory." },
	{ 190, "integer overflow", MEM, { 8, 1, 3, 1 }, 0,
	    "A large count field makes a size computation in {w} of {p} {v} "
	    "wrap around, so a buffer that is too small is allocated and then "
	    "overrun.",
	    "In {w}, the allocation size is computed as count times element "
	    "size in 32-bit arithmetic; a large count overflows the integer "
	    "and wraps to a small value.",
	    "The multiplication is checked for integer overflow with a "
	    "calloc-style helper, and counts above a sane limit are rejected.",
	    "Size arithmetic on values from input must be overflow-checked; "
	    "build the fuzz targets with UBSan's integer checks as well as "
	    "ASan." },
	{ 476, "NULL pointer dereference", MEM, { 7, 0, 4, 2 }, 0,
	    "A message that omits an optional field makes {w} in {p} {v} "
	    "dereference a NULL pointer, so the process crashes and the "
	    "service restarts.",
	    "In {w}, the lookup of an optional field returns NULL when the "
	    "field is missing, and the result is dereferenced without a check.",
	    "The NULL result is checked and the message is rejected with an "
	    "error; the lookup's documentation now says that it can return "
	    "NULL.",
	    "Functions that may return NULL must say so, and the static "
	    "analyser's NULL dereference checks should run on every change to "
	    "the {c} code." },
	{ 119, "memory corruption", MEM, { 5, 0, 3, 0 }, 0,
	    "A malformed message corrupts memory in {w} of {p} {v}. The proof "
	    "of concept crashes the process at varying places, the mark of a "
	    "write outside a buffer's bounds.",
	    "In {w}, the buffer is indexed with a value decoded from the "
	    "input; the bounds check covers the decoded length but not the "
	    "index, so operations reach outside the buffer.",
	    "All accesses to the buffer go through bounds-checked helpers, "
	    "and the index is validated against the buffer size.",
	    "Keep raw buffer indexing out of parsing code; fuzz the {c} code "
	    "with ASan, which reports the first out-of-bounds access instead "
	    "of a later crash." },
	{ 122, "heap buffer overflow", MEM, { 6, 0, 3, 0 }, 0,
	    "A long field makes {w} in {p} {v} overflow a heap buffer. ASan "
	    "reports a heap-buffer-overflow write; without it the overwrite "
	    "reaches the allocator's metadata of the next chunk.",
	    "In {w}, the heap buffer is allocated for the declared field "
	    "length, but the copy uses the actual length of the data, which "
	    "can be larger, so the write overflows the buffer.",
	    "The copy is bounded by the allocated size, and a field longer "
	    "than declared is rejected.",
	    "Allocate and copy with the same length variable; fuzz with ASan "
	    "so that heap buffer overflows are caught at the write, not at a "
	    "later free." },
	{ 121, "stack buffer overflow", MEM, { 4, 0, 4, 0 }, 0,
	    "A long value sent to {w} in {p} {v} overflows a buffer on the "
	    "stack and overwrites the return address; on builds without stack "
	    "protection the proof of concept controls the instruction pointer.",
	    "In {w}, the value is copied with strcpy() into a fixed-size "
	    "local array without a length check, so a long value overflows "
	    "the stack buffer.",
	    "The copy is bounded by the size of the array and over-long "
	    "values are rejected; the build now enables stack protectors and "
	    "FORTIFY_SOURCE.",
	    "Ban unbounded string functions (strcpy, sprintf) with a static "
	    "analysis rule, and build with stack protection so that an "
	    "overflow aborts instead of returning into attacker data." },
	{ 415, "double free", MEM, { 3, 0, 1, 0 }, 0,
	    "An input that fails validation halfway makes {w} in {p} {v} free "
	    "the same buffer twice. ASan reports a double free; without it "
	    "the allocator's free lists are corrupted.",
	    "In {w}, both the error path and the caller's cleanup free the "
	    "buffer, so it is freed twice.",
	    "Only the caller frees the buffer: the error path leaves it "
	    "alone, and the pointer is set to NULL after every free.",
	    "Give every allocation one owner that frees it; test the error "
	    "paths under ASan, where a double free shows at once." },
	{ 134, "format string vulnerability", MEM, { 2, 0, 1, 0 }, 0,
	    "A value containing %x and %n sequences is used by {w} in {p} {v} "
	    "as a format string: the proof of concept leaks stack memory and "
	    "can write to memory.",
	    "In {w}, a user-supplied value is passed as the format argument "
	    "of a printf-style logging call instead of as an argument to a "
	    "constant format string.",
	    "The call uses a constant format string (\"%s\") with the value "
	    "as its argument.",
	    "Turn on -Wformat-security and -Werror=format-nonliteral, and "
	    "give logging wrappers the format attribute so that the compiler "
	    "checks the format strings of their callers." },
	{ 79, "cross-site scripting", XSS, { 0, 20, 4, 2 }, 0,
	    "A value shown by {w} in {p} {v} is not HTML-escaped, so a "
	    "crafted link runs the attacker's script in the victim's session "
	    "(cross-site scripting).",
	    "In {w}, a user-supplied value is inserted into the HTML page "
	    "without escaping: the template marks it as safe HTML.",
	    "The value is escaped by the template engine's default HTML "
	    "escaping; the raw output helper was removed and a "
	    "Content-Security-Policy without inline script was added.",
	    "Never mark user input as safe HTML; review every unescaped "
	    "output in templates, and add the script payload to the template "
	    "tests so that the escaping cannot regress." },
	{ 89, "SQL injection", INJ, { 0, 10, 1, 1 },
	    B(C_STORAGE) | B(C_API) | B(C_BILLING) | B(C_AUTH),
	    "A parameter of {w} in {p} {v} reaches an SQL query unescaped; "
	    "with a quote and a UNION clause an attacker reads other tables "
	    "of the database.",
	    "In {w}, the SQL query is built by concatenating a request "
	    "parameter into the statement text.",
	    "The query uses bound parameters (a prepared statement); the "
	    "string concatenation was removed.",
	    "Use parameterised queries everywhere; a static analysis rule now "
	    "flags SQL statements built from strings." },
	{ 78, "OS command injection", INJ, { 1, 2, 10, 0 },
	    B(C_WEBUI) | B(C_DHCP) | B(C_UPDATER) | B(C_API) | B(C_STORAGE),
	    "A value entered in {w} of {p} {v} ends up on a shell command "
	    "line, so a value with a semicolon runs the attacker's own "
	    "commands on the host.",
	    "In {w}, a user-controlled value is inserted into a command line "
	    "that is run through the shell (system()), so shell "
	    "metacharacters start further commands.",
	    "The program is started with an argument vector (execve-style), "
	    "without a shell, and the value is checked against an allow list.",
	    "Never hand input to a shell; use execve-style calls with "
	    "argument vectors, and let static analysis flag every system() "
	    "and popen() call." },
	{ 77, "command injection", INJ, { 1, 1, 3, 0 },
	    B(C_WEBUI) | B(C_DHCP) | B(C_UPDATER) | B(C_API) | B(C_STORAGE),
	    "A crafted value sent to {w} in {p} {v} is passed into an "
	    "external command that the service runs, so an attacker can add "
	    "options or further commands.",
	    "In {w}, a user-controlled value is placed into the arguments of "
	    "an external command without neutralisation, so a value starting "
	    "with '-' or containing separators changes what the command does.",
	    "Arguments are passed as a vector after '--', and each value is "
	    "checked against an allow list before the command runs.",
	    "Treat every external command as an interpreter: pass input only "
	    "as separate, validated arguments, never as part of a command "
	    "string." },
	{ 94, "code injection", INJ, { 0, 3, 1, 0 },
	    B(C_API) | B(C_TEMPLATE) | B(C_WEBVIEW) | B(C_STORAGE),
	    "Input sent to {w} in {p} {v} is evaluated as code, so an "
	    "attacker can run their own code in the server process.",
	    "In {w}, an expression assembled from user input is passed to the "
	    "language's eval() function.",
	    "The eval() call was removed; input is parsed into a fixed "
	    "structure and interpreted by a small evaluator that knows only "
	    "the allowed operations, so no code from the request is run.",
	    "Never evaluate input as code; taint checks in static analysis "
	    "would have followed the value from the request to eval()." },
	{ 1336, "server-side template injection", INJ, { 0, 2, 0, 0 },
	    B(C_TEMPLATE),
	    "A value entered in {w} of {p} {v} is rendered as part of a "
	    "template, so template expressions in it run on the server.",
	    "In {w}, user input is concatenated into the template source "
	    "before rendering, so the template engine evaluates the "
	    "expressions it contains.",
	    "User input is passed to the template only as data (context "
	    "variables); the template source is fixed and the engine runs in "
	    "its sandboxed mode.",
	    "Template source must never be built from input; review every "
	    "place that compiles templates at run time." },
	{ 611, "XML external entity injection", INJ, { 3, 2, 0, 0 },
	    B(C_PARSER) | B(C_XPATH) | B(C_API) | B(C_UPLOAD) | B(C_STORAGE),
	    "An XML document with an external entity sent to {w} in {p} {v} "
	    "makes the parser read local files or fetch internal URLs (XXE).",
	    "In {w}, the XML parser resolves external entities and loads DTDs "
	    "named in the document, which is the parser's default.",
	    "External entities and DTD loading are disabled in the XML parser "
	    "configuration for all documents from outside.",
	    "Configure every XML parser securely once, in a shared helper; a "
	    "test now feeds a document with an external entity to each XML "
	    "entry point." },
	{ 93, "CRLF injection", INJ, { 0, 2, 1, 0 },
	    B(C_HTTP) | B(C_API) | B(C_WEBHOOKS) | B(C_SESSION) | B(C_AUTH),
	    "A value with encoded CR LF characters sent to {w} in {p} {v} is "
	    "copied into a response header, so an attacker can add headers or "
	    "split the response.",
	    "In {w}, a user-supplied value is written into an HTTP header "
	    "without rejecting carriage return and line feed characters "
	    "(CRLF).",
	    "Header values go through one helper that rejects CR and LF "
	    "characters before the header is written.",
	    "Header writers must refuse line breaks; the HTTP library's "
	    "checked header API is now the only way to set a header." },
	{ 862, "missing authorization", ACCESS, { 0, 9, 3, 2 }, 0,
	    "Any signed-in user of {p} {v} can call {w} and perform "
	    "administrative actions: the endpoint has no authorization check.",
	    "In {w}, the handler checks that the user is signed in but "
	    "performs no authorization check at all, so any role may call it.",
	    "The handler now goes through the central authorization check, "
	    "which requires the administrator role.",
	    "Design reviews must list, for every endpoint, which role may "
	    "call it; a test calls every endpoint as a user without that role "
	    "and expects a refusal." },
	{ 863, "incorrect authorization", ACCESS, { 0, 7, 2, 2 }, 0,
	    "A user of {p} {v} with a read-only role can change data through "
	    "{w}: the authorization check lets the request through.",
	    "In {w}, the authorization check tests for the read permission "
	    "even on requests that change data, so the permission checked is "
	    "the wrong one for writes.",
	    "Each operation now checks the permission it needs; requests that "
	    "change data require the write permission.",
	    "Authorization rules belong in one table that maps operations to "
	    "permissions; tests should call every operation with each role." },
	{ 639, "insecure direct object reference", ACCESS, { 0, 5, 0, 2 }, 0,
	    "A user of {p} {v} can read or change other users' data through "
	    "{w} by changing an identifier in the request; there is no "
	    "ownership check.",
	    "In {w}, the object is looked up by the identifier from the "
	    "request and returned without checking that the signed-in user "
	    "owns it (insecure direct object reference).",
	    "Objects are looked up within the signed-in user's account, so "
	    "the owner check is part of the query; a foreign identifier "
	    "yields 404 as if the object did not exist.",
	    "Never trust identifiers from the client for access decisions; "
	    "tests should request every object as a second user who does not "
	    "own it." },
	{ 269, "privilege escalation", ACCESS, { 2, 2, 3, 1 },
	    B(C_API) | B(C_AUTH) | B(C_WEBUI) | B(C_UPDATER) | B(C_SYNC) |
	    B(C_STORAGE),
	    "A low-privileged user of {p} {v} can gain administrator "
	    "privileges through {w}.",
	    "In {w}, a part that runs with elevated privileges performs "
	    "actions requested by an unprivileged caller without checking the "
	    "caller's privileges.",
	    "The privileged part checks the caller's identity and role before "
	    "every action, and runs with only the privileges it needs.",
	    "Keep privileged code small and check every request that crosses "
	    "a privilege boundary; a design review should list those "
	    "boundaries." },
	{ 352, "cross-site request forgery", ACCESS, { 0, 7, 5, 0 },
	    B(C_WEBUI) | B(C_BILLING) | B(C_AUTH) | B(C_SESSION) | B(C_API) |
	    B(C_UPLOAD),
	    "A page on another site can make a signed-in user's browser send "
	    "a state-changing request to {w} of {p} {v} (cross-site request "
	    "forgery), for example to change the victim's settings.",
	    "In {w}, state-changing requests are accepted on the strength of "
	    "the session cookie alone: there is no anti-CSRF token and the "
	    "Origin header is not checked.",
	    "State-changing requests need a per-session CSRF token, the "
	    "Origin header is checked, and the session cookie is set with "
	    "SameSite=Lax.",
	    "CSRF protection must be the framework's default for every form "
	    "and state-changing endpoint; tests should send such requests "
	    "without a token and expect a refusal." },
	{ 287, "authentication bypass", AUTH, { 0, 6, 5, 2 }, 0,
	    "An attacker can sign in to {p} {v} as another user through a "
	    "flaw in {w}, without knowing their password.",
	    "In {w}, a token whose algorithm field says none is accepted "
	    "without verifying its signature, so anyone can forge an "
	    "authentication token.",
	    "Tokens are verified with the expected algorithm and key only; "
	    "unsigned tokens are rejected.",
	    "Authentication code gets a second reviewer; negative tests "
	    "(unsigned, expired and altered tokens) belong in the suite." },
	{ 306, "missing authentication", AUTH, { 0, 3, 4, 1 }, 0,
	    "Functions behind {w} in {p} {v} can be used by an "
	    "unauthenticated attacker; no login is asked for.",
	    "In {w}, the handler is registered outside the authentication "
	    "middleware, so requests reach it without any authentication.",
	    "The handler was moved behind the authentication middleware, "
	    "which now applies to all routes by default, with an explicit "
	    "list of public ones.",
	    "Authentication should be the default for every route; a test "
	    "lists all routes and checks that each non-public one refuses "
	    "requests without a login." },
	{ 798, "hard-coded credentials", AUTH, { 1, 1, 4, 2 }, 0,
	    "Every installation of {p} {v} accepts the same built-in password "
	    "for {w}; it can be read from the published image.",
	    "In {w}, a service account with a hard-coded password is compiled "
	    "into the product and cannot be changed by the operator.",
	    "The hard-coded credential was removed; a unique password is set "
	    "at first start and stored hashed.",
	    "Ship no credentials in images or source; a secret scanner now "
	    "checks every build for passwords and keys." },
	{ 384, "session fixation", AUTH, { 0, 2, 0, 0 },
	    B(C_SESSION) | B(C_AUTH),
	    "An attacker who plants a session identifier in a victim's "
	    "browser takes over the victim's account in {p} {v} once the "
	    "victim signs in through {w}.",
	    "In {w}, the session identifier is kept across login instead of "
	    "being renewed, so a session identifier chosen by the attacker "
	    "becomes authenticated (session fixation).",
	    "A new session identifier is issued at login and at every "
	    "privilege change; the old session is destroyed.",
	    "Renew the session on every change of authentication state; a "
	    "test now checks that the session cookie changes at login." },
	{ 613, "insufficient session expiration", AUTH, { 0, 2, 0, 2 },
	    B(C_SESSION) | B(C_AUTH) | B(C_API),
	    "Sessions of {p} {v} stay valid long after logout or inactivity; "
	    "a stolen cookie still works with {w} weeks later.",
	    "In {w}, sessions have no server-side expiry and logout only "
	    "deletes the cookie in the browser, so the session token stays "
	    "valid.",
	    "Sessions expire after a period of inactivity and after an "
	    "absolute lifetime, and logout invalidates the session on the "
	    "server.",
	    "Session lifetime is a design decision to write down; tests "
	    "should replay a session token after logout and after expiry." },
	{ 307, "missing brute-force protection", AUTH, { 0, 2, 2, 1 },
	    B(C_AUTH) | B(C_API) | B(C_WEBUI) | B(C_TUNNEL),
	    "There is no limit on the attempts at {w} of {p} {v}, so an "
	    "attacker can guess passwords or one-time codes at full speed.",
	    "In {w}, failed attempts are neither counted nor slowed down: "
	    "there is no rate limit against brute force.",
	    "Failed attempts are rate-limited per account and per address, "
	    "with an increasing delay and a temporary lockout.",
	    "Every check of a secret (password, one-time code, reset token) "
	    "needs a rate limit; security tests should include brute-force "
	    "attempts." },
	{ 295, "improper certificate validation", CRYPTO, { 2, 1, 2, 4 },
	    B(C_CRYPTO) | B(C_TUNNEL) | B(C_UPDATER) | B(C_SYNC) |
	    B(C_WEBHOOKS),
	    "A network attacker can intercept the traffic of {w} in {p} {v} "
	    "with a self-signed certificate; the connection is accepted "
	    "without a warning.",
	    "In {w}, the TLS connection does not verify the peer "
	    "certificate's chain and host name, so any certificate is "
	    "accepted.",
	    "The certificate chain and the host name are verified against the "
	    "system trust store; the check cannot be turned off in production "
	    "builds.",
	    "Test TLS clients against servers whose certificate is "
	    "self-signed or names another host; a design review should reject "
	    "any disabled certificate check." },
	{ 327, "broken cryptographic algorithm", CRYPTO, { 1, 1, 2, 2 }, 0,
	    "Data protected by {w} in {p} {v} relies on a broken "
	    "cryptographic algorithm; an attacker with a copy can recover or "
	    "forge it with modest effort.",
	    "In {w}, secrets are protected with an obsolete algorithm "
	    "(unsalted MD5, or DES in ECB mode) that is no longer considered "
	    "secure.",
	    "The algorithm was replaced: passwords are hashed with Argon2id "
	    "and data is encrypted with AES-GCM; old values are migrated at "
	    "their next use.",
	    "Keep a list of allowed cryptographic algorithms and check new "
	    "code against it; use the platform's high-level crypto APIs." },
	{ 330, "predictable random values", CRYPTO, { 1, 1, 1, 1 }, 0,
	    "Tokens issued by {w} in {p} {v} can be predicted from a few "
	    "observed ones, so an attacker can guess other users' tokens.",
	    "In {w}, tokens are drawn from a non-cryptographic random number "
	    "generator seeded with the time.",
	    "Tokens come from the operating system's cryptographically secure "
	    "random number generator, with 128 bits of entropy.",
	    "Security values (tokens, keys, nonces) come only from the "
	    "system's secure random generator; static analysis now flags "
	    "rand() and similar functions in security code." },
	{ 347, "missing signature verification", CRYPTO, { 1, 0, 3, 1 },
	    B(C_UPDATER) | B(C_CRYPTO) | B(C_WEBHOOKS) | B(C_AUTH) | B(C_SYNC),
	    "An attacker who can change data on its way to {w} of {p} {v} can "
	    "make it accept altered content: its signature is never checked.",
	    "In {w}, the signature that comes with the data is parsed but "
	    "never verified against the trusted key.",
	    "The signature is verified against the pinned public key before "
	    "the data is used; data without a valid signature is rejected.",
	    "Tests must include tampered and unsigned inputs for every "
	    "signature check: a check that never fails is not a check." },
	{ 312, "cleartext storage of secrets", CRYPTO, { 0, 1, 1, 4 },
	    B(C_STORAGE) | B(C_SYNC) | B(C_AUTH) | B(C_CRYPTO) | B(C_SESSION),
	    "Secrets kept by {w} of {p} {v} are stored in cleartext; anyone "
	    "who can read the device storage or a backup gets them.",
	    "In {w}, passwords and tokens are written to local storage in "
	    "cleartext instead of being encrypted or kept in the platform key "
	    "store.",
	    "Secrets are kept in the platform key store, encrypted at rest; "
	    "the cleartext copies are deleted on upgrade.",
	    "Decide in the design where each secret lives; a test now scans "
	    "the storage of a test device for known secrets in cleartext." },
	{ 319, "cleartext transmission of secrets", CRYPTO, { 0, 1, 2, 2 },
	    B(C_TUNNEL) | B(C_SYNC) | B(C_UPDATER) | B(C_AUTH) | B(C_CRYPTO) |
	    B(C_SESSION),
	    "The traffic of {w} in {p} {v} carries credentials in cleartext, "
	    "so anyone on the same network can read them.",
	    "In {w}, credentials are sent in cleartext over plain HTTP, "
	    "without TLS.",
	    "All traffic goes over TLS; plain HTTP connections are refused "
	    "and HSTS is set.",
	    "No secret leaves the process unencrypted; a test now fails when "
	    "any connection of the {c} code uses plain HTTP instead of TLS." },
	{ 400, "uncontrolled resource consumption", RES, { 5, 2, 3, 0 }, 0,
	    "A few slow requests to {w} of {p} {v} exhaust the service's "
	    "memory and worker threads, so it stops answering.",
	    "In {w}, each request may hold a worker and buffer data for as "
	    "long as the client keeps sending, with no limit on time or size "
	    "(uncontrolled resource consumption).",
	    "Requests have limits on size, time and concurrent connections; "
	    "the limits are configurable.",
	    "Every input path needs resource limits on size, depth and time; "
	    "load tests should include slow and hostile clients." },
	{ 770, "unbounded allocation", RES, { 3, 1, 1, 0 }, 0,
	    "A small message with a large size field makes {w} of {p} {v} "
	    "allocate gigabytes of memory, so the process is killed.",
	    "In {w}, memory is allocated in advance for the size announced in "
	    "the input, without a limit and before any data arrives.",
	    "A configurable limit caps the size, and buffers grow with the "
	    "data actually received instead of being allocated for the "
	    "announced size.",
	    "Never allocate memory on the input's word; fuzzing with a memory "
	    "limit finds such allocations." },
	{ 1333, "regular expression denial of service", RES, { 0, 2, 0, 0 }, 0,
	    "A crafted string of a few kilobytes makes {w} in {p} {v} spend "
	    "minutes in one regular expression match, blocking the worker.",
	    "In {w}, a regular expression with nested quantifiers is applied "
	    "to user input, which causes catastrophic backtracking.",
	    "The regular expression was rewritten without nested quantifiers "
	    "and runs on a linear-time engine; the input length is capped.",
	    "Review regular expressions applied to input for catastrophic "
	    "backtracking; a linter now flags nested quantifiers." },
	{ 835, "infinite loop", RES, { 3, 0, 1, 0 }, 0,
	    "A crafted input makes {w} in {p} {v} loop forever at full CPU, "
	    "so the service hangs.",
	    "In {w}, a record with a length of zero does not advance the read "
	    "position, so the loop never terminates.",
	    "Zero-length records are rejected, and the loop checks that it "
	    "makes progress on every iteration.",
	    "Every loop over input must make progress; fuzzing with a timeout "
	    "finds infinite loops." },
	{ 674, "uncontrolled recursion", RES, { 3, 1, 0, 0 }, 0,
	    "A deeply nested input makes {w} in {p} {v} recurse until the "
	    "stack is exhausted, which crashes the process.",
	    "In {w}, nested elements are handled by recursion without a depth "
	    "limit, so the input controls how deep the recursion goes.",
	    "The recursion depth is bounded by a configurable limit; deeper "
	    "input is rejected.",
	    "Parsers need a depth limit for every recursive structure; the "
	    "fuzzer's dictionary now includes deeply nested inputs to "
	    "exercise recursion." },
	{ 776, "XML entity expansion", RES, { 3, 1, 0, 0 },
	    B(C_PARSER) | B(C_XPATH) | B(C_API) | B(C_UPLOAD),
	    "An XML document of a few hundred bytes with nested entity "
	    "definitions makes {w} in {p} {v} expand it to gigabytes (billion "
	    "laughs), exhausting memory.",
	    "In {w}, the XML parser expands internal entities without a limit "
	    "on the expansion depth or the total size.",
	    "Entity expansion is limited in depth and output size, and "
	    "documents with a DTD are rejected where none is expected.",
	    "Configure XML parsers with entity expansion limits in one shared "
	    "helper; test every XML entry point with a billion-laughs "
	    "document." },
	{ 362, "race condition", RES, { 2, 1, 2, 1 }, 0,
	    "Concurrent requests to {w} in {p} {v} corrupt shared state, "
	    "which crashes the service or mixes data between requests.",
	    "In {w}, shared state is read and updated by several threads "
	    "without a lock: a race condition between the check and the "
	    "update.",
	    "The shared state is protected by a lock, and the check and the "
	    "update happen in one critical section.",
	    "Shared state needs a documented lock; run the tests under "
	    "ThreadSanitizer to catch data races between threads." },
	{ 401, "memory leak", RES, { 3, 0, 2, 1 }, 0,
	    "Each malformed request to {w} of {p} {v} leaks memory; a steady "
	    "stream of them exhausts the host's memory within hours.",
	    "In {w}, the error path returns without freeing the buffers "
	    "allocated for the request, so memory leaks on every malformed "
	    "request.",
	    "The error path frees everything it allocated, through one "
	    "cleanup block.",
	    "Run the fuzzer with LeakSanitizer, and test the error paths, not "
	    "only the success path, for leaks." },
	{ 22, "path traversal", PATH, { 3, 6, 4, 1 }, 0,
	    "A file name with '../' sequences sent to {w} in {p} {v} lets an "
	    "attacker read or write files outside the intended directory.",
	    "In {w}, a user-supplied file name is joined to a base directory "
	    "without rejecting '..' components, so the path escapes the "
	    "directory (path traversal).",
	    "Names are reduced to a safe base name, and the resolved path is "
	    "checked to stay inside the base directory.",
	    "Treat every path from the outside as hostile: use one helper "
	    "that resolves and checks it, and test '..' and absolute paths "
	    "for every file operation." },
	{ 434, "unrestricted file upload", PATH, { 0, 5, 1, 0 },
	    B(C_UPLOAD) | B(C_WEBUI) | B(C_STORAGE),
	    "Through {w}, a user of {p} {v} can upload a script file that the "
	    "server then executes when it is requested.",
	    "In {w}, uploaded files of any type are accepted and stored "
	    "inside the web root under their original name and extension.",
	    "Uploads are stored outside the web root under random names, with "
	    "an allow list of file types checked against the content.",
	    "Uploaded files are data, never code: keep them outside the web "
	    "root and serve them with a fixed content type." },
	{ 59, "symbolic link following", PATH, { 2, 0, 2, 0 },
	    B(C_STORAGE) | B(C_UPDATER) | B(C_UPLOAD) | B(C_SYNC),
	    "A local user can make {w} of {p} {v} overwrite any file by "
	    "placing a symbolic link where it writes.",
	    "In {w}, files in a shared directory are opened for writing "
	    "without O_NOFOLLOW, so the service follows a symbolic link "
	    "planted by another user.",
	    "Files are created with O_EXCL | O_NOFOLLOW in a private "
	    "directory owned by the service, so a planted link is refused.",
	    "Privileged code must not follow links in directories that others "
	    "can write to; tests should plant a symbolic link for every file "
	    "the service writes." },
	{ 732, "insecure file permissions", PATH, { 1, 0, 2, 2 },
	    B(C_STORAGE) | B(C_UPDATER) | B(C_SYNC) | B(C_UPLOAD),
	    "Files written by {w} of {p} {v} are readable and writable by "
	    "every local user, including the ones that hold secrets.",
	    "In {w}, files are created with mode 0666 under a permissive "
	    "umask, so their permissions let every local user read and change "
	    "them.",
	    "Files are created with mode 0600 in a directory with mode 0700; "
	    "existing files get the tighter permissions on upgrade.",
	    "State the permissions of every file the product writes in the "
	    "design; a test checks the modes after installation." },
	{ 377, "insecure temporary file", PATH, { 1, 0, 0, 0 },
	    B(C_STORAGE) | B(C_UPDATER) | B(C_UPLOAD),
	    "A local user can read or replace the temporary files of {w} in "
	    "{p} {v}, because their names are predictable.",
	    "In {w}, a temporary file is created in /tmp under a predictable "
	    "name after a separate existence check, so another user can "
	    "create it first.",
	    "Temporary files are created with mkstemp() in a private "
	    "directory.",
	    "Use mkstemp() or the platform's equivalent for every temporary "
	    "file; static analysis now flags tmpnam() and mktemp()." },
	{ 502, "unsafe deserialization", DATA, { 1, 4, 0, 1 }, 0,
	    "A crafted serialized object sent to {w} of {p} {v} runs code on "
	    "the server when it is deserialized.",
	    "In {w}, objects of any type are deserialized from the request "
	    "with the language's generic deserializer, so a gadget chain runs "
	    "code of the attacker's choice.",
	    "Only a fixed set of plain data types is accepted (JSON into "
	    "explicit structures); the generic deserializer was removed.",
	    "Never deserialize untrusted data into arbitrary types; keep the "
	    "serialization libraries current." },
	{ 918, "server-side request forgery", DATA, { 0, 5, 1, 0 },
	    B(C_WEBHOOKS) | B(C_API) | B(C_UPLOAD) | B(C_STORAGE),
	    "Through {w}, an attacker can make {p} {v} send requests to "
	    "internal services and cloud metadata addresses (server-side "
	    "request forgery).",
	    "In {w}, a URL given by the user is fetched from the server's "
	    "network without checking where it points.",
	    "Outgoing requests go through a proxy that blocks internal and "
	    "link-local addresses, and every redirect is checked again.",
	    "Review every feature that makes the server fetch a URL on a "
	    "user's behalf; tests should try internal addresses and redirects "
	    "to them." },
	{ 200, "information disclosure", DATA, { 1, 5, 3, 3 }, 0,
	    "The response of {w} in {p} {v} exposes internal fields, "
	    "including other users' e-mail addresses and internal identifiers.",
	    "In {w}, the response is built by serialising the whole database "
	    "record, so internal fields are exposed to the caller.",
	    "Responses are built from an explicit list of public fields.",
	    "Decide in the design which fields leave the service; tests check "
	    "responses against that list so that nothing else is disclosed." },
	{ 209, "verbose error messages", DATA, { 0, 2, 1, 0 }, 0,
	    "Errors in {w} of {p} {v} return stack traces with file paths, "
	    "library versions and query fragments to the client.",
	    "In {w}, unexpected exceptions are passed to the client with the "
	    "full error message and stack trace.",
	    "Clients get a generic error message with a reference number; the "
	    "details go to the server log.",
	    "Error handling is part of the design: one handler decides what "
	    "an error response may contain." },
	{ 532, "secrets in log files", DATA, { 0, 2, 1, 2 }, 0,
	    "The log files of {p} {v} contain passwords and session tokens "
	    "handled by {w}; anyone with access to the logs can use them.",
	    "In {w}, requests are logged in full at info level, passwords and "
	    "tokens included.",
	    "Secret fields are masked before logging, and the logs written "
	    "before the fix were purged.",
	    "Log what is needed to operate, never secrets; a test scans the "
	    "logs of the test suite for the known test secrets." },
	{ 601, "open redirect", DATA, { 0, 3, 0, 1 },
	    B(C_AUTH) | B(C_SESSION) | B(C_WEBVIEW) | B(C_HTTP) | B(C_API),
	    "A link to {w} of {p} {v} with a crafted return URL redirects "
	    "users to an attacker's site after sign-in, which makes phishing "
	    "pages look trustworthy.",
	    "In {w}, the redirect target is taken from a request parameter "
	    "and followed without a check, so any external URL is accepted "
	    "(open redirect).",
	    "Only relative paths on the same site are accepted as redirect "
	    "targets; anything else redirects to the start page.",
	    "Redirect targets from the request are untrusted; keep one helper "
	    "that validates them and test it with external and "
	    "scheme-relative URLs." },
	{ 20, "improper input validation", DATA, { 4, 3, 3, 1 }, 0,
	    "Values outside the expected range sent to {w} of {p} {v} are "
	    "accepted without validation and processed, putting the {c} code "
	    "into states it was never designed for.",
	    "In {w}, fields of the request are used without validating their "
	    "type, range and length.",
	    "Every field is validated against a schema (type, range, length) "
	    "at the boundary; invalid requests are rejected.",
	    "Validate input once, at the boundary, against an explicit "
	    "schema; tests should send out-of-range and malformed values for "
	    "every field." },
	{ 1321, "prototype pollution", DATA, { 0, 2, 0, 0 },
	    B(C_API) | B(C_TEMPLATE) | B(C_WEBVIEW) | B(C_SYNC),
	    "A JSON body with a __proto__ key sent to {w} of {p} {v} changes "
	    "the properties of every object in the process (prototype "
	    "pollution), which bypasses checks.",
	    "In {w}, a recursive merge copies keys from the request into an "
	    "object without rejecting __proto__ and constructor, so the "
	    "shared Object prototype is polluted.",
	    "The merge skips the __proto__, constructor and prototype keys, "
	    "and parsed request data goes into objects without a prototype.",
	    "Never merge untrusted JSON into objects recursively without a "
	    "key allow list; a test sends a __proto__ key to every endpoint "
	    "that merges data, so prototype pollution cannot return." },
	{ 915, "mass assignment", DATA, { 0, 2, 0, 0 },
	    B(C_API) | B(C_BILLING) | B(C_AUTH),
	    "A user of {p} {v} can set protected fields such as the role or "
	    "the account balance by adding them to a request to {w}.",
	    "In {w}, all fields of the request body are bound to the model "
	    "(mass assignment), including fields the user must not change.",
	    "Only an explicit allow list of fields is bound from the request; "
	    "protected fields are set by the server alone.",
	    "Bind request data to dedicated input types, not to database "
	    "models; tests try to set every protected field." },
};
#define NCWES	NELEM(cwes)

enum sev { S_CRIT, S_HIGH, S_MED, S_LOW, S_NONE, S__MAX };
static const char *const sev_names[S__MAX] = {
	"critical", "high", "medium", "low", "",
};
static const unsigned sev_weights[S__MAX] = { 5, 25, 45, 20, 5 };

enum chan { CH_WEB, CH_EMAIL, CH_API, CH__MAX };
static const char *const chan_names[CH__MAX] = { "web", "email", "api" };
static const unsigned chan_weights[CH__MAX] = { 60, 30, 10 };

/* Phase medians (seconds) per severity: critical, high, medium, low,
 * unscored. */
static const double m_triage_start[S__MAX] = { 1 * HOUR, 4 * HOUR,
	12 * HOUR, 24 * HOUR, 24 * HOUR };
static const double m_confirm[S__MAX] = { 6 * HOUR, 1 * DAY, 3 * DAY,
	6 * DAY, 4 * DAY };
static const double m_start_fix[S__MAX] = { 2 * HOUR, 1 * DAY, 3 * DAY,
	10 * DAY, 5 * DAY };
static const double m_fix[S__MAX] = { 1.5 * DAY, 5 * DAY, 14 * DAY,
	35 * DAY, 20 * DAY };
static const double m_test[S__MAX] = { 8 * HOUR, 1 * DAY, 2 * DAY,
	4 * DAY, 3 * DAY };
static const double m_verify[S__MAX] = { 10 * HOUR, 1 * DAY, 2 * DAY,
	3 * DAY, 3 * DAY };
static const int64_t lead[S__MAX] = { 1 * DAY, 2 * DAY, 4 * DAY, 4 * DAY,
	4 * DAY };
static const double p_oob[S__MAX] = { 0.85, 0.25, 0, 0, 0 };
/* Clarification rounds (triage -> needs_info -> triage) per channel: the
 * chance of a first one, of each further one, and the researcher's
 * median answer time. */
static const double p_clar[CH__MAX] = { 0.10, 0.45, 0.15 };
static const double p_clar_more[CH__MAX] = { 0.20, 0.35, 0.20 };
static const double m_answer[CH__MAX] = { 2 * DAY, 3.5 * DAY, 2 * DAY };
static const double p_reject[CH__MAX] = { 0.115, 0.135, 0.10 };

static const char *const first_names[] = {
	"Alex", "Sam", "Robin", "Kim", "Jules", "Noa", "Mika", "Rene",
	"Toni", "Sasha", "Ari", "Eli", "Jo", "Lou", "Ren", "Yuki", "Ola",
	"Nik", "Dani", "Kai",
};
static const char *const last_names[] = {
	"Marsh", "Okoro", "Lindqvist", "Baptiste", "Novak", "Hale",
	"Ferreira", "Tanaka", "Quinn", "Adler", "Moreau", "Kowal", "Strand",
	"Ibarra", "Varga", "Sorensen", "Mbeki", "Castell", "Dunmore", "Rask",
};
static const char *const analysts[] = { "dana@vigil.localhost",
	"farid@vigil.localhost", "lena@vigil.localhost",
	"tomas@vigil.localhost" };
static const char *const engineers[] = { "ines@vigil.localhost",
	"kofi@vigil.localhost", "marek@vigil.localhost",
	"suvi@vigil.localhost", "yusuf@vigil.localhost",
	"zoe@vigil.localhost" };
static const char *const testers[] = { "hana@vigil.localhost",
	"piet@vigil.localhost", "rosa@vigil.localhost" };
static const char *const managers[] = { "gwen@vigil.localhost",
	"omar@vigil.localhost" };

static const char *const ask_reasons[] = {
	"Which version did you test, and on which platform?",
	"Could you send the proof of concept as a file? The inline one was "
	"cut.",
	"We could not reproduce it with the steps given; could you send the "
	"exact request?",
	"Please confirm whether the default configuration is affected.",
	"Could you share the crash log with symbols?",
};
static const char *const test_fail_reasons[] = {
	"Test failed: the proof of concept still crashes the patched build.",
	"Test failed: the regression suite fails with the patch.",
	"Test failed: the patch does not build on the release branch.",
};
static const char *const not_fixed_reasons[] = {
	"The fix can be bypassed with a variant of my proof of concept.",
	"It still reproduces on the patched build.",
};
static const char *const pull_reasons[] = {
	"Pulled back: the patch conflicts with another fix of this release.",
	"A late regression was found; the patch goes back to fixing.",
};
static const char *const reject_reasons[] = {
	"Expected behaviour, documented in the security model.",
	"Out of scope: a third-party service we do not operate.",
	"Needs an already compromised administrator account.",
};
static const char *const how_found_ext[] = { "external researcher",
	"bug bounty programme", "customer report",
	"coordinated disclosure (CERT)" };
static const unsigned how_found_ext_w[] = { 80, 12, 5, 3 };
static const char *const how_found_int[] = { "internal fuzzing",
	"static analysis alert", "internal security review",
	"penetration test" };
static const unsigned how_found_int_w[] = { 45, 20, 20, 15 };

/* ---- the generator ---- */

struct vec {
	char		 s[48];
	char		 m[8];		/* metric values, profile order */
	enum sev	 sev;
	double		 score;
};

/* A released case a later one can be a regression of. */
struct cand {
	size_t		 no;		/* its number */
	time_t		 released;
	int		 cwe;
};

struct ring {
	struct cand	 c[RING];
	unsigned	 n, next;
};

struct cli_history {
	struct cli_history_params p;
	time_t		*windows;
	struct rng	 rng;
	size_t		 made;
	struct vec	*vec;			/* NVEC */
	size_t		*bucket[4];		/* per severity */
	size_t		 nbucket[4];
	char		 cwe_str[NCWES][12];
	unsigned	 cwe_w[K__MAX][NCWES];
	unsigned	 prod_w[NPRODUCTS];
	struct ring	 rings[NPRODUCTS][C__MAX];
};

static const char *const metric_vals[8] = { "NALP", "LH", "NLH", "NR", "UC",
	"HLN", "HLN", "HLN" };
static const char *const metric_keys[8] = { "AV", "AC", "PR", "UI", "S",
	"C", "I", "A" };

static int
build_vectors(struct cli_history *h)
{
	size_t i, k, idx;
	struct core_cvss cv;
	const char *err;
	int n;

	for (i = 0; i < 4; i++)
		if ((h->bucket[i] = calloc(NVEC, sizeof(size_t))) == NULL)
			return -1;
	for (i = 0; i < NVEC; i++) {
		struct vec *v = &h->vec[i];
		size_t rest = i, off;

		off = (size_t)snprintf(v->s, sizeof(v->s), "CVSS:3.1");
		for (k = 8; k-- > 0;) {
			size_t nv = strlen(metric_vals[k]);
			v->m[k] = metric_vals[k][rest % nv];
			rest /= nv;
		}
		for (k = 0; k < 8; k++) {
			n = snprintf(v->s + off, sizeof(v->s) - off, "/%s:%c",
			    metric_keys[k], v->m[k]);
			off += (size_t)n;
		}
		if (core_cvss_score(v->s, &cv, &err) == -1)
			return -1;
		v->score = cv.base;
		if (strcmp(cv.severity, "Critical") == 0)
			v->sev = S_CRIT;
		else if (strcmp(cv.severity, "High") == 0)
			v->sev = S_HIGH;
		else if (strcmp(cv.severity, "Medium") == 0)
			v->sev = S_MED;
		else if (strcmp(cv.severity, "Low") == 0)
			v->sev = S_LOW;
		else
			continue;	/* "None": C:N/I:N/A:N */
		idx = (size_t)v->sev;
		h->bucket[idx][h->nbucket[idx]++] = i;
	}
	for (i = 0; i < 4; i++)
		if (h->nbucket[i] == 0)
			return -1;
	return 0;
}

struct cli_history *
cli_history_new(const struct cli_history_params *p)
{
	struct cli_history *h;
	uint64_t x;
	size_t i;
	int k;

	if (p == NULL || p->n == 0 || p->windows == NULL ||
	    p->nwindows == 0 || p->tracking_prefix == NULL)
		return NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->p = *p;
	if (h->p.span <= 0)
		h->p.span = CLI_HISTORY_SPAN;
	if ((h->windows = malloc(p->nwindows * sizeof(time_t))) == NULL ||
	    (h->vec = calloc(NVEC, sizeof(struct vec))) == NULL)
		goto fail;
	memcpy(h->windows, p->windows, p->nwindows * sizeof(time_t));
	h->p.windows = h->windows;
	x = p->seed;
	for (k = 0; k < 4; k++)
		h->rng.s[k] = splitmix(&x);
	if (build_vectors(h) == -1)
		goto fail;
	for (i = 0; i < NCWES; i++) {
		snprintf(h->cwe_str[i], sizeof(h->cwe_str[i]), "CWE-%d",
		    cwes[i].id);
		for (k = 0; k < K__MAX; k++)
			h->cwe_w[k][i] = cwes[i].w[k];
	}
	for (i = 0; i < NPRODUCTS; i++)
		h->prod_w[i] = products[i].weight;
	return h;
fail:
	cli_history_free(h);
	return NULL;
}

void
cli_history_free(struct cli_history *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < 4; i++)
		free(h->bucket[i]);
	free(h->vec);
	free(h->windows);
	free(h);
}

void
cli_history_link(struct store_history_case *c, int64_t id)
{
	/* The post-mortem is ours: one_case() allocated it writable. */
	if (c->pm != NULL)
		((struct store_postmortem *)(uintptr_t)c->pm)->regression_of =
		    id;
}

size_t
cli_history_count(const struct cli_history *h)
{
	return h->made;
}

const char *
cli_history_product(size_t i, const char **vendor)
{
	if (i >= NPRODUCTS)
		return NULL;
	if (vendor != NULL)
		*vendor = products[i].vendor;
	return products[i].name;
}

size_t
cli_history_windows(time_t from, time_t to, time_t *out, size_t max)
{
	int32_t day;
	int y, m, d, wd;
	size_t n = 0;

	day = (int32_t)(from / DAY) - (from % DAY < 0);
	core_civil_from_days(day, &y, &m, &d);
	while (n < max) {
		day = core_days_from_civil(y, m, 1);
		wd = core_weekday(day);
		day += (2 - wd + 7) % 7 + 7;	/* the second Tuesday */
		if ((time_t)day * DAY > to)
			break;
		out[n++] = (time_t)day * DAY + 18 * HOUR;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	return n;
}

/* The first release window at or after t. */
static time_t
window_after(const struct cli_history *h, time_t t)
{
	size_t lo = 0, hi = h->p.nwindows, mid;
	time_t w;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (h->windows[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < h->p.nwindows)
		return h->windows[lo];
	w = h->windows[h->p.nwindows - 1];
	while (w < t)
		w += 28 * DAY;
	return w;
}

/* An out-of-band release: the next weekday at 18:00 UTC at or after t. */
static time_t
oob_after(time_t t)
{
	time_t day = t / DAY, at;
	int wd;

	for (;; day++) {
		at = day * DAY + 18 * HOUR;
		wd = core_weekday((int32_t)day);
		if (at >= t && wd != 0 && wd != 6)
			return at;
	}
}

struct subst {
	const char	*w, *c, *p, *v;
};

/* tmpl with {w} {c} {p} {v} replaced, from the arena, its first letter
 * a capital. */
static char *
fill(struct arena *a, const char *tmpl, const struct subst *s)
{
	char buf[1024];
	const char *p, *r;
	size_t n = 0, k;

	for (p = tmpl; *p != '\0' && n < sizeof(buf) - 1;) {
		r = NULL;
		if (p[0] == '{' && p[1] != '\0' && p[2] == '}') {
			switch (p[1]) {
			case 'w': r = s->w; break;
			case 'c': r = s->c; break;
			case 'p': r = s->p; break;
			case 'v': r = s->v; break;
			default: break;
			}
		}
		if (r == NULL) {
			buf[n++] = *p++;
			continue;
		}
		for (k = 0; r[k] != '\0' && n < sizeof(buf) - 1; k++)
			buf[n++] = r[k];
		p += 3;
	}
	buf[n] = '\0';
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
	return util_arena_strndup(a, buf, n);
}

/* ---- one case's walk through the lifecycle ---- */

struct walk {
	struct store_history_event ev[MAX_EV];
	size_t		 n;
	enum core_state	 state;
	time_t		 t;
};

#define AN	CORE_ROLE_BIT(ROLE_ANALYST)
#define EN	CORE_ROLE_BIT(ROLE_ENGINEER)
#define TE	CORE_ROLE_BIT(ROLE_TESTER)
#define RM	CORE_ROLE_BIT(ROLE_RELEASE_MANAGER)

/* Takes one transition at time `at' (not before the last one) as actor
 * (NULL: the system) with these roles.  An illegal step is a bug here. */
static void
step(struct walk *w, enum core_state to, time_t at, const char *actor,
    core_roles roles, const char *reason)
{
	const char *why = NULL;

	if (core_transition_check(w->state, to,
	    actor == NULL ? ACTOR_SYSTEM : ACTOR_STAFF, roles, reason,
	    &why) == -1 || w->n == MAX_EV) {
		fprintf(stderr, "demo history: %s -> %s: %s\n",
		    core_state_name(w->state), core_state_name(to),
		    why != NULL ? why : "too many events");
		abort();
	}
	if (at < w->t)
		at = w->t;
	w->ev[w->n].at = at;
	w->ev[w->n].actor = actor == NULL ? "system" : actor;
	w->ev[w->n].from = core_state_name(w->state);
	w->ev[w->n].to = core_state_name(to);
	w->ev[w->n].reason = reason != NULL ? reason : "";
	w->n++;
	w->state = to;
	w->t = at;
}

static const char *
any(struct rng *r, const char *const *v, size_t n)
{
	return v[below(r, n)];
}
#define ANY(r, v)	any(r, v, NELEM(v))

/* A CVSS vector of severity s, close to the class's profile: the best
 * match among a few drawn from the severity's bucket. */
static const struct vec *
draw_vector(struct cli_history *h, enum sev s, const char *profile)
{
	size_t i, k, best = 0, idx;
	int score, best_score = -1;

	for (i = 0; i < 24; i++) {
		idx = h->bucket[s][below(&h->rng, h->nbucket[s])];
		for (score = 0, k = 0; k < 8; k++)
			score += h->vec[idx].m[k] == profile[k];
		if (score > best_score) {
			best_score = score;
			best = idx;
		}
	}
	return &h->vec[best];
}

static unsigned
popcount(unsigned x)
{
	unsigned n = 0;

	for (; x != 0; x &= x - 1)
		n++;
	return n;
}

/* Where a CWE usually sits. */
static unsigned
cwe_comps(const struct cwe_info *cw)
{
	return cw->comps != 0 ? cw->comps : classes[cw->cls].comps;
}

static enum comp
draw_component(struct cli_history *h, const struct product *pr,
    const struct cwe_info *cw)
{
	unsigned mask = pr->comps & cwe_comps(cw), k;
	int i;

	if (mask == 0)
		mask = pr->comps;
	k = (unsigned)below(&h->rng, popcount(mask));
	for (i = 0; i < C__MAX; i++)
		if ((mask & B(i)) && k-- == 0)
			return (enum comp)i;
	return C_PARSER;	/* not reached */
}

/* The post-mortem of a released case; *regress gets the number of the
 * case it is a regression of, or CLI_HISTORY_NONE. */
static struct store_postmortem *
postmortem(struct cli_history *h, struct arena *a,
    const struct store_history_case *hc, const struct product *pr,
    enum comp co, const struct cwe_info *cw, const struct subst *sb,
    enum chan ch, int reissued, time_t released, time_t at,
    size_t *regress)
{
	struct store_postmortem *pm;
	const struct cls_info *ci = &classes[cw->cls];
	const struct cand *target = NULL;
	char introduced[48];
	size_t pi;
	int dep, reg, minor;
	unsigned k;

	if ((pm = util_arena_zalloc(a, sizeof(*pm))) == NULL)
		return NULL;
	dep = chance(&h->rng, 0.06);
	reg = chance(&h->rng, 0.06);
	pi = pick(&h->rng, ci->practice, NPRACTICES);
	minor = pr->minor0;
	k = (unsigned)below(&h->rng, 4);
	if (chance(&h->rng, 0.65)) {
		int m = minor + (int)((released - (h->p.now - h->p.span)) /
		    (120 * DAY)) - (int)k - 1;
		snprintf(introduced, sizeof(introduced), "%d.%d.%u",
		    pr->major, m < 0 ? 0 : m, (unsigned)below(&h->rng, 7));
	} else
		snprintf(introduced, sizeof(introduced), "%012llx",
		    (unsigned long long)(next64(&h->rng) >> 16));
	pm->cwe = hc->cwe;
	pm->component = sb->c;
	pm->introduced_in = util_arena_strdup(a, introduced);
	pm->how_found = ch == CH_API ?
	    how_found_int[pick(&h->rng, how_found_int_w,
	    NELEM(how_found_int_w))] :
	    how_found_ext[pick(&h->rng, how_found_ext_w,
	    NELEM(how_found_ext_w))];
	pm->reissued = reissued;
	pm->author = ANY(&h->rng, engineers);
	pm->released_at = released;
	pm->created_at = pm->updated_at = at;
	pm->regression_of_tracking = "";
	/* A regression of an earlier case of the same product and
	 * component released before this one came in, preferably with the
	 * same weakness. */
	if (reg) {
		const struct ring *r = &h->rings[pr - products][co];
		unsigned j;

		for (j = 0; j < r->n; j++) {
			const struct cand *cd = &r->c[(r->next + RING - 1 - j) %
			    RING];
			if (cd->released >= hc->created_at)
				continue;
			if (target == NULL || (cd->cwe == cw->id &&
			    target->cwe != cw->id))
				target = cd;
		}
	}
	*regress = target != NULL ? target->no : CLI_HISTORY_NONE;
	if (target != NULL) {
		if (chance(&h->rng, 0.7))
			pi = P_TESTING;
	} else
		(void)chance(&h->rng, 0.7);
	if (dep)
		pi = P_DEPENDENCY;
	pm->practice = practices[pi];
	if (dep) {
		pm->root_cause = util_arena_printf(a, "The weakness (%s) was "
		    "in a bundled third-party library that had not been "
		    "updated after the upstream fix.", cw->name);
		pm->fix = "The bundled library was updated to the fixed "
		    "release.";
		pm->lessons = "Track bundled dependencies and their "
		    "advisories; update them within the SLA.";
		pm->tags = util_arena_printf(a, "%s, dependencies", ci->tags);
	} else {
		pm->root_cause = fill(a, cw->root, sb);
		pm->fix = fill(a, cw->fix, sb);
		pm->lessons = fill(a, cw->lessons, sb);
		pm->tags = ci->tags;
	}
	if (target != NULL) {
		pm->root_cause = util_arena_printf(a, "Regression of an "
		    "earlier case in the same component: %s", pm->root_cause);
		pm->lessons = util_arena_printf(a, "The earlier fix had no "
		    "regression test; the proof of concept of every fixed "
		    "case now goes into the suite. %s", pm->lessons);
		pm->tags = util_arena_printf(a, "%s, regression", pm->tags);
	}
	if (pm->introduced_in == NULL || pm->root_cause == NULL ||
	    pm->fix == NULL || pm->lessons == NULL || pm->tags == NULL)
		return NULL;
	return pm;
}

/* Makes case number h->made into *hc; *regress as for postmortem(). */
static int
one_case(struct cli_history *h, struct arena *a, struct store_history_case *hc,
    size_t *regress)
{
	struct rng *r = &h->rng;
	struct walk w;
	const struct product *pr;
	const struct cwe_info *cw;
	struct subst sb;
	enum chan ch;
	enum sev sv;
	enum comp co;
	char version[32];
	const char *analyst, *engineer, *tester, *manager, *first, *last;
	double x, u, aa = 0.7, bb = 0.6;
	time_t created, t, ready, rel = 0, sent = 0, answered = 0, acked;
	time_t closed = 0, pm_at = 0, start = h->p.now - h->p.span;
	int64_t sla;
	int rounds = 0, reissued = 0, reject, outcome = 0, reopen, months;
	size_t i, kept, ci;
	int minor, patch, k;

	/* When: the i-th of n slots, under a rising density. */
	u = ((double)h->made + unif(r)) / (double)h->p.n;
	x = (-aa + sqrt(aa * aa + 2.0 * bb * u)) / bb;
	created = start + (time_t)(x * (double)h->p.span);
	if (created >= h->p.now)
		created = h->p.now - 1;

	/* What. */
	ch = (enum chan)pick(r, chan_weights, CH__MAX);
	pr = &products[pick(r, h->prod_w, NPRODUCTS)];
	/* a weakness that has a place in this product */
	for (k = 0; k < 8; k++) {
		ci = pick(r, h->cwe_w[pr->kind], NCWES);
		if (pr->comps & cwe_comps(&cwes[ci]))
			break;
	}
	cw = &cwes[ci];
	co = draw_component(h, pr, cw);
	sv = (enum sev)pick(r, sev_weights, S__MAX);
	if (sv == S_NONE) {
		hc->cvss = "";
		hc->score = -1;
	} else {
		const struct vec *v = draw_vector(h, sv,
		    classes[cw->cls].profile);
		hc->cvss = util_arena_strdup(a, v->s);
		hc->score = v->score;
	}
	months = (int)((created - start) / (30 * DAY));
	minor = pr->minor0 + months / 4;
	patch = (int)below(r, 6);
	snprintf(version, sizeof(version), "%d.%d.%d", pr->major, minor,
	    patch);
	sb.w = comps[co].where[below(r, 4)];
	sb.c = comps[co].name;
	sb.p = pr->name;
	sb.v = version;
	hc->tracking_prefix = h->p.tracking_prefix;
	hc->channel = chan_names[ch];
	hc->severity = sev_names[sv];
	hc->cwe = util_arena_strdup(a, h->cwe_str[ci]);
	hc->product = pr->name;
	hc->versions = patch == 0 ? util_arena_strdup(a, version) :
	    util_arena_printf(a, "%d.%d.0 - %s", pr->major, minor, version);
	hc->title = util_arena_printf(a, "%c%s in %s",
	    cw->name[0] >= 'a' && cw->name[0] <= 'z' ? cw->name[0] - 32 :
	    cw->name[0], cw->name + 1, sb.w);
	hc->description = fill(a, cw->desc, &sb);
	if (chance(r, 0.08)) {
		hc->reporter_name = "";
		hc->reporter_email = util_arena_printf(a,
		    "anon-%06x@example.net", (unsigned)(next64(r) >> 40));
	} else {
		first = ANY(r, first_names);
		last = ANY(r, last_names);
		hc->reporter_name = util_arena_printf(a, "%s %s", first, last);
		hc->reporter_email = util_arena_printf(a, "%c%s.%c%s@example.net",
		    first[0] + 32, first + 1, last[0] + 32, last + 1);
	}
	switch (sv) {
	case S_CRIT: sla = h->p.sla_critical; break;
	case S_HIGH: sla = h->p.sla_high; break;
	case S_MED: sla = h->p.sla_medium; break;
	case S_LOW: sla = h->p.sla_low; break;
	default: sla = h->p.sla_triage; break;
	}
	hc->created_at = created;
	hc->due_at = created + (time_t)sla * DAY;
	analyst = ANY(r, analysts);
	engineer = ANY(r, engineers);
	tester = ANY(r, testers);
	manager = ANY(r, managers);

	/* How it went.  Every draw is made whatever the branch, so one
	 * case takes a varying but seed-determined number of draws. */
	memset(&w, 0, sizeof(w));
	w.state = ST_NEW;
	w.t = created;
	w.ev[0].at = created;
	w.ev[0].actor = "researcher";
	w.ev[0].from = "";
	w.ev[0].to = core_state_name(ST_NEW);
	w.ev[0].reason = "";
	w.n = 1;
	acked = created;
	if (ch == CH_EMAIL) {
		acked = created + lognorm(r, 2 * HOUR, 1.1);
		if (acked > created + 3 * DAY)
			acked = created + 3 * DAY;
	}
	reject = chance(r, p_reject[ch]);
	u = unif(r);
	outcome = u < 0.42 ? ST_REJECTED : u < 0.80 ? ST_DUPLICATE :
	    ST_NOT_REPRODUCIBLE;
	reopen = chance(r, 0.08);
	if (chance(r, p_clar[ch])) {
		rounds = 1;
		while (rounds < 5 && chance(r, p_clar_more[ch]))
			rounds++;
	}
	t = (ch == CH_EMAIL ? acked : created) + lognorm(r,
	    m_triage_start[sv] * (ch == CH_EMAIL ? 1.6 : 1.0), 0.8);
	if (reject && outcome != ST_NOT_REPRODUCIBLE &&
	    chance(r, outcome == ST_DUPLICATE ? 0.35 : 0.25)) {
		/* decided at once, from new */
		step(&w, (enum core_state)outcome, t, analyst, AN,
		    outcome == ST_REJECTED ? "Spam: not a security report." :
		    "Duplicate of an earlier report.");
		goto decided;
	}
	step(&w, ST_TRIAGE, t, analyst, AN, NULL);
	for (i = 0; i < (size_t)rounds; i++) {
		t = w.t + lognorm(r, 8 * HOUR, 0.8);
		step(&w, ST_NEEDS_INFO, t, analyst, AN, ANY(r, ask_reasons));
		if (reject && outcome != ST_DUPLICATE && i + 1 == (size_t)rounds
		    && chance(r, 0.5)) {
			/* the researcher never answered */
			t = w.t + lognorm(r, 21 * DAY, 0.3);
			step(&w, (enum core_state)outcome, t, analyst, AN,
			    outcome == ST_REJECTED ? "No answer from the "
			    "reporter after several weeks." : "No answer; not "
			    "reproducible with what we have.");
			goto decided;
		}
		t = w.t + lognorm(r, m_answer[ch], 0.9);
		step(&w, ST_TRIAGE, t, NULL, 0, NULL);
	}
	if (reject) {
		t = w.t + lognorm(r, m_confirm[sv], 0.7);
		step(&w, (enum core_state)outcome, t, analyst, AN,
		    outcome == ST_REJECTED ? ANY(r, reject_reasons) :
		    outcome == ST_DUPLICATE ? "Duplicate of an earlier report." :
		    "Not reproducible on any supported version with the "
		    "information given.");
	}
decided:
	if (reject) {
		if (!reopen)
			goto cut;
		t = w.t + lognorm(r, 10 * DAY, 0.7);
		step(&w, ST_TRIAGE, t, analyst, AN,
		    outcome == ST_REJECTED ? "Reopened: the reporter sent a "
		    "working proof of concept." : outcome == ST_DUPLICATE ?
		    "Not a duplicate: a different code path." :
		    "Reopened: reproduced with the reporter's new steps.");
	}
	step(&w, ST_CONFIRMED, w.t + lognorm(r, m_confirm[sv], 0.7), analyst,
	    AN, NULL);
	step(&w, ST_FIXING, w.t + lognorm(r, m_start_fix[sv], 0.8), engineer,
	    EN, NULL);
	t = w.t + lognorm(r, m_fix[sv], 0.7);
	for (;;) {
		int oob;

		step(&w, ST_TESTING, t, engineer, EN, NULL);
		t = w.t + lognorm(r, m_test[sv], 0.6);
		if (chance(r, 0.045) && reissued < 3) {
			step(&w, ST_FIXING, t, tester, TE,
			    ANY(r, test_fail_reasons));
			reissued++;
			t = w.t + lognorm(r, m_fix[sv] * 0.35, 0.7);
			continue;
		}
		step(&w, ST_VERIFYING, t, analyst, AN, NULL);
		sent = w.t + lognorm(r, 10 * MIN_, 0.5);
		answered = sent + lognorm(r, m_verify[sv], 0.9);
		if (chance(r, 0.022) && reissued < 3) {
			step(&w, ST_FIXING, answered, NULL, 0,
			    ANY(r, not_fixed_reasons));
			reissued++;
			t = w.t + lognorm(r, m_fix[sv] * 0.35, 0.7);
			continue;
		}
		if (chance(r, 0.10)) {
			/* no answer: the release manager waives */
			answered = 0;
			ready = sent + (time_t)h->p.verify_days * DAY +
			    lognorm(r, 4 * HOUR, 0.7);
		} else
			ready = answered + lognorm(r, 3 * HOUR, 0.7);
		step(&w, ST_READY, ready, manager, RM, NULL);
		oob = chance(r, p_oob[sv]);
		if (oob) {
			rel = oob_after(ready + lognorm(r, 1 * DAY, 0.4));
			t = ready + lognorm(r, 3 * HOUR, 0.7);
			if (t > rel - 600)
				t = rel - 600;
		} else {
			rel = window_after(h, ready + lead[sv]);
			t = ready + lognorm(r, 5 * HOUR, 0.8);
			if (t > rel - HOUR)
				t = rel - HOUR;
		}
		step(&w, ST_SCHEDULED, t, manager, RM, NULL);
		if (chance(r, 0.006) && reissued < 3) {
			t = w.t + lognorm(r, 1 * DAY, 0.7);
			if (t > rel - 60)
				t = rel - 60;
			step(&w, ST_FIXING, t, manager, RM,
			    ANY(r, pull_reasons));
			reissued++;
			t = w.t + lognorm(r, m_fix[sv] * 0.35, 0.7);
			continue;
		}
		step(&w, ST_RELEASED, rel, NULL, 0, NULL);
		break;
	}
	/* Not every released case is closed soon: 4% wait for their
	 * post-mortem for good. */
	if (chance(r, 0.96)) {
		closed = rel + 2 * HOUR + lognorm(r, 12 * DAY, 0.8);
		pm_at = closed - lognorm(r, 20 * HOUR, 0.8);
		if (pm_at < rel + HOUR)
			pm_at = rel + HOUR;
		step(&w, ST_CLOSED, closed, manager, RM, NULL);
	} else {
		pm_at = rel + lognorm(r, 15 * DAY, 0.8);
		if (chance(r, 0.5))
			pm_at = 0;
	}
	hc->pm = NULL;
	if (pm_at != 0 && pm_at <= h->p.now &&
	    (hc->pm = postmortem(h, a, hc, pr, co, cw, &sb, ch, reissued > 0,
	    rel, pm_at, regress)) == NULL)
		return -1;
	if (rel <= h->p.now) {
		struct ring *rg = &h->rings[pr - products][co];
		struct cand *cd = &rg->c[rg->next];

		cd->no = h->made;
		cd->released = rel;
		cd->cwe = cw->id;
		rg->next = (rg->next + 1) % RING;
		if (rg->n < RING)
			rg->n++;
	}
cut:
	/* Nothing after now. */
	for (kept = 0; kept < w.n && w.ev[kept].at <= h->p.now; kept++)
		;
	if (kept == 0)
		kept = 1;	/* created_at < now always */
	hc->state = w.ev[kept - 1].to;
	hc->acked_at = acked <= h->p.now ? acked : 0;
	if (sent != 0 && sent <= h->p.now) {
		hc->verify_sent = sent;
		hc->verify_answered = answered != 0 && answered <= h->p.now ?
		    answered : 0;
	} else
		hc->verify_sent = hc->verify_answered = 0;
	if (hc->cvss == NULL || hc->cwe == NULL || hc->versions == NULL ||
	    hc->title == NULL || hc->description == NULL ||
	    hc->reporter_name == NULL || hc->reporter_email == NULL ||
	    (hc->ev = util_arena_alloc(a, kept * sizeof(w.ev[0]))) == NULL)
		return -1;	/* the arena failed */
	memcpy((void *)hc->ev, w.ev, kept * sizeof(w.ev[0]));
	hc->nev = kept;
	return 0;
}

size_t
cli_history_next(struct cli_history *h, struct arena *a,
    struct store_history_case *out, size_t max, size_t *regress)
{
	size_t n = 0, reg;

	while (n < max && h->made < h->p.n) {
		memset(&out[n], 0, sizeof(out[n]));
		reg = CLI_HISTORY_NONE;
		if (one_case(h, a, &out[n], &reg) == -1)
			break;
		if (regress != NULL)
			regress[n] = reg;
		h->made++;
		n++;
	}
	return n;
}
