#!/usr/bin/env bash
# Generates the public-key test vectors in test-vectors/keys/ with OpenSSH's ssh-keygen (Debian
# openssh-client 9.2p1), never with sshts. For every key type sshts verifies (ssh-ed25519,
# ecdsa-sha2-nistp256/384/521, ssh-rsa 2048/3072/4096) it:
#
#   1. makes a fresh key pair in a temporary directory     ssh-keygen -q -t TYPE [-b BITS] -N '' -C COMMENT -f KEY
#   2. signs a fixed message as SSHSIG (PROTOCOL.sshsig)   ssh-keygen -Y sign -n test-namespace -f KEY MESSAGE
#      once with the default hash (sha512) and once with   ssh-keygen -Y sign -n test-namespace -O hashalg=sha256 -f KEY MESSAGE
#   3. checks each signature with OpenSSH itself           ssh-keygen -Y verify -f ALLOWED -I ID -n test-namespace -s SIG < MESSAGE
#   4. records the fingerprints                            ssh-keygen -lf KEY.pub ; ssh-keygen -l -E md5 -f KEY.pub
#
# and writes one JSON file per key, openssh-<name>.json. For the RSA keys it then runs
# rsa_signatures.py (Debian's /usr/bin/python3 with paramiko 2.12.0 and AsyncSSH 2.10.1), which adds
# rsa-sha2-256, rsa-sha2-512 and ssh-rsa signatures made by those libraries, plus one paramiko
# signature whose first byte is 0x00 (to test left-padding of short signatures).
#
# The keys are random (and OpenSSL's ECDSA signing uses random nonces), so every run produces new,
# equally valid files. The private keys are thrown away with the temporary directory.
#
# Usage, from the repository root:  bash test-vectors/generators/keys.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(dirname "$HERE")/keys"
mkdir -p "$OUT"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

NAMESPACE='test-namespace'
MESSAGE='sshts public-key test vector: the quick brown fox jumps over the lazy dog'
printf '%s' "$MESSAGE" >"$TMP/message" # no trailing newline: the signed bytes are exactly MESSAGE

OPENSSH_VERSION="$(ssh -V 2>&1)"
OPENSSH_DEB="$(dpkg-query -W -f='${Version}' openssh-client)"
SOURCE="ssh-keygen from ${OPENSSH_VERSION} (Debian openssh-client ${OPENSSH_DEB})"

# name  ssh-keygen-type  bits  comment
KEYS=(
  'ed25519    ed25519  -     vector-ed25519@sshts'
  'ecdsa-256  ecdsa    256   vector-ecdsa-256@sshts'
  'ecdsa-384  ecdsa    384   vector-ecdsa-384@sshts'
  'ecdsa-521  ecdsa    521   vector-ecdsa-521@sshts'
  'rsa-2048   rsa      2048  vector-rsa-2048@sshts'
  'rsa-3072   rsa      3072  vector rsa 3072 with spaces'
  'rsa-4096   rsa      4096  vector-rsa-4096@sshts'
)

for spec in "${KEYS[@]}"; do
  read -r name type bits comment <<<"$spec"
  key="$TMP/$name"
  bits_arg=()
  [[ "$bits" != '-' ]] && bits_arg=(-b "$bits")
  ssh-keygen -q -t "$type" "${bits_arg[@]}" -N '' -C "$comment" -f "$key"
  gen_cmd="ssh-keygen -q -t $type ${bits_arg[*]:+${bits_arg[*]} }-N '' -C '$comment' -f KEY"

  printf '%s %s\n' "vector@sshts" "$(cat "$key.pub")" >"$TMP/allowed_signers"

  sigs='[]'
  for hashalg in sha512 sha256; do
    opt=()
    [[ "$hashalg" != sha512 ]] && opt=(-O "hashalg=$hashalg")
    cp "$TMP/message" "$TMP/msg-$name-$hashalg"
    ssh-keygen -q -Y sign -n "$NAMESPACE" "${opt[@]}" -f "$key" "$TMP/msg-$name-$hashalg" 2>/dev/null
    sig="$TMP/msg-$name-$hashalg.sig"
    # OpenSSH must accept its own signature, or the vector is useless.
    ssh-keygen -Y verify -f "$TMP/allowed_signers" -I vector@sshts -n "$NAMESPACE" -s "$sig" \
      <"$TMP/message" >/dev/null
    sign_cmd="ssh-keygen -Y sign -n $NAMESPACE ${opt[*]:+${opt[*]} }-f KEY MESSAGE"
    sigs="$(jq -c --arg h "$hashalg" --arg cmd "$sign_cmd" --rawfile armored "$sig" \
      '. + [{hashAlgorithm: $h, command: $cmd, armored: $armored}]' <<<"$sigs")"
  done

  l_sha256="$(ssh-keygen -lf "$key.pub")"
  l_md5="$(ssh-keygen -l -E md5 -f "$key.pub")"

  jq -n \
    --arg source "$SOURCE" \
    --arg name "$name" \
    --arg gen "$gen_cmd" \
    --rawfile pub "$key.pub" \
    --arg comment "$comment" \
    --arg lsha "$l_sha256" \
    --arg lmd5 "$l_md5" \
    --arg message "$MESSAGE" \
    --arg ns "$NAMESPACE" \
    --argjson sigs "$sigs" \
    '{
      source: $source,
      generator: "test-vectors/generators/keys.sh",
      command: "bash test-vectors/generators/keys.sh",
      name: $name,
      keyCommand: $gen,
      keyType: ($pub | split(" ")[0]),
      publicKey: ($pub | rtrimstr("\n")),
      comment: $comment,
      bits: ($lsha | split(" ")[0] | tonumber),
      fingerprintSha256: ($lsha | split(" ")[1]),
      fingerprintMd5: ($lmd5 | split(" ")[1]),
      fingerprintCommands: {
        "ssh-keygen -lf KEY.pub": $lsha,
        "ssh-keygen -l -E md5 -f KEY.pub": $lmd5
      },
      sshsig: {
        format: "PROTOCOL.sshsig (OpenSSH 9.2)",
        message: $message,
        namespace: $ns,
        verifiedWith: "ssh-keygen -Y verify -f ALLOWED_SIGNERS -I vector@sshts -n \($ns) -s SIG < MESSAGE",
        signatures: $sigs
      }
    }' >"$OUT/openssh-$name.json"

  if [[ "$type" == rsa ]]; then
    /usr/bin/python3 "$HERE/rsa_signatures.py" "$key" "$OUT/openssh-$name.json" "$MESSAGE"
  fi
  echo "wrote $OUT/openssh-$name.json"
done
