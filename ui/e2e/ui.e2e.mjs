// Browser tests of the trace UI: playwright-core drives Debian's chromium (no browser download)
// against a real cairn-server (temp data dir, ephemeral port) loaded with landscape traces by
// cairn-demo-traffic (the real tracing library) and a generated 10,000-span trace. Each step
// saves a screenshot under $CAIRN_UI_SCREENSHOTS.
//
// Environment (ctest sets it, see ui/CMakeLists.txt): CAIRN_SERVER_BINARY, CAIRN_DEMO_TRAFFIC,
// CAIRN_UI_DIR (the built UI), CAIRN_UI_SCREENSHOTS, CHROMIUM (default /usr/bin/chromium).
// Exits 77 (ctest: skipped) when chromium is not installed or node is older than 20.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, getJson, largeTrace, postSpans, run, startServer } from './server.mjs';

const env = process.env;
const chromiumPath = env.CHROMIUM || '/usr/bin/chromium';
const serverBinary = env.CAIRN_SERVER_BINARY;
const trafficBinary = env.CAIRN_DEMO_TRAFFIC;
const uiDir = env.CAIRN_UI_DIR;
const shots = env.CAIRN_UI_SCREENSHOTS || path.join(os.tmpdir(), 'cairn-ui-screenshots');

if (Number(process.versions.node.split('.')[0]) < 20) {
  console.log(`SKIP: playwright-core needs node 20 or newer, this is ${process.version}`);
  process.exit(77);
}
if (!fs.existsSync(chromiumPath)) {
  console.log(`SKIP: no browser at ${chromiumPath} (scripts/install-deps installs Debian's chromium)`);
  process.exit(77);
}
for (const [name, file] of [
  ['CAIRN_SERVER_BINARY', serverBinary],
  ['CAIRN_DEMO_TRAFFIC', trafficBinary],
  ['CAIRN_UI_DIR', uiDir && path.join(uiDir, 'index.html')],
]) {
  if (!file || !fs.existsSync(file)) {
    console.error(`${name} must name a built file (got ${file}); run through ctest after make build`);
    process.exit(1);
  }
}
const { chromium } = await import('playwright-core');
fs.mkdirSync(shots, { recursive: true });

