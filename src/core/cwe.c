/* core/cwe.c - see cwe.h.  Names are MITRE's, CWE list version 4.x. */
#include "cwe.h"

/* Sorted by id: core_cwe_find() searches it by halves. */
static const struct core_cwe cwes[] = {
	{ 20, "Improper Input Validation", 1 },
	{ 22, "Improper Limitation of a Pathname to a Restricted Directory "
	    "('Path Traversal')", 1 },
	{ 59, "Improper Link Resolution Before File Access "
	    "('Link Following')", 0 },
	{ 77, "Improper Neutralization of Special Elements used in a Command "
	    "('Command Injection')", 1 },
	{ 78, "Improper Neutralization of Special Elements used in an OS "
	    "Command ('OS Command Injection')", 1 },
	{ 79, "Improper Neutralization of Input During Web Page Generation "
	    "('Cross-site Scripting')", 1 },
	{ 89, "Improper Neutralization of Special Elements used in an SQL "
	    "Command ('SQL Injection')", 1 },
	{ 93, "Improper Neutralization of CRLF Sequences "
	    "('CRLF Injection')", 0 },
	{ 94, "Improper Control of Generation of Code ('Code Injection')", 1 },
	{ 113, "Improper Neutralization of CRLF Sequences in HTTP Headers "
	    "('HTTP Request/Response Splitting')", 0 },
	{ 117, "Improper Output Neutralization for Logs", 0 },
	{ 119, "Improper Restriction of Operations within the Bounds of a "
	    "Memory Buffer", 1 },
	{ 120, "Buffer Copy without Checking Size of Input "
	    "('Classic Buffer Overflow')", 0 },
	{ 121, "Stack-based Buffer Overflow", 0 },
	{ 122, "Heap-based Buffer Overflow", 0 },
	{ 124, "Buffer Underwrite ('Buffer Underflow')", 0 },
	{ 125, "Out-of-bounds Read", 1 },
	{ 126, "Buffer Over-read", 0 },
	{ 131, "Incorrect Calculation of Buffer Size", 0 },
	{ 134, "Use of Externally-Controlled Format String", 0 },
	{ 170, "Improper Null Termination", 0 },
	{ 190, "Integer Overflow or Wraparound", 1 },
	{ 191, "Integer Underflow (Wrap or Wraparound)", 0 },
	{ 200, "Exposure of Sensitive Information to an Unauthorized Actor",
	    1 },
	{ 203, "Observable Discrepancy", 0 },
	{ 208, "Observable Timing Discrepancy", 0 },
	{ 209, "Generation of Error Message Containing Sensitive "
	    "Information", 0 },
	{ 269, "Improper Privilege Management", 1 },
	{ 284, "Improper Access Control", 0 },
	{ 285, "Improper Authorization", 0 },
	{ 287, "Improper Authentication", 1 },
	{ 290, "Authentication Bypass by Spoofing", 0 },
	{ 295, "Improper Certificate Validation", 0 },
	{ 297, "Improper Validation of Certificate with Host Mismatch", 0 },
	{ 306, "Missing Authentication for Critical Function", 1 },
	{ 307, "Improper Restriction of Excessive Authentication Attempts", 0 },
	{ 311, "Missing Encryption of Sensitive Data", 0 },
	{ 312, "Cleartext Storage of Sensitive Information", 0 },
	{ 319, "Cleartext Transmission of Sensitive Information", 0 },
	{ 326, "Inadequate Encryption Strength", 0 },
	{ 327, "Use of a Broken or Risky Cryptographic Algorithm", 0 },
	{ 330, "Use of Insufficiently Random Values", 0 },
	{ 338, "Use of Cryptographically Weak Pseudo-Random Number Generator "
	    "(PRNG)", 0 },
	{ 345, "Insufficient Verification of Data Authenticity", 0 },
	{ 347, "Improper Verification of Cryptographic Signature", 0 },
	{ 352, "Cross-Site Request Forgery (CSRF)", 1 },
	{ 362, "Concurrent Execution using Shared Resource with Improper "
	    "Synchronization ('Race Condition')", 0 },
	{ 367, "Time-of-check Time-of-use (TOCTOU) Race Condition", 0 },
	{ 369, "Divide By Zero", 0 },
	{ 377, "Insecure Temporary File", 0 },
	{ 384, "Session Fixation", 0 },
	{ 400, "Uncontrolled Resource Consumption", 1 },
	{ 401, "Missing Release of Memory after Effective Lifetime", 0 },
	{ 415, "Double Free", 0 },
	{ 416, "Use After Free", 1 },
	{ 426, "Untrusted Search Path", 0 },
	{ 434, "Unrestricted Upload of File with Dangerous Type", 1 },
	{ 444, "Inconsistent Interpretation of HTTP Requests "
	    "('HTTP Request/Response Smuggling')", 0 },
	{ 457, "Use of Uninitialized Variable", 0 },
	{ 459, "Incomplete Cleanup", 0 },
	{ 476, "NULL Pointer Dereference", 1 },
	{ 494, "Download of Code Without Integrity Check", 0 },
	{ 502, "Deserialization of Untrusted Data", 1 },
	{ 521, "Weak Password Requirements", 0 },
	{ 522, "Insufficiently Protected Credentials", 0 },
	{ 532, "Insertion of Sensitive Information into Log File", 0 },
	{ 601, "URL Redirection to Untrusted Site ('Open Redirect')", 0 },
	{ 611, "Improper Restriction of XML External Entity Reference", 0 },
	{ 613, "Insufficient Session Expiration", 0 },
	{ 614, "Sensitive Cookie in HTTPS Session Without 'Secure' "
	    "Attribute", 0 },
	{ 617, "Reachable Assertion", 0 },
	{ 639, "Authorization Bypass Through User-Controlled Key", 0 },
	{ 640, "Weak Password Recovery Mechanism for Forgotten Password", 0 },
	{ 668, "Exposure of Resource to Wrong Sphere", 0 },
	{ 674, "Uncontrolled Recursion", 0 },
	{ 681, "Incorrect Conversion between Numeric Types", 0 },
	{ 704, "Incorrect Type Conversion or Cast", 0 },
	{ 732, "Incorrect Permission Assignment for Critical Resource", 0 },
	{ 754, "Improper Check for Unusual or Exceptional Conditions", 0 },
	{ 770, "Allocation of Resources Without Limits or Throttling", 0 },
	{ 772, "Missing Release of Resource after Effective Lifetime", 0 },
	{ 776, "Improper Restriction of Recursive Entity References in DTDs "
	    "('XML Entity Expansion')", 0 },
	{ 787, "Out-of-bounds Write", 1 },
	{ 798, "Use of Hard-coded Credentials", 1 },
	{ 823, "Use of Out-of-range Pointer Offset", 0 },
	{ 824, "Access of Uninitialized Pointer", 0 },
	{ 835, "Loop with Unreachable Exit Condition ('Infinite Loop')", 0 },
	{ 843, "Access of Resource Using Incompatible Type "
	    "('Type Confusion')", 0 },
	{ 862, "Missing Authorization", 1 },
	{ 863, "Incorrect Authorization", 1 },
	{ 908, "Use of Uninitialized Resource", 0 },
	{ 913, "Improper Control of Dynamically-Managed Code Resources", 0 },
	{ 915, "Improperly Controlled Modification of Dynamically-Determined "
	    "Object Attributes", 0 },
	{ 916, "Use of Password Hash With Insufficient Computational Effort",
	    0 },
	{ 918, "Server-Side Request Forgery (SSRF)", 1 },
	{ 943, "Improper Neutralization of Special Elements in Data Query "
	    "Logic", 0 },
	{ 1004, "Sensitive Cookie Without 'HttpOnly' Flag", 0 },
	{ 1021, "Improper Restriction of Rendered UI Layers or Frames", 0 },
	{ 1236, "Improper Neutralization of Formula Elements in a CSV File",
	    0 },
	{ 1321, "Improperly Controlled Modification of Object Prototype "
	    "Attributes ('Prototype Pollution')", 0 },
	{ 1333, "Inefficient Regular Expression Complexity", 0 },
	{ 1336, "Improper Neutralization of Special Elements Used in a "
	    "Template Engine", 0 },
};

