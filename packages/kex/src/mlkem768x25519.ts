// mlkem768x25519-sha256 (draft-ietf-sshm-mlkem-hybrid-kex; OpenSSH ≥ 9.9): ML-KEM-768 (FIPS 203,
// from @noble/post-quantum) with X25519. The server's encapsulation rejects a malformed
// encapsulation key (FIPS 203 §7.2 input checks), which the method turns into KEY_EXCHANGE_FAILED.
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { hybridKemMethod, type Kem } from './hybrid-kem-method.js';

const ML_KEM_768_PUBLIC_KEY_BYTES = 1184;
const ML_KEM_768_CIPHERTEXT_BYTES = 1088;

export const mlkem768Kem: Kem = {
  name: 'ML-KEM-768',
  publicKeyBytes: ML_KEM_768_PUBLIC_KEY_BYTES,
  cipherTextBytes: ML_KEM_768_CIPHERTEXT_BYTES,
  keyPair: (randomBytes) => ml_kem768.keygen(randomBytes(64)),
  encapsulate: (publicKey, randomBytes) => ml_kem768.encapsulate(publicKey, randomBytes(32)),
  decapsulate: (cipherText, secretKey) => ml_kem768.decapsulate(cipherText, secretKey),
};

export const mlkem768x25519Sha256 = hybridKemMethod({
  name: 'mlkem768x25519-sha256',
  hash: 'sha256',
  kem: mlkem768Kem,
});
