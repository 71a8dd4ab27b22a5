// The book in a real browser: every page of SUMMARY.md is opened in Chromium
// and checked the way a reader would notice a problem, and screenshotted.
//
// Run it through `cargo xtask browser`, which installs Chromium and the pinned
// playwright-core, builds the book and passes the paths:
//
//   node book.mjs --book target/book-browser/html --summary book/SUMMARY.md \
//                 --screenshots target/screenshots [--chromium /usr/bin/chromium]
//
// It serves the built book itself, on 127.0.0.1 at a free port, so nothing
// but this process has to be started or stopped. It ends with
// "browser: N passed, N failed" and exits 1 if anything failed.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

// ---------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const opts = { chromium: '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    const value = argv[i + 1];
    if (!['book', 'summary', 'screenshots', 'chromium'].includes(key) || value === undefined) {
      throw new Error(`unknown or incomplete argument ${argv[i]}`);
    }
    opts[key] = value;
  }
  for (const required of ['book', 'summary', 'screenshots']) {
    if (!opts[required]) throw new Error(`--${required} is required`);
  }
  return opts;
}

// ---------------------------------------------------------------------------
// The page list, in reading order, from SUMMARY.md

// `[Title](path.md)` links, skipping drafts `[Title]()` and external links:
// the same pages mdbook builds, in the order its next/previous links follow.
// A nested entry (a sub-page, indented under its chapter) records the page it
// sits under as `parent`.
function summaryPages(summaryText) {
  const pages = [];
  const open = []; // entries that may still have sub-pages: { indent, page }
  for (const line of summaryText.split('\n')) {
    const indent = line.length - line.trimStart().length;
    for (const m of line.matchAll(/\[([^\]]*)\]\(([^)]*)\)/g)) {
      const target = m[2].trim().split('#')[0];
      if (!target || target.includes('://') || !target.endsWith('.md')) continue;
      const md = target.replace(/^\.\//, '');
      const page = { title: m[1].trim(), md, html: md.replace(/\.md$/, '.html'), name: md.replace(/\.md$/, '') };
      const listed = /^\s*[-*] /.test(line);
      while (listed && open.length && open[open.length - 1].indent >= indent) open.pop();
      if (listed && open.length) page.parent = open[open.length - 1].page.html;
      if (listed) open.push({ indent, page });
      pages.push(page);
    }
  }
  return pages;
}

// ---------------------------------------------------------------------------
// A static file server for the built book

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

