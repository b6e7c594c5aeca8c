export const WAT_PATH: URL;
export const BYTES_PATH: URL;
export function poly1305WasmModuleSource(): Promise<string>;
