#!/usr/bin/env bash
# Generates test-vectors/known-hosts/hashed.json with OpenSSH's ssh-keygen (Debian openssh-client
# 9.2p1), never with sshts: a plain known_hosts file (fresh ed25519 and ecdsa host keys, port 22 and
# non-22 names, a name list) and the same file after `ssh-keygen -H -f FILE`, plus which lines
# `ssh-keygen -F NAME -f HASHED` reports for a few names. Salts are random: every run differs.
#
# Usage, from the repository root:  bash test-vectors/generators/known_hosts.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(dirname "$HERE")/known-hosts"
mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
ssh-keygen -q -t ed25519 -N '' -f "$TMP/ed" && ssh-keygen -q -t ecdsa -b 256 -N '' -f "$TMP/ec"
ED="$(cut -d' ' -f1,2 "$TMP/ed.pub")"
EC="$(cut -d' ' -f1,2 "$TMP/ec.pub")"
printf '%s\n' "# plain" "alpha.example.com,192.0.2.1 $ED" "[beta.example.com]:2200 $EC" "gamma.example.com $EC" >"$TMP/kh"
cp "$TMP/kh" "$TMP/plain"
ssh-keygen -H -f "$TMP/kh" >/dev/null 2>&1
lookups=()
for name in alpha.example.com 192.0.2.1 '[beta.example.com]:2200' beta.example.com gamma.example.com delta.example.com; do
  lines="$( { ssh-keygen -F "$name" -f "$TMP/kh" || true; } | { grep -o "line [0-9]*" || true; } | cut -d" " -f2 | paste -sd, -)"
  lookups+=("$name=$lines")
done
PLAIN="$(cat "$TMP/plain")" HASHED="$(cat "$TMP/kh")" LOOKUPS="$(printf '%s\n' "${lookups[@]}")" \
  SOURCE="ssh-keygen from $(ssh -V 2>&1)" /usr/bin/python3 -c '
import json, os
e = os.environ
lookups = []
for line in e["LOOKUPS"].splitlines():
    name, _, found = line.rpartition("=")
    lookups.append({"name": name, "lines": [int(x) for x in found.split(",") if x]})
print(json.dumps({"source": e["SOURCE"], "command": "ssh-keygen -H -f known_hosts; ssh-keygen -F NAME -f known_hosts",
  "plain": e["PLAIN"] + "\n", "hashed": e["HASHED"] + "\n", "lookups": lookups}, indent=2))' >"$OUT/hashed.json"
echo "wrote $OUT/hashed.json"