function serve(root) {
  const base = path.resolve(root);
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      let file = path.resolve(base, '.' + decodeURIComponent(url.pathname));
      // Never serve anything outside the book.
      if (file !== base && !file.startsWith(base + path.sep)) {
        res.writeHead(403).end();
        return;
      }
      let stat = await fsp.stat(file).catch(() => null);
      if (stat && stat.isDirectory()) {
        file = path.join(file, 'index.html');
        stat = await fsp.stat(file).catch(() => null);
      }
      if (!stat || !stat.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      // Cacheable: every page loads the same scripts (mermaid's is megabytes),
      // and without a lifetime Chromium fetches and compiles them again on
      // each of the run's page loads. The files do not change during a run,
      // and the browser profile is a fresh one each run.
      res.writeHead(200, { 'content-type': type, 'content-length': stat.size, 'cache-control': 'max-age=3600' });
      if (req.method === 'HEAD') {
        res.end();
      } else {
        fs.createReadStream(file).pipe(res);
      }
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Port 0: the kernel picks a free one, so runs never collide.
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// ---------------------------------------------------------------------------
// Results

const results = [];

function record(name, problems, ms) {
  const ok = problems.length === 0;
  results.push({ name, ok, problems });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${(ms / 1000).toFixed(1)}s)`);
  for (const p of problems) console.log(`       ${p}`);
}

async function check(name, fn) {
  const started = Date.now();
  try {
    record(name, (await fn()) || [], Date.now() - started);
  } catch (e) {
    record(name, [`threw: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`], Date.now() - started);
  }
}

// How many pages are loaded at once by checkInOrder (BOOK_BROWSER_TABS=1 for
// one at a time).
const TABS = Number(process.env.BOOK_BROWSER_TABS || 2);

// Runs `fn(item)` for every item, `width` at a time, and records each as a
// check named `name(item)`, in the order of `items` (a result that comes
// early waits for those before it), so the log reads the same every run.
// `fn` returns { problems, info }; `keep(item, info)` runs in that order too.
async function checkInOrder(items, width, name, fn, keep) {
  const settled = items.map(() => null);
  const wake = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      const started = Date.now();
      let outcome;
      try {
        const { problems, info } = await fn(items[i]);
        outcome = { problems: problems || [], info };
      } catch (e) {
        outcome = { problems: [`threw: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`] };
      }
      outcome.ms = Date.now() - started;
      settled[i] = outcome;
      if (wake[i]) wake[i]();
    }
  };
  const workers = Array.from({ length: Math.min(width, items.length) }, worker);
  for (let i = 0; i < items.length; i++) {
    if (!settled[i]) await new Promise((resolve) => (wake[i] = resolve));
    record(name(items[i]), settled[i].problems, settled[i].ms);
    keep(items[i], settled[i].info);
  }
  await Promise.all(workers);
}

// ---------------------------------------------------------------------------
// One page, loaded and watched

const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
};

// Opens `url` in a new tab at a viewport size and theme, and returns the page
// with what went wrong while it loaded: console errors, uncaught exceptions,
// failed requests.
async function open(context, url, viewport = 'desktop', theme = 'light') {
  const page = await context.newPage();
  await page.setViewportSize(VIEWPORTS[viewport]);
  await page.addInitScript((theme) => {
    // print.html prints itself on load; a headless print would only stall.
    window.print = () => {};
    // A fixed theme, not the one mdbook would guess from the system.
    try {
      localStorage.setItem('mdbook-theme', theme);
    } catch (e) {}
  }, theme);
  const trouble = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') trouble.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => trouble.push(`uncaught exception: ${err.message}`));
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText ?? 'unknown';
    // Leaving a page cancels what it was still loading (its favicon, say):
    // only the checks that click links away know to expect that.
    if (why === 'net::ERR_ABORTED' && page.expectAborts) return;
    trouble.push(`request failed: ${req.url()} (${why})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) trouble.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  const response = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  if (!response || !response.ok()) trouble.push(`the page itself answered ${response?.status()}`);
  await waitForMermaid(page);
  return { page, trouble };
}

// mermaid replaces the text of each `pre.mermaid` with an <svg> once it has
// rendered. A diagram that cannot render stays text or becomes an error
// picture, which the checks below report; waiting longer would not help.
async function waitForMermaid(page) {
  await page
    .waitForFunction(
      () => [...document.querySelectorAll('pre.mermaid')].every((pre) => pre.querySelector('svg') || pre.getAttribute('data-processed')),
      null,
      { timeout: 15_000 },
    )
    .catch(() => {});
  // Fonts change the size of the rendered text, so screenshots wait for them.
  await page.evaluate(() => document.fonts && document.fonts.ready);
}

