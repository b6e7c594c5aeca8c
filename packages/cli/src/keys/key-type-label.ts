// The short key type names OpenSSH prints in parentheses (sshkey_type(): "ED25519", "ECDSA", "RSA",
// and "-CERT" for a certificate), as in `ssh-keygen -l` and ssh's known_hosts warnings.

const CERTIFICATE_SUFFIX = '-cert-v01@openssh.com';

export function keyTypeLabel(type: string): string {
  if (type.endsWith(CERTIFICATE_SUFFIX))
    return `${keyTypeLabel(type.slice(0, -CERTIFICATE_SUFFIX.length))}-CERT`;
  if (type === 'ssh-ed25519') return 'ED25519';
  if (type.startsWith('ecdsa-sha2-')) return 'ECDSA';
  if (type === 'ssh-rsa') return 'RSA';
  return type.toUpperCase();
}
