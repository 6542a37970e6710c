// Checks that a Function App package has the layout the Functions host expects:
// host.json at the root naming a custom handler that exists and is executable, and one folder per function with a
// function.json whose bindings the host understands. Usage: node scripts/check-package.js <package-dir>
const fs = require("fs");
const path = require("path");

const dir = process.argv[2];
const problems = [];
const fail = (message) => problems.push(message);

const hostPath = path.join(dir, "host.json");
if (!fs.existsSync(hostPath)) {
  fail("host.json is missing at the package root");
} else {
  const host = JSON.parse(fs.readFileSync(hostPath, "utf8"));
  const handler = host?.customHandler?.description?.defaultExecutablePath;
  if (host.version !== "2.0") fail(`host.json version is ${host.version}, expected 2.0`);
  if (!handler) fail("host.json names no customHandler.description.defaultExecutablePath");
  else {
    const handlerPath = path.join(dir, handler);
    if (!fs.existsSync(handlerPath)) fail(`the handler ${handler} named in host.json is not in the package`);
    else if ((fs.statSync(handlerPath).mode & 0o111) === 0) fail(`the handler ${handler} is not executable`);
  }
  if (host?.customHandler?.enableForwardingHttpRequest !== true) fail("host.json must enable enableForwardingHttpRequest");
  if (!host?.extensionBundle?.id) fail("host.json has no extension bundle (needed for queue and timer triggers)");
}

const triggers = new Set(["httpTrigger", "queueTrigger", "timerTrigger"]);
const functions = fs.readdirSync(dir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "function.json")));
if (functions.length === 0) fail("no <FunctionName>/function.json folders");
for (const entry of functions) {
  const fn = JSON.parse(fs.readFileSync(path.join(dir, entry.name, "function.json"), "utf8"));
  const inputs = (fn.bindings ?? []).filter((b) => b.direction === "in");
  if (inputs.length !== 1 || !triggers.has(inputs[0].type)) fail(`${entry.name}: expected exactly one trigger binding`);
  const trigger = inputs[0] ?? {};
  if (trigger.type === "httpTrigger" && !(fn.bindings ?? []).some((b) => b.type === "http" && b.direction === "out")) {
    fail(`${entry.name}: an HTTP function needs an http output binding for request forwarding`);
  }
  if (trigger.type === "queueTrigger" && (!trigger.queueName || !trigger.connection)) fail(`${entry.name}: queue trigger without queueName or connection`);
  if (trigger.type === "timerTrigger" && !trigger.schedule) fail(`${entry.name}: timer trigger without a schedule`);
}

if (problems.length > 0) {
  console.error(`Package layout: ${problems.length} problem(s) in ${dir}`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log(`Package layout: ok (${functions.length} functions: ${functions.map((f) => f.name).sort().join(", ")})`);