// Everything about a loaded page that the checks look at, in one round trip.
async function inspect(page) {
  return page.evaluate(() => {
    const main = document.querySelector('main');
    const text = (el) => (el.textContent || '').trim();
    const codeBlocks = [...main.querySelectorAll('pre > code')].map((code, i) => ({
      index: i + 1,
      empty: text(code) === '',
      heading: (() => {
        // The nearest heading above the block, to say where an empty one is.
        let el = code.closest('pre');
        while (el && el !== main) {
          let prev = el.previousElementSibling;
          while (prev) {
            if (/^H[1-6]$/.test(prev.tagName)) return text(prev);
            prev = prev.previousElementSibling;
          }
          el = el.parentElement;
        }
        return '(top of page)';
      })(),
    }));
    const diagrams = [...main.querySelectorAll('pre.mermaid')].map((pre, i) => {
      const svg = pre.querySelector('svg');
      const box = svg ? svg.getBoundingClientRect() : null;
      const label = svg ? svg.textContent || '' : '';
      return {
        index: i + 1,
        svg: !!svg,
        error:
          !!svg &&
          (svg.getAttribute('aria-roledescription') === 'error' ||
            /Syntax error in text|Parse error|Unsupported markdown/.test(label)),
        width: box ? Math.round(box.width) : 0,
        height: box ? Math.round(box.height) : 0,
        // Text size as drawn: a wide diagram squeezed into a narrow column
        // shrinks its text until nobody can read it.
        // Text size as drawn, the median over the labels: a wide diagram
        // squeezed into a narrow column shrinks its text until nobody can
        // read it. (One small axis label alone does not make it unreadable.)
        fontPx: (() => {
          if (!svg || !box.width) return 0;
          const vb = svg.viewBox && svg.viewBox.baseVal;
          const scale = vb && vb.width ? box.width / vb.width : 1;
          const sizes = [...svg.querySelectorAll('text, foreignObject span, foreignObject p')]
            .filter((t) => (t.textContent || '').trim())
            .map((t) => (parseFloat(getComputedStyle(t).fontSize) || 16) * scale)
            .sort((a, b) => a - b);
          if (!sizes.length) return 0;
          return Math.round(sizes[Math.floor(sizes.length / 2)] * 10) / 10;
        })(),
        source: svg ? '' : text(pre).slice(0, 60),
      };
    });
    // Diagram labels drawn in nearly the colour of what is under them (the
    // classic dark-theme breakage: white text on a light grey box).
    const faint = [];
    const rgba = (c) => {
      const m = /rgba?\(([^)]+)\)/.exec(c || '');
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const luminance = ({ r, g, b }) => {
      const lin = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const contrast = (a, b) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    const SHAPES = ['rect', 'polygon', 'circle', 'ellipse', 'path'];
    [...main.querySelectorAll('pre.mermaid svg')].forEach((svg, d) => {
      svg.scrollIntoView({ block: 'center', inline: 'nearest' });
      // The elements that hold the letters: a <text> without <tspan>s, a
      // <tspan>, or the innermost HTML element of a foreignObject label.
      const labels = [...svg.querySelectorAll('text, tspan, foreignObject *')].filter(
        (el) => (el.textContent || '').trim() && ![...el.children].some((c) => (c.textContent || '').trim()),
      );
      for (const t of labels.slice(0, 300)) {
        const box = t.getBoundingClientRect();
        const x = box.left + box.width / 2;
        const y = box.top + box.height / 2;
        if (box.width === 0 || x < 0 || y < 0 || x >= window.innerWidth || y >= window.innerHeight) continue;
        const style = getComputedStyle(t);
        const ink = rgba(t instanceof SVGElement ? style.fill : style.color);
        if (!ink || ink.a === 0) continue;
        let under = null;
        for (const el of document.elementsFromPoint(x, y)) {
          if (el === t || t.contains(el)) continue;
          let paint;
          if (el instanceof SVGElement) {
            // Only filled shapes paint a background: the "fill" of a <g> or
            // <text> is only inherited, and lines and arrows are not behind.
            if (!SHAPES.includes(el.tagName.toLowerCase())) continue;
            paint = rgba(getComputedStyle(el).fill);
          } else {
            paint = rgba(getComputedStyle(el).backgroundColor);
          }
          if (paint && paint.a > 0.5) {
            under = paint;
            break;
          }
        }
        // Nothing painted under it: the browser's white canvas.
        under = under || { r: 255, g: 255, b: 255, a: 1 };
        const ratio = contrast(ink, under);
        if (ratio < 2) {
          faint.push(`diagram ${d + 1}: "${t.textContent.trim().slice(0, 30)}" (contrast ${ratio.toFixed(2)}:1)`);
        }
      }
    });
    window.scrollTo(0, 0);
    const ids = [...document.querySelectorAll('[id]')].map((el) => el.id);
    const links = [...main.querySelectorAll('a[href]')].map((a) => a.href);
    const h1 = [...main.querySelectorAll('h1')].map(text);
    const doc = document.scrollingElement || document.documentElement;
    // Elements outside code blocks that stick out past the right edge of the
    // window: those make the whole page scroll sideways.
    const overflowing = [...main.querySelectorAll('*')]
      .filter((el) => !el.closest('pre, .table-wrapper, table, svg'))
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5)
      .map((el) => `<${el.tagName.toLowerCase()}> "${text(el).slice(0, 50)}"`);
    return {
      codeBlocks,
      diagrams,
      ids,
      links,
      h1,
      faint,
      surviving: main.innerText.includes('{{#'),
      pageWidth: doc.scrollWidth,
      windowWidth: window.innerWidth,
      overflowing,
    };
  });
}

