// Checks that a Function App package has the isolated worker's layout the Functions host expects: host.json with the
// Durable task hub settings and no custom handler, worker.config.json naming a worker that is in the package,
// extensions.json with the Durable Task extension (present in .azurefunctions/), and functions.metadata listing every
// function with exactly one trigger. Usage: node scripts/check-package.js <package-dir>
const fs = require("fs");
const path = require("path");

const dir = process.argv[2];
const problems = [];
const fail = (message) => problems.push(message);
const readJson = (name) => {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    fail(`${name} is missing at the package root`);
    return null;
  }
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    fail(`${name} is not valid JSON: ${e.message}`);
    return null;
  }
};

const host = readJson("host.json");
if (host) {
  if (host.version !== "2.0") fail(`host.json version is ${host.version}, expected 2.0`);
  if (host.customHandler) fail("host.json still configures a custom handler");
  if (host.extensionBundle) fail("host.json has an extension bundle; the isolated worker ships its extensions (extensions.json)");
  const durable = host.extensions?.durableTask;
  if (!durable?.hubName) fail("host.json sets no extensions.durableTask.hubName");
  if (!durable?.defaultVersion) fail("host.json sets no extensions.durableTask.defaultVersion (orchestration versioning)");
}

const worker = readJson("worker.config.json");
if (worker) {
  if (worker.description?.language !== "dotnet-isolated") fail(`worker.config.json language is ${worker.description?.language}, expected dotnet-isolated`);
  const workerPath = worker.description?.defaultWorkerPath;
  if (!workerPath || !fs.existsSync(path.join(dir, workerPath))) fail(`the worker ${workerPath} named in worker.config.json is not in the package`);
}

const extensions = readJson("extensions.json");
if (extensions) {
  const durable = (extensions.extensions ?? []).find((e) => e.name === "DurableTask");
  if (!durable) fail("extensions.json does not load the Durable Task extension");
  else if (!fs.existsSync(path.join(dir, durable.hintPath ?? ""))) fail(`the Durable Task extension ${durable.hintPath} is not in the package`);
}

const expectedTriggers = new Set(["httpTrigger", "timerTrigger", "orchestrationTrigger", "activityTrigger"]);
const metadata = readJson("functions.metadata") ?? [];
if (metadata.length === 0) fail("functions.metadata lists no function");
for (const fn of metadata) {
  const triggers = (fn.bindings ?? []).filter((b) => /Trigger$/.test(b.type));
  if (triggers.length !== 1 || !expectedTriggers.has(triggers[0].type)) {
    fail(`${fn.name}: expected exactly one trigger of ${[...expectedTriggers].join(", ")}`);
    continue;
  }
  const trigger = triggers[0];
  if (trigger.type === "httpTrigger") {
    if (!trigger.route || !(trigger.methods ?? []).length) fail(`${fn.name}: HTTP trigger without route or methods`);
    if (!(fn.bindings ?? []).some((b) => b.type === "http" && /^out$/i.test(b.direction))) fail(`${fn.name}: HTTP function without an http output binding`);
  }
  if (trigger.type === "timerTrigger" && !trigger.schedule) fail(`${fn.name}: timer trigger without a schedule`);
}
const kinds = new Set(metadata.map((fn) => (fn.bindings ?? []).find((b) => /Trigger$/.test(b.type))?.type));
for (const kind of ["httpTrigger", "orchestrationTrigger", "activityTrigger"]) {
  if (!kinds.has(kind)) fail(`functions.metadata has no ${kind} function`);
}
const stale = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, "function.json")));
if (stale.length) fail(`function.json folders found (custom-handler layout): ${stale.map((e) => e.name).join(", ")}`);

if (problems.length > 0) {
  console.error(`Package layout: ${problems.length} problem(s) in ${dir}`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log(`Package layout: ok (${metadata.length} functions: ${metadata.map((f) => f.name).sort().join(", ")})`);
