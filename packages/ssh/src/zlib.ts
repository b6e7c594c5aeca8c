// sshts/zlib: opt-in zlib compression (RFC 4253 §6.2, zlib@openssh.com), kept out of the main
// entry so that a bundle without it carries no zlib. Pass it in the options:
//   client.connect({ ..., compression: [zlibOpenSSH] });  new SSHServer({ ..., compression: [zlibOpenSSH] })
export { type CompressionAlgorithm, zlib, zlibOpenSSH } from '@sshts/transport/zlib';