/* The 2024 CWE Top 25, in rank order. */
static const int top25[25] = {
	79, 787, 89, 352, 22, 125, 78, 416, 862, 434, 94, 20, 77, 287, 269,
	502, 200, 863, 918, 119, 476, 798, 190, 400, 306
};

const struct core_cwe *
core_cwe_list(size_t *n)
{
	if (n != NULL)
		*n = sizeof(cwes) / sizeof(cwes[0]);
	return cwes;
}

const struct core_cwe *
core_cwe_find(int id)
{
	size_t lo = 0, hi = sizeof(cwes) / sizeof(cwes[0]), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cwes[mid].id == id)
			return &cwes[mid];
		if (cwes[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
core_cwe_parse(const char *s)
{
	int id = 0, nd = 0;

	if (s == NULL || s[0] != 'C' || s[1] != 'W' || s[2] != 'E' ||
	    s[3] != '-')
		return -1;
	s += 4;
	if (*s == '0')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++nd > 4)
			return -1;
		id = id * 10 + (*s - '0');
	}
	if (nd == 0 || *s != '\0')
		return -1;
	return id;
}

int
core_cwe_top25_rank(int id)
{
	size_t i;

	for (i = 0; i < sizeof(top25) / sizeof(top25[0]); i++)
		if (top25[i] == id)
			return (int)i + 1;
	return 0;
}
