// Loads the reference page in headless Chromium (run by .ci/docs): from a file:// URL and from
// the sandbox's /docs. Fails on a console error, a page error, or a request to anything but
// loopback or the page itself, or an answer with an error status; checks that every
// operation's summary, every model's name and the start of its description are on the page;
// keeps a screenshot of each.
//
// Usage: node docs_check.mjs <page file> <sandbox origin> <screenshot folder>

import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [page_file, origin, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const contract = await (await fetch(`${origin}/openapi.json`)).json();
const summaries = Object.values(contract.paths).flatMap((item) =>
  Object.values(item).map((operation) => operation.summary),
);
const models = Object.keys(contract.components.schemas);
// The start of each model's own description, as the page renders its Markdown: code spans and
// links keep their text.
const openings = Object.entries(contract.components.schemas)
  .filter(([, schema]) => schema.description)
  .map(([model, schema]) => [
    model,
    schema.description
      .split("\n")[0]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/[`*_]/g, "")
      .slice(0, 40),
  ]);

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
let failed = false;
const fail = (message) => {
  console.error(`FAILED: ${message}`);
  failed = true;
};
const local = (url) =>
  /^(file|data|blob|about):/.test(url) || url.startsWith(`${origin}/`) || url === origin;

for (const [name, url] of [
  ["file", pathToFileURL(page_file).href],
  ["sandbox", `${origin}/docs`],
]) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("console", (message) => {
    if (message.type() === "error") fail(`${name}: console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => fail(`${name}: page error: ${error.message}`));
  page.on("request", (request) => {
    if (!local(request.url())) fail(`${name}: a request left loopback: ${request.url()}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) fail(`${name}: ${response.status()} for ${response.url()}`);
  });
  await page.route("**/*", (route) =>
    local(route.request().url()) ? route.continue() : route.abort(),
  );
  await page.goto(url, { waitUntil: "load" });
  // Redoc renders after load: wait until the operations are on the page.
  await page
    .waitForFunction((wanted) => document.body.innerText.includes(wanted), summaries[0], {
      timeout: 20000,
    })
    .catch(() => fail(`${name}: the page did not render "${summaries[0]}"`));
  const text = await page.evaluate(() => document.body.innerText);
  for (const summary of summaries) {
    if (!text.includes(summary)) fail(`${name}: the summary "${summary}" is not on the page`);
  }
  const missing = models.filter((model) => !text.includes(model));
  if (missing.length) fail(`${name}: models not on the page: ${missing.join(", ")}`);
  const undescribed = openings.filter(([, opening]) => !text.includes(opening));
  if (undescribed.length) {
    fail(`${name}: model descriptions not on the page: ${undescribed.map(([model]) => model).join(", ")}`);
  }
  await page.screenshot({ path: `${shots}/reference-${name}.png` });
  console.log(
    `${name}: ${summaries.length} operations, ${models.length} models and ` +
      `${openings.length} model descriptions on the page, ` +
      `screenshot ${shots}/reference-${name}.png`,
  );
  await page.close();
}
await browser.close();
if (failed) process.exit(1);
console.log("2 passed, 0 failed");
