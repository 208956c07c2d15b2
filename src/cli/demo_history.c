/* cli/demo_history.c - see demo_history.h.
 *
 * One case at a time, in created_at order:
 *   - when: created_at = now - span + span * F^-1((i + u) / n), with a
 *     density rising from 0.7 to 1.3 over the span (more reports lately),
 *     so the times ascend whatever the batch size;
 *   - what: channel (web 60%, e-mail 30%, api 10%), product (weighted,
 *     eight), CWE (weighted by the product's kind, toward the Top 25),
 *     component (the CWE class's usual places within the product),
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
 * PR UI S C I A), where it usually sits, texts.  Placeholders: {w} the
 * place, {c} the component, {p} the product, {v} the version. */
static const struct cls_info {
	unsigned	 practice[NPRACTICES];
	const char	*profile;
	unsigned	 comps;
	const char	*tags;
	const char	*desc[2];
	const char	*root[3];
	const char	*fix[3];
	const char	*lessons[3];
} classes[CLS__MAX] = {
	[MEM] = { { 3, 12, 15, 50, 12, 3, 5 }, "NLNNUHHH",
	    B(C_PARSER) | B(C_TOKENIZER) | B(C_ENCODING) | B(C_HTTP) |
	    B(C_TUNNEL) | B(C_DHCP) | B(C_XPATH) | B(C_UPDATER),
	    "memory-safety, parsing",
	    { "A crafted input makes {w} in the {c} code of {p} {v} write or "
	      "read outside its buffer. Under ASan it is reported at once; "
	      "without it the process crashes or silently corrupts memory.",
	      "Sending a malformed message to {p} {v} triggers memory "
	      "corruption in {w}. The attached proof of concept crashes the "
	      "process; the overwrite looks controllable." },
	    { "{w} trusts a length taken from the input and copies that many "
	      "bytes into a fixed-size buffer.",
	      "An off-by-one in the bounds check of {w} lets the index reach "
	      "one past the end of the array.",
	      "{w} keeps a pointer into a buffer that is reallocated while it "
	      "is still in use." },
	    { "{w} now checks the length against the destination size before "
	      "copying and rejects oversized input.",
	      "The index is checked against the real element count; the "
	      "buffer handling moved to the bounded buffer helpers.",
	      "Ownership of the buffer was made explicit: the pointer is "
	      "refreshed after every reallocation." },
	    { "Run the {c} code under a fuzzer with ASan in CI; this input "
	      "shape would have been found in minutes.",
	      "Lengths read from input are untrusted: check them once, at the "
	      "boundary, with one helper.",
	      "Prefer bounded buffer APIs over raw memcpy in parsing code; "
	      "review every pointer that outlives a realloc." } },
	[XSS] = { { 10, 40, 25, 3, 15, 2, 5 }, "NLNRCLLN",
	    B(C_TEMPLATE) | B(C_WEBUI) | B(C_WEBVIEW) | B(C_API),
	    "output-encoding, templates",
	    { "{w} in {p} {v} reflects input into the page without escaping, "
	      "so a crafted link runs script in the victim's session.",
	      "A stored value shown in {w} of {p} {v} is not escaped. Any "
	      "user who opens the page runs the attacker's script." },
	    { "{w} inserts a user-supplied value into the page without HTML "
	      "escaping.",
	      "A field rendered in {w} is marked as safe HTML although it "
	      "comes from user input.",
	      "{w} builds a URL from input and puts it into an attribute "
	      "without checking its scheme." },
	    { "The value is now escaped by the template engine's default "
	      "escaping; the raw output helper was removed.",
	      "The field is rendered as text; a Content-Security-Policy "
	      "without inline script was added.",
	      "Only https: and relative URLs are accepted; everything else is "
	      "dropped." },
	    { "Never mark user input as safe HTML; review every unescaped "
	      "output in templates.",
	      "A strict Content-Security-Policy limits the damage of any "
	      "missed escaping.",
	      "Add the payload to the template tests so that the escaping "
	      "cannot regress." } },
	[INJ] = { { 8, 35, 35, 5, 12, 1, 4 }, "NLLNUHHH",
	    B(C_STORAGE) | B(C_TEMPLATE) | B(C_API) | B(C_WEBUI) |
	    B(C_PARSER) | B(C_XPATH) | B(C_UPDATER) | B(C_DHCP),
	    "injection, input-validation",
	    { "A parameter of {w} in {p} {v} reaches a query or command "
	      "unescaped, so an attacker can run their own.",
	      "In {p} {v}, {w} lets an authenticated user inject commands "
	      "through a crafted value." },
	    { "{w} builds a query by concatenating a request parameter into "
	      "the statement text.",
	      "{w} passes a user-controlled value to a shell command line.",
	      "{w} evaluates an expression assembled from input." },
	    { "The statement uses bound parameters; the string concatenation "
	      "was removed.",
	      "The command is run with an argument vector, without a shell, "
	      "and the value is checked against an allow list.",
	      "Input is parsed into a fixed structure instead of being "
	      "evaluated." },
	    { "Use parameterised queries everywhere; a static analysis rule "
	      "now flags string-built SQL.",
	      "Never hand input to a shell; use execve-style calls with "
	      "argument vectors.",
	      "Taint checks in static analysis would have followed the value "
	      "from the request to the sink." } },
	[ACCESS] = { { 40, 30, 5, 0, 20, 0, 5 }, "NLLNUHHN",
	    B(C_API) | B(C_AUTH) | B(C_BILLING) | B(C_STORAGE) | B(C_WEBUI) |
	    B(C_SESSION) | B(C_SYNC),
	    "authorization, access-control",
	    { "A user of {p} {v} can read or change other users' data "
	      "through {w} by changing an identifier in the request.",
	      "{w} in {p} {v} is reachable without the required role, which "
	      "gives any signed-in user administrative actions." },
	    { "{w} checks that the user is signed in but not that they own "
	      "the object they ask for.",
	      "The authorization check of {w} is done in the page, not in "
	      "the API it calls.",
	      "{w} takes the account id from the request instead of the "
	      "session." },
	    { "Every request to {w} now goes through the central "
	      "authorization check with the object's owner.",
	      "The check moved into the API handler; the page no longer "
	      "decides.",
	      "The account is taken from the session; the request parameter "
	      "is ignored." },
	    { "Design reviews must list, for every endpoint, who may call it "
	      "and on which objects.",
	      "Authorization belongs in one central place; tests should call "
	      "every endpoint as the wrong user.",
	      "Never trust identifiers from the client for ownership "
	      "decisions." } },
	[AUTH] = { { 40, 30, 5, 0, 15, 0, 10 }, "NLNNUHHN",
	    B(C_AUTH) | B(C_SESSION) | B(C_WEBUI) | B(C_API) | B(C_TUNNEL),
	    "authentication, sessions",
	    { "An attacker can sign in to {p} {v} as another user through a "
	      "flaw in {w}.",
	      "{w} in {p} {v} lets an unauthenticated attacker reach "
	      "functions that need a login." },
	    { "{w} accepts a token whose signature was not checked when its "
	      "algorithm field says none.",
	      "{w} compares the password with a check that returns early on "
	      "an empty value.",
	      "A default account with a fixed password ships enabled in "
	      "{w}." },
	    { "Tokens are verified with the expected algorithm only; unsigned "
	      "tokens are rejected.",
	      "The comparison is constant-time and empty credentials are "
	      "refused before it.",
	      "The default account was removed; a password is set at first "
	      "start." },
	    { "Authentication code gets a second reviewer and a design review "
	      "of every bypass path.",
	      "Negative tests (empty, expired, unsigned credentials) belong in "
	      "the suite.",
	      "Ship no credentials in images; check for them in the "
	      "build." } },
	[CRYPTO] = { { 40, 25, 15, 0, 10, 5, 5 }, "NHNNUHHN",
	    B(C_CRYPTO) | B(C_TUNNEL) | B(C_UPDATER) | B(C_SYNC) |
	    B(C_SESSION) | B(C_AUTH),
	    "cryptography, tls",
	    { "{w} in {p} {v} lets a network attacker read or change traffic "
	      "that should be protected.",
	      "Secrets protected by {w} in {p} {v} can be recovered by an "
	      "attacker with modest effort." },
	    { "{w} does not verify the peer certificate's host name.",
	      "{w} uses a key derived with a fast hash and a fixed salt.",
	      "{w} draws session secrets from a non-cryptographic random "
	      "generator." },
	    { "Host names are verified against the certificate; the check "
	      "cannot be turned off in production builds.",
	      "Keys are derived with Argon2id and a random salt per secret.",
	      "Secrets come from the operating system's CSPRNG." },
	    { "Use the platform's high-level crypto APIs; a design review "
	      "should reject home-made protocols.",
	      "Test TLS clients against a server whose certificate names "
	      "another host.",
	      "Keep a list of allowed primitives and check new code against "
	      "it." } },
	[RES] = { { 15, 15, 5, 30, 30, 0, 5 }, "NLNNUNNH",
	    B(C_PARSER) | B(C_HTTP) | B(C_API) | B(C_XPATH) | B(C_TOKENIZER) |
	    B(C_TUNNEL),
	    "denial-of-service, resource-limits",
	    { "A small request makes {w} in {p} {v} consume all memory or "
	      "CPU, so the service stops answering.",
	      "{p} {v} hangs when {w} handles a crafted input; a few requests "
	      "take it down." },
	    { "{w} allocates memory proportional to a size field in the input "
	      "without a limit.",
	      "A crafted input makes {w} recurse or loop without bound.",
	      "{w} uses a regular expression with nested quantifiers on user "
	      "input." },
	    { "A configurable limit caps the size; larger inputs are rejected "
	      "early.",
	      "The recursion depth is bounded and loops check their "
	      "progress.",
	      "The expression was rewritten without backtracking; input "
	      "length is capped." },
	    { "Every parser needs limits on size, depth and time; fuzzing "
	      "with a timeout finds the rest.",
	      "Load tests should include hostile inputs, not only many normal "
	      "ones.",
	      "Review regular expressions on input for catastrophic "
	      "backtracking." } },
	[PATH] = { { 15, 35, 25, 3, 17, 0, 5 }, "NLLNUHNN",
	    B(C_UPLOAD) | B(C_STORAGE) | B(C_UPDATER) | B(C_WEBUI) | B(C_API),
	    "file-handling, input-validation",
	    { "{w} in {p} {v} lets an attacker read or write files outside "
	      "the intended directory.",
	      "Through {w}, a user of {p} {v} can place a file where the "
	      "server will execute or serve it." },
	    { "{w} joins a user-supplied name to a base directory without "
	      "rejecting '..' components.",
	      "{w} accepts any file type and stores it inside the web root.",
	      "{w} follows symbolic links when it writes into a shared "
	      "directory." },
	    { "Names are reduced to a safe base name and opened relative to "
	      "the directory with O_NOFOLLOW.",
	      "Uploads are stored outside the web root under random names, "
	      "with an allow list of types.",
	      "Files are created with O_EXCL | O_NOFOLLOW in a private "
	      "directory." },
	    { "Treat every path from the outside as hostile; use one helper "
	      "that resolves and checks it.",
	      "Static analysis rules for path joins would have flagged "
	      "this.",
	      "Tests should try '..', absolute paths and links for every file "
	      "operation." } },
	[DATA] = { { 25, 25, 15, 5, 15, 10, 5 }, "NLNNUHNN",
	    B(C_API) | B(C_WEBHOOKS) | B(C_STORAGE) | B(C_HTTP) | B(C_SYNC) |
	    B(C_SESSION),
	    "input-validation, data-exposure",
	    { "{w} in {p} {v} exposes data or internal services that an "
	      "outside user should not reach.",
	      "An attacker can make {p} {v} process crafted data in {w} with "
	      "effects far beyond the request." },
	    { "{w} returns internal fields, including secrets, in its "
	      "response.",
	      "{w} deserializes objects of any type from the request.",
	      "{w} fetches a URL given by the user from the server's "
	      "network." },
	    { "Responses are built from an explicit list of public fields.",
	      "Only a fixed set of plain data types is accepted; the generic "
	      "deserializer was removed.",
	      "Outgoing requests go through a proxy that blocks internal "
	      "addresses." },
	    { "Decide in the design which fields leave the service; test "
	      "responses against that list.",
	      "Never deserialize untrusted data into arbitrary types; keep "
	      "dependencies current.",
	      "Review every feature that makes the server fetch something on "
	      "a user's behalf." } },
};

