// The SFTP pane: lists a remote folder, uploads a file picked with <input type=file> (read in the
// page as a stream, File.stream()), downloads a file into a Blob handed to the browser through an
// object URL. Both show their progress (progress.ts).
import type { DirEntry, SFTPClient } from 'sshts';
import { formatBytes, startProgress } from './progress.js';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;

/** `dir/name` without doubling the slash at the root. */
function join(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

/** Uploads `file` to `remote`, reading it in the page (never sent anywhere but the SSH channel). */
export async function uploadFile(sftp: SFTPClient, file: File, remote: string): Promise<void> {
  const progress = startProgress('Uploading', file.name, file.size);
  try {
    await sftp.upload(file.stream(), remote, { onProgress: (done) => progress.update(done) });
    progress.finish(file.size);
  } catch (error) {
    progress.fail(error);
    throw error;
  }
}

/** Downloads `remote` into a Blob and offers it to the browser as `name`. */
export async function downloadFile(sftp: SFTPClient, remote: string, name: string): Promise<void> {
  const progress = startProgress('Downloading', name);
  try {
    progress.setTotal((await sftp.stat(remote)).size ?? 0);
    const parts: Uint8Array[] = [];
    let done = 0;
    // A reader rather than for-await: Safari's ReadableStream is not async-iterable.
    const reader = sftp.createReadStream(remote).getReader();
    for (;;) {
      const { done: end, value } = await reader.read();
      if (end) break;
      parts.push(value);
      done += value.length;
      progress.update(done);
    }
    const blob = new Blob(parts as BlobPart[], { type: 'application/octet-stream' });
    progress.finish(done);
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    // The download has taken its copy once click() returns; give it a moment all the same.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    progress.fail(error);
    throw error;
  }
}

export class SftpPane {
  #sftp: SFTPClient | undefined;
  #cwd = '.';
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
    $('#list-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.list($<HTMLInputElement>('#sftp-path').value).catch(this.#onError);
    });
    $('#upload').addEventListener('click', () => void this.#upload().catch(this.#onError));
  }

  async attach(sftp: SFTPClient): Promise<void> {
    this.#sftp = sftp;
    this.#enable(true);
    await this.list(await sftp.realpath('.'));
  }

  detach(): void {
    this.#sftp = undefined;
    this.#enable(false);
    $('#listing tbody').replaceChildren();
  }

  #enable(on: boolean): void {
    for (const id of ['#sftp-path', '#sftp-list', '#upload-file', '#upload'])
      $<HTMLInputElement | HTMLButtonElement>(id).disabled = !on;
  }

  async list(path: string): Promise<void> {
    const sftp = this.#sftp;
    if (!sftp) return;
    const dir = await sftp.realpath(path || '.');
    const entries = await sftp.readdir(dir);
    this.#cwd = dir;
    $<HTMLInputElement>('#sftp-path').value = dir;
    const rows = entries
      .filter((e) => e.filename !== '.' && e.filename !== '..')
      .sort(
        (a, b) =>
          Number(b.attrs.isDirectory()) - Number(a.attrs.isDirectory()) ||
          a.filename.localeCompare(b.filename),
      )
      .map((entry) => this.#row(entry));
    if (dir !== '/') rows.unshift(this.#row({ filename: '..' }));
    $('#listing tbody').replaceChildren(...rows);
  }

  #row(entry: Pick<DirEntry, 'filename'> & { attrs?: DirEntry['attrs'] }): HTMLTableRowElement {
    const row = document.createElement('tr');
    const isDir = entry.attrs === undefined || entry.attrs.isDirectory();
    row.dataset.name = entry.filename;
    row.className = isDir ? 'dir' : 'file';
    const name = document.createElement('td');
    const size = document.createElement('td');
    size.className = 'size';
    const action = document.createElement('td');
    const path = join(this.#cwd, entry.filename);
    if (isDir) {
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'link';
      open.textContent = `${entry.filename}/`;
      open.addEventListener('click', () => void this.list(path).catch(this.#onError));
      name.append(open);
    } else {
      name.textContent = entry.filename;
      size.textContent = formatBytes(entry.attrs?.size ?? 0);
      const download = document.createElement('button');
      download.type = 'button';
      download.textContent = 'Download';
      download.addEventListener('click', () => {
        if (this.#sftp) void downloadFile(this.#sftp, path, entry.filename).catch(this.#onError);
      });
      action.append(download);
    }
    row.append(name, size, action);
    return row;
  }

  async #upload(): Promise<void> {
    const sftp = this.#sftp;
    const file = $<HTMLInputElement>('#upload-file').files?.[0];
    if (!sftp || !file) return;
    await uploadFile(sftp, file, join(this.#cwd, file.name));
    await this.list(this.#cwd);
  }
}
