import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ASSETS, startDashboard, type Dashboard } from './server.js';
import { createSyntheticStudy, populate, type SyntheticRun } from './synthetic.js';

// Debian's chromium (tools/bootstrap.mjs installs it as root); CHROMIUM names another binary.
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const STUDY = '20260102-030405-live';

let root = '';
let dash: Dashboard;
let browser: Browser;
let run: SyntheticRun;
const pageErrors: string[] = [];

describe.skipIf(!haveChromium)(
  `aira serve in headless Chromium (skipped: no ${CHROMIUM}; set-up installs chromium as root, or set CHROMIUM)`,
  () => {
    beforeAll(async () => {
      if (!existsSync(join(DEFAULT_ASSETS, 'index.html')))
        throw new Error(`the web app is not built (${DEFAULT_ASSETS}): run npm run setup`);
      root = mkdtempSync(join(tmpdir(), 'aira-browser-'));
      const made = createSyntheticStudy(join(root, 'runs'), { studyId: STUDY, competitions: ['toy'] });
      run = made.runs[0]!;
      populate(run, 8, { withCode: true });
      // This process plays the coordinator of a study in progress.
      writeFileSync(
        join(made.dir, 'coordinator.json'),
        JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() }),
      );
      dash = await startDashboard({ runsDir: join(root, 'runs'), port: 0, pollMs: 100 });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      });
      mkdirSync(ARTIFACTS, { recursive: true });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await dash?.close();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    const open = async (hash: string): Promise<Page> => {
      const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
      page.setDefaultTimeout(60_000);
      page.on('pageerror', (err) => pageErrors.push(`${hash}: ${err.message}`));
      await page.goto(`${dash.url}${hash}`);
      return page;
    };
    const shot = (page: Page, name: string) =>
      page.screenshot({ path: join(ARTIFACTS, name), fullPage: false });
    const logText = (page: Page) => page.locator('[data-testid=log]').textContent();

    it('shows the study in progress with its pick and score plot', async () => {
      const page = await open(`#/study/${STUDY}`);
      await expect.poll(() => page.locator('[data-testid=study-state]').textContent()).toBe('running');
      await page.locator('[data-testid=plot-toy-s0] svg').waitFor();
      expect(await page.locator('[data-testid=pick]').textContent()).toMatch(/^c\d{4}$/);
      await shot(page, 'study.png');
      await page.close();
    }, 120_000);

    it("streams a new job's output live, and a reload mid-stream loses and doubles no line", async () => {
      const page = await open(`#/jobs/${STUDY}/toy-s0`);
      await page.locator('[data-testid=jobs]').waitFor();
      // The coordinator starts a job after the page opened: it appears, and its output arrives.
      const job = run.startJob('mutate', [run.candidates[7]!], 'w1');
      await page.locator(`a:text-is("${job.jobId}")`).click();
      await page.locator('[data-testid=log]').waitFor();
      run.output(job, 'epoch 1 loss 0.90\n');
      await expect.poll(() => logText(page)).toContain('epoch 1 loss 0.90');
      run.output(job, 'epoch 2 loss 0.70\nepoch 3 loss 0.50\n');
      await expect.poll(() => logText(page)).toContain('epoch 3');
      await shot(page, 'job-live.png');

      await page.reload();
      run.output(job, 'epoch 4 loss 0.40\n');
      await expect.poll(() => logText(page)).toContain('epoch 4');
      run.output(job, 'epoch 5 loss 0.35\n');
      run.finishJob(job, 0.97, 'import numpy as np\nprint("score:", 0.97)\n');
      await expect.poll(() => page.locator('[data-testid=log-state]').textContent()).toBe('ended');
      const lines = (await logText(page))!.split('\n').filter(Boolean);
      expect(lines).toEqual([
        'epoch 1 loss 0.90',
        'epoch 2 loss 0.70',
        'epoch 3 loss 0.50',
        'epoch 4 loss 0.40',
        'epoch 5 loss 0.35',
      ]);
      await page.close();
    }, 120_000);

    it('clicking a candidate in the population graph shows its code, the diff to its parent and its lineage', async () => {
      const page = await open(`#/population/${STUDY}/toy-s0`);
      const graph = page.locator('[data-testid=population]');
      await graph.locator('canvas').first().waitFor();
      const target = 'c0006';
      // Where cytoscape drew the node, relative to its container.
      const pos = await graph.evaluate((el, id) => {
        const cy = (
          el as unknown as {
            cy: { getElementById(id: string): { renderedPosition(): { x: number; y: number } } };
          }
        ).cy;
        return cy.getElementById(id).renderedPosition();
      }, target);
      await shot(page, 'population.png');
      await graph.click({ position: pos });
      await expect.poll(() => page.url()).toContain(`/candidate/${STUDY}/toy-s0/${target}`);
      const code = page.locator('[data-testid=code]');
      await expect.poll(() => code.textContent()).toContain('# candidate 6:');
      // highlight.js marked the code up.
      expect(await code.locator('span.hljs-keyword').count()).toBeGreaterThan(0);
      const diff = page.locator('[data-testid^=diff-]').first();
      await expect.poll(() => diff.textContent()).toMatch(/-# candidate \d+:[\s\S]*\+# candidate 6:/);
      await page.locator('[data-testid=candidate-lineage] canvas').first().waitFor();
      expect(
        Number(await page.locator('[data-testid=candidate-lineage]').getAttribute('data-nodes')),
      ).toBeGreaterThan(1);
      await shot(page, 'candidate.png');
      await page.close();
    }, 120_000);

    it('lists the study with its state and shows its workers, with no script error on any page', async () => {
      const page = await open('#/');
      await expect.poll(() => page.locator('[data-testid=studies]').textContent()).toContain(STUDY);
      expect(await page.locator('[data-testid=studies]').textContent()).toContain('running');
      await page.goto(`${dash.url}#/workers/${STUDY}`);
      await expect.poll(() => page.locator('[data-testid=workers]').textContent()).toContain('w1');
      await shot(page, 'workers.png');
      await page.close();
      expect(pageErrors).toEqual([]);
    }, 120_000);
  },
);