describe('cairn trace UI', { concurrency: false }, () => {
  let server;
  let browser;
  let page;
  const pageErrors = [];
  let big;

  const shot = (name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false });
  const ui = (p = '') => `${server.base}/zipkin/${p}`;

  before(async () => {
    server = await startServer({ binary: serverBinary, uiDir, logPath: path.join(shots, 'cairn-server.log') });
    // Landscape traces through the real tracing library: 3 rounds of the 100 accounts would be
    // more than needed; 24 requests include the VIP account and failing quotes (every 10th).
    await run(trafficBinary, ['--server', server.base, '--requests', '24', '--seed', '7']);
    big = largeTrace(10_000);
    await postSpans(server.base, big.spans);
    await eventually('the landscape services', async () => {
      const services = await getJson(server.base, '/api/v2/services');
      return services.includes('quotes-service') && services.includes('edge-server');
    });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/404|400 \(Bad Request\)/.test(m.text())) pageErrors.push(`console: ${m.text()}`);
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('searches traces with autocomplete and shows duration bars, counts and errors', async () => {
    await page.goto(ui());
    await page.getByTestId('search-hint').waitFor();
    // Autocomplete: the service list comes from /api/v2/services.
    await eventually('service suggestions', async () =>
      (await page.locator('#cairn-services option').count()) >= 4);
    await page.fill('input[name=serviceName]', 'accountservice');
    await eventually('span name suggestions', async () =>
      (await page.locator('#cairn-span-names option[value=getquote]').count()) === 1);
    await page.selectOption('select[name=lookback]', '1h');
    await page.fill('input[name=limit]', '30');
    await page.getByTestId('search-button').click();
    await page.getByTestId('search-results').waitFor();
    const results = page.getByTestId('search-result');
    await eventually('24 results', async () => (await results.count()) === 24);
    assert.match(page.url(), /serviceName=accountservice/);
    const first = await results.first().innerText();
    assert.match(first, /edge-server/);
    assert.match(first, /\d+ spans/);
    assert.match(first, /◆ quotes-service getquote [\d.]+ms \(\d+%\)/);
    assert.match(first, /5 services|4 services/);
    assert.ok((await page.locator('.result .error-badge').count()) >= 2, 'failing quotes are flagged');
    await shot('search');

    // Tag search (annotationQuery) narrows to the failed quotes.
    await page.fill('input[name=annotationQuery]', 'error');
    await page.getByTestId('search-button').click();
    await eventually('error traces only', async () => {
      const n = await results.count();
      return n > 0 && n < 24 && (await page.locator('.result:not(.has-error)').count()) === 0;
    });
    await page.fill('input[name=annotationQuery]', '');
    await page.getByTestId('search-button').click();
    await eventually('all results again', async () => (await results.count()) === 24);
  });

  it('opens a trace and reads the verdict naming the slow hop', async () => {
    // Longest first: a normal request where getquote dominates.
    await page.getByTestId('search-result').first().click();
    await page.waitForURL(/\/zipkin\/traces\/[0-9a-f]+$/);
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor();
    const text = await verdict.innerText();
    assert.match(text, /quotes-service getquote dominates: [\d.]+ms of [\d.]+ms \(\d+%\) on the critical path/);
    assert.match(await page.getByTestId('trace-title').innerText(), /edge-server\s+get \/api\/accounts\/\{id\}/);
    const rows = page.getByTestId('span-row');
    assert.ok((await rows.count()) >= 7);
    assert.ok((await page.locator('.wf-critical').count()) >= 3, 'critical path drawn');
    await shot('trace');
  });

  it('opens a span with its tags, annotations and ids', async () => {
    await page.getByTestId('verdict').locator('button').click();
    const detail = page.getByTestId('span-detail');
    await detail.waitFor();
    assert.equal(await page.getByTestId('span-detail-name').innerText(), 'getquote');
    assert.match(await page.getByTestId('span-detail-id').innerText(), /^[0-9a-f]{16}$/);
    const tags = await page.getByTestId('span-tags').innerText();
    assert.match(tags, /http\.path\s+\/api\/quote/);
    assert.match(await page.getByTestId('span-annotations').innerText(), /Server Start/);
    // Collapse and expand the tree from the keyboard and the toggles.
    const before = await page.getByTestId('span-row').count();
    await page.locator('.wf-toggle').first().click();
    assert.equal(await page.getByTestId('span-row').count(), 1);
    await page.locator('.wf-toggle').first().click();
    assert.equal(await page.getByTestId('span-row').count(), before);
    await shot('span');
  });

  it('keeps the trace on reload (deep link) and downloads its JSON', async () => {
    const url = page.url();
    await page.reload();
    await page.getByTestId('verdict').waitFor();
    assert.equal(page.url(), url);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-json').click()]);
    const file = await download.path();
    const spans = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.ok(Array.isArray(spans) && spans.length >= 8);
    assert.equal(spans[0].traceId, url.split('/').pop());
  });

  it('shows API errors as messages, never a blank page', async () => {
    await page.goto(ui('traces/ffffffffffffffff'));
    assert.match(await page.getByTestId('error-message').innerText(), /was not found.*ffffffffffffffff not found/s);
    await page.goto(ui('traces/not-hex'));
    assert.match(await page.getByTestId('error-message').innerText(), /should be lower-hex encoded/);
    await shot('trace-error');
    await page.goto(ui('no/such/page'));
    assert.match(await page.getByTestId('error-message').innerText(), /No such page/);
  });

  it('draws the dependency graph with call and error counts, clickable into searches', async () => {
    await page.goto(ui('dependency'));
    // The RocksDB store links each trace once it has been quiet for a few seconds, the landscape
    // traces and the large trace independently: refresh until every expected service is drawn.
    const expected = ['edge-server', 'accountservice', 'quotes-service', 'imageservice', 'vipservice', 'tier-1'];
    const drawn = () => page.getByTestId('dep-node').evaluateAll((els) => els.map((e) => e.dataset.service));
    await eventually('dependency links', async () => {
      const nodes = await drawn();
      if (expected.every((service) => nodes.includes(service))) return true;
      await page.getByRole('button', { name: 'Refresh' }).click();
      return false;
    }, 30_000, 1000);
    const nodes = await drawn();
    for (const service of expected) {
      assert.ok(nodes.includes(service), `${service} in ${nodes}`);
    }
    assert.match(await page.getByTestId('dependency-summary').innerText(), /services, \d+ links, \d+ calls, \d+ errors/);
    await page.locator('[data-testid=dep-node][data-service=quotes-service]').click();
    const detail = page.getByTestId('dependency-detail');
    assert.match(await detail.innerText(), /called by\s+accountservice\s+24 calls, \d+ errors/i);
    await shot('dependency');
    await page.reload(); // deep link
    await page.getByTestId('dependency-graph').waitFor();
    await page.locator('[data-testid=dep-node][data-service=quotes-service]').click();
    await page.getByTestId('dependency-search').click();
    await page.waitForURL(/serviceName=quotes-service/);
    await eventually('quotes-service traces', async () => (await page.getByTestId('search-result').count()) >= 10);
  });

  it('opens an uploaded trace file and explains a malformed one', async () => {
    const [trace] = await getJson(server.base, '/api/v2/traces?serviceName=vipservice&limit=1');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ui-upload-'));
    try {
      const good = path.join(tmp, 'vip-trace.json');
      fs.writeFileSync(good, JSON.stringify(trace));
      await page.goto(ui('traceViewer'));
      await page.getByTestId('upload-input').setInputFiles(good);
      await page.getByTestId('verdict').waitFor();
      assert.match(await page.getByTestId('trace-stats').innerText(), /from vip-trace\.json/);
      assert.match(await page.locator('.waterfall').innerText(), /vipservice/);
      await shot('upload');

      const bad = path.join(tmp, 'broken.json');
      fs.writeFileSync(bad, JSON.stringify([{ traceId: 'abc', id: 'xyz' }]));
      await page.getByTestId('upload-input').setInputFiles(bad);
      assert.match(await page.getByTestId('error-message').innerText(), /span 1 of 1: id "xyz" is not 1 to 16 hex characters/);
      const notJson = path.join(tmp, 'notes.json');
      fs.writeFileSync(notJson, '{"traceId": ');
      await page.getByTestId('upload-input').setInputFiles(notJson);
      assert.match(await page.getByTestId('error-message').innerText(), /not valid JSON/);
      await shot('upload-error');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('renders a 10,000-span trace with virtualised rows and scrolls it', async () => {
    const started = Date.now();
    await page.goto(ui(`traces/${big.traceId}`));
    await page.getByTestId('waterfall').waitFor();
    const shown = Date.now() - started;
    assert.match(await page.getByTestId('trace-stats').innerText(), /10000\s+spans/);
    const inDom = await page.getByTestId('span-row').count();
    assert.ok(inDom > 10 && inDom < 150, `${inDom} rows in the DOM`);
    // Scroll as a mouse wheel does (120px a frame), timing the frames; then jump to the end.
    const body = page.getByTestId('waterfall-body');
    const frames = await body.evaluate(async (el) => {
      const times = [];
      let last = performance.now();
      for (let i = 1; i <= 60; i++) {
        el.scrollTop += 120;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      return times;
    });
    await body.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.locator('[data-testid=span-row][data-row="9999"]').waitFor();
    assert.ok((await page.getByTestId('span-row').count()) < 150);
    const lastRow = page.locator('[data-testid=span-row][data-row="9999"]');
    const lastName = await lastRow.locator('.wf-span-name').innerText();
    await lastRow.click();
    assert.equal(await page.getByTestId('span-detail-name').innerText(), lastName);
    assert.match(await page.getByTestId('span-detail').innerText(), /span\.index\s+\d+/);
    frames.sort((a, b) => a - b);
    console.log(
      `large trace: shown after ${shown} ms; wheel-like scrolling: frame median ` +
        `${frames[30].toFixed(1)} ms, p90 ${frames[54].toFixed(1)} ms`,
    );
    // Zoom with the minimap: drag across its first fifth.
    const box = await page.getByTestId('minimap').boundingBox();
    await page.mouse.move(box.x + 5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.getByTestId('reset-zoom').waitFor();
    await shot('large-trace');
  });

  it('raised no JavaScript errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