function pageProblems(info, trouble, viewport) {
  const problems = [...trouble];
  for (const b of info.codeBlocks) {
    if (b.empty) problems.push(`code block ${b.index} (under "${b.heading}") is empty: a missing include anchor?`);
  }
  if (info.surviving) problems.push('an unexpanded {{# directive is visible on the page');
  for (const d of info.diagrams) {
    if (!d.svg) problems.push(`mermaid diagram ${d.index} did not render to SVG (starts "${d.source}")`);
    else if (d.error) problems.push(`mermaid diagram ${d.index} rendered as an error picture`);
    else if (d.width < 50 || d.height < 20) problems.push(`mermaid diagram ${d.index} is ${d.width}x${d.height} px`);
    else if (d.fontPx && d.fontPx < 9) problems.push(`mermaid diagram ${d.index} text is drawn at ${d.fontPx} px on ${viewport}: unreadable`);
  }
  if (info.faint.length) {
    problems.push(`diagram labels that cannot be read against their background: ${info.faint.slice(0, 4).join('; ')}${info.faint.length > 4 ? ` and ${info.faint.length - 4} more` : ''}`);
  }
  if (info.h1.length === 0) problems.push('the page has no h1 title');
  if (info.pageWidth > info.windowWidth + 1) {
    problems.push(
      `the page is ${info.pageWidth} px wide in a ${info.windowWidth} px window (scrolls sideways)` +
        (info.overflowing.length ? `; sticking out: ${info.overflowing.join(', ')}` : ''),
    );
  }
  return problems;
}

// ---------------------------------------------------------------------------
// The run

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const pages = summaryPages(await fsp.readFile(opts.summary, 'utf8'));
  if (pages.length === 0) throw new Error(`${opts.summary} lists no pages`);
  for (const p of pages) {
    if (!fs.existsSync(path.join(opts.book, p.html))) {
      throw new Error(`${p.html} is not in ${opts.book}: was the book built there?`);
    }
  }

  // Old screenshots of renamed pages would mislead whoever looks.
  await fsp.rm(opts.screenshots, { recursive: true, force: true });

  const server = await serve(opts.book);
  const origin = `http://127.0.0.1:${server.address().port}`;
  console.log(`browser: serving ${opts.book} at ${origin}; ${pages.length} pages from ${opts.summary}`);

  const profile = await fsp.mkdtemp(path.join(os.tmpdir(), 'byo-book-chromium-'));
  // A persistent context is how playwright takes a --user-data-dir of ours:
  // a fresh, empty profile, removed afterwards.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: opts.chromium,
    viewport: VIEWPORTS.desktop,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

  try {
    await runChecks(browser, origin, pages, opts);
  } finally {
    await browser.close().catch(() => {});
    server.close();
    await fsp.rm(profile, { recursive: true, force: true }).catch(() => {});
  }

  const failed = results.filter((r) => !r.ok).length;
  console.log(`\nbrowser: screenshots in ${opts.screenshots}/{desktop,phone,navy}/`);
  console.log(`browser: ${results.length - failed} passed, ${failed} failed`);
  return failed === 0;
}

