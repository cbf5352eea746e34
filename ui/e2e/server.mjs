// A real cairn-server for the browser tests: its own temp data directory, 127.0.0.1 on a free
// port (read from its "listening on" log line), stopped with SIGTERM and removed afterwards.
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export async function startServer({ binary, uiDir, logPath, env = {} }) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ui-e2e-'));
  const log = fs.createWriteStream(logPath);
  const child = spawn(binary, [], {
    env: {
      ...process.env,
      QUERY_PORT: '0',
      QUERY_BIND_ADDRESS: '127.0.0.1',
      STORAGE_TYPE: 'rocksdb',
      CAIRN_DATA_DIR: dataDir,
      CAIRN_UI_DIR: uiDir,
      CAIRN_IO_THREADS: '2',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cairn-server did not listen within 30 s:\n${output}`)), 30_000);
    const onData = (chunk) => {
      log.write(chunk);
      output += chunk.toString();
      const match = /listening on [^\s]*:(\d+) /.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cairn-server exited with ${code} before listening:\n${output}`));
    });
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timeout);
      }
      log.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function run(binary, args, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(binary)} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

export async function postSpans(base, spans) {
  const res = await fetch(`${base}/api/v2/spans`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(spans),
  });
  if (res.status !== 202) throw new Error(`POST /api/v2/spans: ${res.status} ${await res.text()}`);
}

export async function getJson(base, pathAndQuery) {
  const res = await fetch(`${base}${pathAndQuery}`);
  if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
  return res.json();
}

// Polls `check` (an async predicate) until it holds or `timeoutMs` passes.
export async function eventually(what, check, timeoutMs = 20_000, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// A trace of `count` spans (a tree with `fanout` children per span) ending now, all on a
// handful of services: the large-trace test.
export function largeTrace(count, fanout = 8) {
  const traceId = 'b16b00b5cafe' + Math.floor(Math.random() * 0xffff).toString(16).padStart(4, '0');
  const t0 = Date.now() * 1000 - 5_000_000;
  const spans = [];
  for (let i = 0; i < count; i++) {
    const parent = i === 0 ? undefined : Math.floor((i - 1) / fanout);
    const depth = i === 0 ? 0 : Math.floor(Math.log(i * (fanout - 1) + 1) / Math.log(fanout));
    spans.push({
      traceId,
      id: (i + 1).toString(16).padStart(16, '0'),
      ...(parent === undefined ? {} : { parentId: (parent + 1).toString(16).padStart(16, '0') }),
      kind: 'SERVER',
      name: `operation-${i % 40}`,
      timestamp: t0 + i * 300,
      duration: Math.max(10, 4_000_000 - depth * 400_000 - (i % 97) * 1000),
      // One service per tree level: the dependency graph gets a readable chain.
      localEndpoint: { serviceName: `tier-${depth}`, ipv4: '10.9.0.1' },
      tags: { 'span.index': String(i) },
    });
  }
  return { traceId, spans };
}