/* Weights per product kind: native, web, device, mobile. */
static const struct cwe_info {
	int		 id;
	const char	*name;		/* for titles */
	enum cls	 cls;
	unsigned char	 w[K__MAX];
} cwes[] = {
	{ 787, "out-of-bounds write", MEM, { 18, 0, 10, 2 } },
	{ 125, "out-of-bounds read", MEM, { 14, 0, 6, 2 } },
	{ 416, "use after free", MEM, { 10, 0, 4, 2 } },
	{ 190, "integer overflow", MEM, { 8, 1, 3, 1 } },
	{ 476, "NULL pointer dereference", MEM, { 7, 0, 4, 2 } },
	{ 119, "memory corruption", MEM, { 5, 0, 3, 0 } },
	{ 122, "heap buffer overflow", MEM, { 6, 0, 3, 0 } },
	{ 121, "stack buffer overflow", MEM, { 4, 0, 4, 0 } },
	{ 415, "double free", MEM, { 3, 0, 1, 0 } },
	{ 134, "format string vulnerability", MEM, { 2, 0, 1, 0 } },
	{ 79, "cross-site scripting", XSS, { 0, 20, 4, 2 } },
	{ 89, "SQL injection", INJ, { 0, 10, 1, 1 } },
	{ 78, "OS command injection", INJ, { 1, 2, 10, 0 } },
	{ 77, "command injection", INJ, { 1, 1, 3, 0 } },
	{ 94, "code injection", INJ, { 0, 3, 1, 0 } },
	{ 1336, "server-side template injection", INJ, { 0, 2, 0, 0 } },
	{ 611, "XML external entity injection", INJ, { 3, 2, 0, 0 } },
	{ 93, "CRLF injection", INJ, { 0, 2, 1, 0 } },
	{ 862, "missing authorization", ACCESS, { 0, 9, 3, 2 } },
	{ 863, "incorrect authorization", ACCESS, { 0, 7, 2, 2 } },
	{ 639, "insecure direct object reference", ACCESS, { 0, 5, 0, 2 } },
	{ 269, "privilege escalation", ACCESS, { 2, 2, 3, 1 } },
	{ 352, "cross-site request forgery", ACCESS, { 0, 7, 5, 0 } },
	{ 287, "authentication bypass", AUTH, { 0, 6, 5, 2 } },
	{ 306, "missing authentication", AUTH, { 0, 3, 4, 1 } },
	{ 798, "hard-coded credentials", AUTH, { 1, 1, 4, 2 } },
	{ 384, "session fixation", AUTH, { 0, 2, 0, 0 } },
	{ 613, "insufficient session expiration", AUTH, { 0, 2, 0, 2 } },
	{ 307, "missing brute-force protection", AUTH, { 0, 2, 2, 1 } },
	{ 295, "improper certificate validation", CRYPTO, { 2, 1, 2, 4 } },
	{ 327, "broken cryptographic algorithm", CRYPTO, { 1, 1, 2, 2 } },
	{ 330, "predictable random values", CRYPTO, { 1, 1, 1, 1 } },
	{ 347, "missing signature verification", CRYPTO, { 1, 0, 3, 1 } },
	{ 312, "cleartext storage of secrets", CRYPTO, { 0, 1, 1, 4 } },
	{ 319, "cleartext transmission of secrets", CRYPTO, { 0, 1, 2, 2 } },
	{ 400, "uncontrolled resource consumption", RES, { 5, 2, 3, 0 } },
	{ 770, "unbounded allocation", RES, { 3, 1, 1, 0 } },
	{ 1333, "regular expression denial of service", RES, { 0, 2, 0, 0 } },
	{ 835, "infinite loop", RES, { 3, 0, 1, 0 } },
	{ 674, "uncontrolled recursion", RES, { 3, 1, 0, 0 } },
	{ 776, "XML entity expansion", RES, { 3, 1, 0, 0 } },
	{ 362, "race condition", RES, { 2, 1, 2, 1 } },
	{ 401, "memory leak", RES, { 3, 0, 2, 1 } },
	{ 22, "path traversal", PATH, { 3, 6, 4, 1 } },
	{ 434, "unrestricted file upload", PATH, { 0, 5, 1, 0 } },
	{ 59, "symbolic link following", PATH, { 2, 0, 2, 0 } },
	{ 732, "insecure file permissions", PATH, { 1, 0, 2, 2 } },
	{ 377, "insecure temporary file", PATH, { 1, 0, 0, 0 } },
	{ 502, "unsafe deserialization", DATA, { 1, 4, 0, 1 } },
	{ 918, "server-side request forgery", DATA, { 0, 5, 1, 0 } },
	{ 200, "information disclosure", DATA, { 1, 5, 3, 3 } },
	{ 209, "verbose error messages", DATA, { 0, 2, 1, 0 } },
	{ 532, "secrets in log files", DATA, { 0, 2, 1, 2 } },
	{ 601, "open redirect", DATA, { 0, 3, 0, 1 } },
	{ 20, "improper input validation", DATA, { 4, 3, 3, 1 } },
	{ 1321, "prototype pollution", DATA, { 0, 2, 0, 0 } },
	{ 915, "mass assignment", DATA, { 0, 2, 0, 0 } },
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

/* tmpl with {w} {c} {p} {v} replaced, from the arena; a sentence
 * that starts with "the " gets its capital. */
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
	if (strncmp(buf, "the ", 4) == 0)
		buf[0] = 'T';
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

static enum comp
draw_component(struct cli_history *h, const struct product *pr,
    enum cls c)
{
	unsigned mask = pr->comps & classes[c].comps, k;
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
	size_t pi, ti;
	int dep, reg, minor;
	unsigned k;

	if ((pm = util_arena_zalloc(a, sizeof(*pm))) == NULL)
		return NULL;
	dep = chance(&h->rng, 0.06);
	reg = chance(&h->rng, 0.06);
	pi = pick(&h->rng, ci->practice, NPRACTICES);
	ti = below(&h->rng, 3);
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
		pm->root_cause = "The flaw was in a bundled third-party library "
		    "that had not been updated after the upstream fix.";
		pm->fix = "The bundled library was updated to the fixed "
		    "release.";
		pm->lessons = "Track bundled dependencies and their "
		    "advisories; update them within the SLA.";
		pm->tags = util_arena_printf(a, "%s, dependencies", ci->tags);
	} else {
		pm->root_cause = fill(a, ci->root[ti], sb);
		pm->fix = fill(a, ci->fix[ti], sb);
		pm->lessons = fill(a, ci->lessons[ti], sb);
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
		if (pr->comps & classes[cwes[ci].cls].comps)
			break;
	}
	cw = &cwes[ci];
	co = draw_component(h, pr, cw->cls);
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
	hc->description = fill(a, classes[cw->cls].desc[below(r, 2)], &sb);
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
