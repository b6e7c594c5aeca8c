#!/usr/bin/env bash
# Generates the OpenSSH certificate vectors in test-vectors/certificates/ with ssh-keygen (Debian
# openssh-client 9.2p1), never with sshts. For each case it makes a fresh CA and subject key, signs
# the subject with `ssh-keygen -s` (PROTOCOL.certkeys) and records the certificate line, both public
# keys, the exact signing command and `ssh-keygen -L` (run with TZ=UTC) as the expected fields.
# ssh-keygen -L also verifies the CA signature (sshkey.c cert_parse), so every file holds a valid
# certificate. Keys are random: each run writes new, equally valid files.
#
# Usage, from the repository root:  bash test-vectors/generators/certificates.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(dirname "$HERE")/certificates"
mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
export TZ=UTC
SOURCE="ssh-keygen from $(ssh -V 2>&1) (Debian openssh-client $(dpkg-query -W -f='${Version}' openssh-client))"

# name | CA ssh-keygen -t/-b | subject -t/-b | ssh-keygen -s options
CASES=(
  'ed25519-ca-rsa-user|-t ed25519|-t rsa -b 2048|-I alice@example.com -n alice,root -V 20200101:20400101 -z 4242 -O force-command=/usr/bin/uptime -O source-address=10.0.0.0/8,2001:db8::/32 -O no-pty -O extension:login@example.com=alice'
  'ecdsa384-ca-ed25519-host|-t ecdsa -b 384|-t ed25519|-h -I host.example.com -n host.example.com,192.0.2.10 -V always:forever -z 7'
  'rsa-sha256-ca-ecdsa256-user|-t rsa -b 2048|-t ecdsa -b 256|-t rsa-sha2-256 -I bob -n bob -V 20200101123000:20400101 -O verify-required'
)

for entry in "${CASES[@]}"; do
  IFS='|' read -r name ca_args sub_args sign_args <<<"$entry"
  # shellcheck disable=SC2086
  ssh-keygen -q $ca_args -N '' -C "ca-$name" -f "$TMP/ca-$name"
  # shellcheck disable=SC2086
  ssh-keygen -q $sub_args -N '' -C "subject-$name" -f "$TMP/subject-$name"
  command="ssh-keygen -s ca $sign_args subject.pub"
  # shellcheck disable=SC2086
  ssh-keygen -q -s "$TMP/ca-$name" $sign_args "$TMP/subject-$name.pub"
  listing="$(ssh-keygen -L -f "$TMP/subject-$name-cert.pub" | tail -n +2)"
  NAME="$name" SOURCE="$SOURCE" COMMAND="$command" LISTING="$listing" \
    CERT="$(cat "$TMP/subject-$name-cert.pub")" CA="$(cat "$TMP/ca-$name.pub")" SUBJECT="$(cat "$TMP/subject-$name.pub")" \
    /usr/bin/python3 -c '
import json, os
e = os.environ
print(json.dumps({"name": e["NAME"], "source": e["SOURCE"], "command": e["COMMAND"],
  "certificate": e["CERT"], "caPublicKey": e["CA"], "subjectPublicKey": e["SUBJECT"],
  "keygenListing": e["LISTING"]}, indent=2))' >"$OUT/$name.json"
  echo "wrote $OUT/$name.json"
done
