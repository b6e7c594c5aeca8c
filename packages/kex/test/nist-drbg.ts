// The NIST PQC KAT random source (rng.c of the NIST submission kit, SP 800-90A CTR_DRBG with
// AES-256, no derivation function, no prediction resistance): what PQCgenKAT_kem and liboqs's
// kat_kem feed the KEMs. AES from @noble/ciphers; the DRBG logic is written from SP 800-90A §10.2.
import { ecb } from '@noble/ciphers/aes.js';

export class NistKatDrbg {
  #key = new Uint8Array(32);
  #v = new Uint8Array(16);

  /** randombytes_init(entropy_input, NULL, 256): 48 bytes of seed material. */
  constructor(entropy: Uint8Array) {
    if (entropy.length !== 48) throw new RangeError('the KAT DRBG takes 48 bytes of entropy');
    this.#update(entropy);
  }

  #incrementV(): void {
    for (let j = 15; j >= 0; j--) {
      this.#v[j] = (this.#v[j]! + 1) & 0xff;
      if (this.#v[j] !== 0) break;
    }
  }

  #block(): Uint8Array {
    this.#incrementV();
    return ecb(this.#key, { disablePadding: true }).encrypt(this.#v);
  }

  /** CTR_DRBG_Update: 48 bytes of keystream, XORed with `provided` when given, become Key ‖ V. */
  #update(provided?: Uint8Array): void {
    const temp = new Uint8Array(48);
    for (let i = 0; i < 3; i++) temp.set(this.#block(), 16 * i);
    if (provided) for (let i = 0; i < 48; i++) temp[i]! ^= provided[i]!;
    this.#key = temp.slice(0, 32);
    this.#v = temp.slice(32, 48);
  }

  /** randombytes(x, n): whole blocks of keystream, then one Update with no input. */
  randomBytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let at = 0; at < n; at += 16) out.set(this.#block().subarray(0, Math.min(16, n - at)), at);
    this.#update();
    return out;
  }
}
