// Checks the run command (scripts/run.sh) as a newcomer meets it, with its default port 7071 taken by a listener that
// never answers:
//   1. it moves to a free port and says so, finishes its walk-through, and every process it started has connected to
//      127.0.0.1 only and listened on loopback only (their sockets are read from /proc while it runs); SIGTERM to the
//      command then ends it and everything it started within 5 s;
//   2. with APP_PORT set to the taken port, it fails within 10 s with a one-line reason naming APP_PORT;
//   3. Ctrl+C (SIGINT to its process group) while it starts ends it and everything it started within 5 s.
// Usage: node scripts/check-run.js   (exit code 0 when all hold; run after the solution is built)
const { spawn } = require("child_process");
const fs = require("fs");
const net = require("net");
const path = require("path");

const root = path.resolve(__dirname, "..");
const problems = [];
const fail = (message) => problems.push(message);

// Every process whose ancestry reaches `rootPid`.
function tree(rootPid) {
  const parents = new Map();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch { /* exited meanwhile */ }
  }
  const found = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (!found.has(pid) && found.has(parent)) { found.add(pid); grew = true; }
    }
  }
  return [...found].filter((pid) => parents.has(pid));
}

const LOOPBACK = [/^0100007F$/i, /^00000000000000000000000001000000$/, /^0000000000000000FFFF00000100007F$/i];
const ANY = /^0+$/;

// Sockets of `pid` whose local end is not loopback, or whose remote end is neither loopback nor unset (listening).
function strangeSockets(pid) {
  let inodes;
  try {
    inodes = new Set(fs.readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try { return /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]; } catch { return undefined; }
    }).filter(Boolean));
  } catch { return []; }
  const strange = [];
  for (const table of ["tcp", "tcp6", "udp", "udp6"]) {
    let lines;
    try { lines = fs.readFileSync(`/proc/${pid}/net/${table}`, "utf8").trim().split("\n").slice(1); } catch { continue; }
    for (const line of lines) {
      const [, local, remote, , , , , , , inode] = line.trim().split(/\s+/);
      if (!inodes.has(inode)) continue;
      const [localAddress] = local.split(":");
      const [remoteAddress] = remote.split(":");
      const loopback = (address) => LOOPBACK.some((pattern) => pattern.test(address));
      if (!loopback(localAddress) || !(loopback(remoteAddress) || ANY.test(remoteAddress))) {
        strange.push(`${table} ${local} -> ${remote}`);
      }
    }
  }
  return strange;
}

function command(pid) {
  try { return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim().slice(0, 120); } catch { return `pid ${pid}`; }
}

const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Starts run.sh in its own process group; watches its processes' sockets until `until` (a line of its output) appears.
function start(args, env) {
  const child = spawn("bash", ["scripts/run.sh", ...args], { cwd: root, env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const run = { child, output: "", stderr: "", seen: new Set(), strange: new Map(), exited: null };
  child.stdout.on("data", (chunk) => { run.output += chunk; });
  child.stderr.on("data", (chunk) => { run.stderr += chunk; });
  run.done = new Promise((resolve) => child.on("exit", (code, signal) => { run.exited = { code, signal, at: Date.now() }; resolve(); }));
  run.watch = setInterval(() => {
    for (const pid of tree(child.pid)) {
      run.seen.add(pid);
      for (const socket of strangeSockets(pid)) run.strange.set(`${command(pid)}: ${socket}`, true);
    }
  }, 250);
  return run;
}

async function waitFor(run, text, ms) {
  const deadline = Date.now() + ms;
  while (!run.output.includes(text) && run.exited === null && Date.now() < deadline) await sleep(100);
  return run.output.includes(text);
}

// Sends the signal and measures how long until the command and every process it started have exited.
async function stopWithin(run, name, signal, toGroup, ms) {
  const processes = [...run.seen];
  const sent = Date.now();
  process.kill(toGroup ? -run.child.pid : run.child.pid, signal);
  while (Date.now() - sent < 15000 && (run.exited === null || processes.some(alive))) await sleep(50);
  clearInterval(run.watch);
  const took = Date.now() - sent;
  const left = processes.filter(alive);
  if (left.length > 0 || took > ms) {
    fail(`${name}: ${signal} took ${took} ms to end the command; still running: ${left.map(command).join("; ") || "none"}`);
  }
  for (const pid of left) { try { process.kill(pid, "SIGKILL"); } catch { /* gone */ } }
  console.log(`  ${name}: ${signal}${toGroup ? " to the process group" : ""} ended ${processes.length} processes in ${took} ms`);
}

function checkSockets(run, name) {
  for (const socket of run.strange.keys()) fail(`${name}: a socket not on 127.0.0.1: ${socket}`);
}

async function main() {
  // Port 7071 taken by a listener that accepts connections and never answers.
  const squatter = net.createServer(() => {});
  const taken = await new Promise((resolve) => {
    squatter.once("error", () => resolve(false));
    squatter.listen(7071, "127.0.0.1", () => resolve(true));
  });
  console.log(`Run command check (port 7071 ${taken ? "held by this check" : "already in use"})`);
  const env = { APP_PORT: "", SIM_PORT: "" };

  // 1. The default port is taken: the command moves, walks the basket through, and stops on SIGTERM.
  const moved = start([], env);
  if (!(await waitFor(moved, "press Ctrl+C to stop", 6 * 60 * 1000))) {
    fail(`default port taken: the walk-through did not finish (exit ${JSON.stringify(moved.exited)}); stderr: ${moved.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  }
  if (!/Port 7071 is in use; using \d+ instead/.test(moved.stderr)) fail("default port taken: the command did not say which port it moved to");
  await stopWithin(moved, "walk-through finished", "SIGTERM", false, 5000);
  checkSockets(moved, "walk-through");

  // 2. The port set explicitly is taken: a one-line reason, fast.
  const startedAt = Date.now();
  const refused = start([], { ...env, APP_PORT: "7071" });
  await Promise.race([refused.done, sleep(10000)]);
  clearInterval(refused.watch);
  const reason = refused.stderr.trim();
  if (refused.exited === null) {
    fail("APP_PORT taken: the command was still running after 10 s");
    process.kill(-refused.child.pid, "SIGKILL");
  } else if (refused.exited.code === 0 || reason.split("\n").length !== 1 || !reason.includes("APP_PORT")) {
    fail(`APP_PORT taken: expected a non-zero exit with one line naming APP_PORT, got exit ${refused.exited.code} and: ${reason}`);
  } else {
    console.log(`  APP_PORT taken: exit ${refused.exited.code} after ${refused.exited.at - startedAt} ms: ${reason}`);
  }

  // 3. Ctrl+C while the app starts: the terminal sends SIGINT to the whole process group.
  const interrupted = start(["--once"], env);
  if (!(await waitFor(interrupted, "Function app:", 3 * 60 * 1000))) {
    fail(`Ctrl+C: the app did not start (exit ${JSON.stringify(interrupted.exited)}); stderr: ${interrupted.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  }
  await stopWithin(interrupted, "app starting", "SIGINT", true, 5000);
  checkSockets(interrupted, "start");

  squatter.close();
  if (problems.length > 0) {
    for (const problem of problems) console.error(`Run command check: ${problem}`);
    process.exit(1);
  }
  console.log("Run command check passed");
}

main().catch((error) => { console.error(error); process.exit(1); });
