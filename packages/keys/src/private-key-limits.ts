// Limits for private key files (ARCHITECTURE.md principle 7: bounded before allocating or
// computing). A key file is read from disk or given by the application, but may still come from
// an untrusted place (a user upload, a shared directory), so its cost to us is bounded too.

/**
 * Largest private key file accepted, in bytes (text or binary). An openssh-key-v1 file with a
 * 16384-bit RSA key is about 12 KB; PuTTY and PEM files are of the same order.
 */
export const MAX_PRIVATE_KEY_FILE_BYTES = 256 * 1024;

/**
 * Most bcrypt_pbkdf rounds accepted when reading an openssh-key-v1 file. OpenSSH reads any uint32
 * (`ssh-keygen -a`, default 16), so a crafted file could ask for 2^32 rounds — days of CPU — before
 * the wrong-passphrase check can fail. The cost is linear: 16 rounds for an aes256-ctr key take
 * ~170 ms here (ssh-keygen: ~125 ms), so 1024 rounds — 64 × the default and 10 × the "-a 100" that
 * hardening guides recommend — is ~11 s, an upper bound on what one file can cost us. Files asking
 * for more are refused with KeyFormatError; parseOpenSSHPrivateKey's `maxRounds` raises the limit.
 */
export const MAX_BCRYPT_ROUNDS = 1024;

/** Longest KDF salt accepted in a key file, in bytes (OpenSSH writes 16; bcrypt_pbkdf allows 2^20). */
export const MAX_KDF_SALT_BYTES = 1024;