async function runChecks(browser, origin, pages, opts) {
  const seen = new Map(); // page html path -> { ids, h1, links }
  // Every page at desktop size. The phone size and the dark theme change the
  // layout and colours, not the content, so they are checked on the
  // top-level pages only: the sub-pages use the same templates, and loading
  // all of them three times was most of this test's time.
  const variants = [
    { dir: 'desktop', viewport: 'desktop', theme: 'light', all: true },
    { dir: 'phone', viewport: 'phone', theme: 'light', all: false },
    { dir: 'navy', viewport: 'desktop', theme: 'navy', all: false },
  ];
  const loads = [];
  for (const v of variants) {
    for (const p of pages.filter((page) => v.all || !page.parent)) loads.push({ v, p });
  }
  // Two tabs at a time: a page load spends much of its time waiting (for
  // the server, for fonts, for mermaid's layout), which the other tab fills.
  // The results are recorded in the order above whichever finishes first.
  await checkInOrder(
    loads,
    TABS,
    ({ v, p }) => `${p.md} (${v.dir}): loads cleanly, code blocks filled, diagrams render`,
    async ({ v, p }) => {
      const { page, trouble } = await open(browser, `${origin}/${p.html}`, v.viewport, v.theme);
      try {
        const info = await inspect(page);
        const shot = path.join(opts.screenshots, v.dir, `${p.name}.png`);
        await fsp.mkdir(path.dirname(shot), { recursive: true });
        await page.screenshot({ path: shot, fullPage: true });
        return { problems: pageProblems(info, trouble, v.dir), info };
      } finally {
        await page.close();
      }
    },
    ({ v, p }, info) => {
      if (v.dir === 'desktop' && info) seen.set(p.html, info);
    },
  );

  await check('links between pages lead to pages and headings that exist', async () => {
    const problems = [];
    const status = new Map();
    for (const [from, info] of seen) {
      for (const href of info.links) {
        const url = new URL(href);
        if (url.origin !== origin) continue;
        const target = url.pathname.replace(/^\//, '') || 'index.html';
        if (!status.has(target)) {
          const res = await fetch(`${origin}/${target}`, { method: 'HEAD' });
          status.set(target, res.status);
        }
        if (status.get(target) !== 200) {
          problems.push(`${from} links to ${target}: HTTP ${status.get(target)}`);
          continue;
        }
        // mdbook-linkcheck2 does not check #fragments; a renamed heading
        // silently breaks every link to it.
        const frag = decodeURIComponent(url.hash.replace(/^#/, ''));
        const targetInfo = seen.get(target);
        if (frag && targetInfo && !targetInfo.ids.includes(frag)) {
          problems.push(`${from} links to ${target}#${frag}: no element has that id`);
        }
      }
    }
    return problems;
  });

  await checkSearch(browser, origin, pages);
  await checkNavigation(browser, origin, pages);
  await checkSidebar(browser, origin, pages, seen);
  await checkPrint(browser, origin, pages, seen, opts);
}

// The search box finds each chapter by its title words: the index covers
// every page, and searching works with a real keyboard. One page does all
// the searches, as a reader would: leaving a page while it still loads its
// favicon would only report that request as aborted.
async function checkSearch(context, origin, pages) {
  const { page, trouble } = await open(context, `${origin}/${pages[0].html}`);
  try {
    await page.keyboard.press('s');
    const box = page.locator('#mdbook-searchbar');
    await check('the "s" key opens the search box', async () => {
      await box.waitFor({ state: 'visible', timeout: 10_000 });
      return trouble.splice(0);
    });
    for (const p of pages) {
      await check(`search for "${p.title}" finds ${p.html}`, async () => {
        await box.fill('');
        // Typed key by key: the search listens for keyup, so fill() alone
        // would not start it.
        await box.pressSequentially(p.title, { delay: 20 });
        await page.waitForFunction(
          (term) => (document.querySelector('#mdbook-searchresults-header')?.textContent || '').includes(`'${term}'`),
          p.title,
          { timeout: 10_000 },
        );
        const hrefs = await page.$$eval('#mdbook-searchresults > li a', (as) => as.map((a) => a.getAttribute('href')));
        const hit = hrefs.some((h) => h && h.split('#')[0].split('?')[0] === p.html);
        const problems = hit ? [] : [`${hrefs.length} results, none on ${p.html}: ${hrefs.slice(0, 5).join(', ')}`];
        return [...problems, ...trouble.splice(0)];
      });
    }
  } finally {
    await page.close();
  }
}

// Clicking "next" from the first page visits every page in SUMMARY order and
// stops at the last; "previous" walks back the same way.
async function checkNavigation(context, origin, pages) {
  for (const [dir, order] of [
    ['next', pages],
    ['previous', [...pages].reverse()],
  ]) {
    await check(`"${dir}" buttons walk the whole book in order`, async () => {
      const { page, trouble } = await open(context, `${origin}/${order[0].html}`);
      page.expectAborts = true;
      try {
        const visited = [order[0].html];
        for (let i = 1; i <= order.length; i++) {
          // mdbook has two sets of buttons (wide and narrow layout) and
          // shows one, depending on the width and whether the sidebar is open.
          const link = page.locator(`a.nav-chapters.${dir}:visible, a.mobile-nav-chapters.${dir}:visible`).first();
          if ((await link.count()) === 0) break;
          const before = page.url();
          await link.click();
          await page.waitForURL((u) => u.href !== before, { waitUntil: 'load', timeout: 15_000 });
          visited.push(new URL(page.url()).pathname.replace(/^\//, ''));
        }
        const expected = order.map((p) => p.html);
        if (JSON.stringify(visited) !== JSON.stringify(expected)) {
          return [`visited ${visited.join(' -> ')}`, `expected ${expected.join(' -> ')}`, ...trouble];
        }
        return trouble;
      } finally {
        await page.close();
      }
    });
  }
}

// A split chapter's sub-pages (nested entries in SUMMARY.md) are listed in
// the sidebar under their chapter's own entry, visible without unfolding
// anything, and clicking one there opens that page. The placing is checked
// for every sub-page; the click for the first sub-page of each chapter (the
// loop above has loaded every page already, and each click costs a page load
// on a machine where that can take ten seconds).
async function checkSidebar(context, origin, pages, seen) {
  const nested = pages.filter((p) => p.parent);
  await check(`the sidebar shows the ${nested.length} sub-pages under their pages, and opens them`, async () => {
    // This book has split chapters: none found means the SUMMARY parsing
    // broke, not that there is nothing to check.
    if (nested.length === 0) return ['SUMMARY.md has no nested entries (was the book un-split?)'];
    const { page, trouble } = await open(context, `${origin}/${pages[0].html}`);
    page.expectAborts = true;
    const problems = [];
    try {
      for (const p of nested) {
        const where = await page.evaluate(
          ({ child, parent }) => {
            const path = (a) => new URL(a.href).pathname.replace(/^\//, '');
            const link = [...document.querySelectorAll('.sidebar a')].find((a) => path(a) === child);
            if (!link) return 'is not in the sidebar';
            const box = link.getBoundingClientRect();
            if (box.width === 0 || box.height === 0) return 'is in the sidebar but not visible';
            const list = link.closest('li.chapter-item')?.parentElement;
            const above = list?.classList.contains('section') ? list.parentElement?.closest('li.chapter-item') : null;
            const parentLink = above?.querySelector('a');
            if (!parentLink) return 'is in the sidebar, but not nested under any entry';
            if (path(parentLink) !== parent) return `is nested under ${path(parentLink)}, not under ${parent}`;
            // Several entries share a title ("Exercises"): mark this one to click.
            for (const a of document.querySelectorAll('[data-sidebar-check]')) a.removeAttribute('data-sidebar-check');
            link.setAttribute('data-sidebar-check', '');
            return null;
          },
          { child: p.html, parent: p.parent },
        );
        if (where) {
          problems.push(`${p.html} ${where}`);
          continue;
        }
        if (nested.find((q) => q.parent === p.parent) !== p) continue;
        const before = page.url();
        await page.locator('.sidebar a[data-sidebar-check]').click();
        await page.waitForURL((u) => u.href !== before, { waitUntil: 'load', timeout: 15_000 });
        const at = new URL(page.url()).pathname.replace(/^\//, '');
        const h1 = await page.$$eval('main h1', (hs) => hs.map((h) => h.textContent.trim()));
        const expected = seen.get(p.html)?.h1[0];
        if (at !== p.html) problems.push(`clicking "${p.title}" in the sidebar opened ${at}, not ${p.html}`);
        else if (expected && h1[0] !== expected) problems.push(`${p.html} opened with the title "${h1[0]}", not "${expected}"`);
      }
      return [...problems, ...trouble];
    } finally {
      await page.close();
    }
  });
}

// print.html is the whole book on one page: every chapter's title must be on
// it, with its code and diagrams.
async function checkPrint(context, origin, pages, seen, opts) {
  await check('print.html holds every page, with code and diagrams', async () => {
    const { page, trouble } = await open(context, `${origin}/print.html`);
    try {
      const info = await inspect(page);
      const problems = pageProblems(info, trouble, 'print');
      for (const p of pages) {
        const title = seen.get(p.html)?.h1[0];
        if (title && !info.h1.includes(title)) problems.push(`"${title}" (${p.md}) is not on the print page`);
      }
      const diagrams = [...seen.values()].reduce((n, s) => n + s.diagrams.length, 0);
      if (info.diagrams.length !== diagrams) {
        problems.push(`the print page has ${info.diagrams.length} diagrams, the pages ${diagrams}`);
      }
      // The top only: the whole book on one page is a 100,000-pixel picture.
      const shot = path.join(opts.screenshots, 'desktop', 'print.png');
      await page.screenshot({ path: shot });
      return problems;
    } finally {
      await page.close();
    }
  });
}

// A hung browser must not hang CI: the whole run gets thirty minutes. (The
// book has about forty pages, each opened three times; on a busy two-core
// machine a page can take ten seconds, and twenty minutes ran out in a run
// that was not hung.)
const watchdog = setTimeout(() => {
  console.log('browser: FAILED: still running after 30 minutes; giving up');
  process.exit(1);
}, 30 * 60_000);
watchdog.unref();

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (e) => {
    console.log(`browser: error: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
