/*
 * Preloaded into every test process and every child it starts: a connection to
 * anything but loopback throws, so no test can ever reach Azure, GitHub or the
 * instance metadata address, even when a credential is misconfigured.
 */
const net = require("node:net");

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;

function targetOf(args) {
  const [first] = args;
  if (Array.isArray(first)) return targetOf(first);
  if (first && typeof first === "object") {
    if (first.path) return "unix";
    return first.host ?? "localhost";
  }
  if (typeof first === "string" && Number.isNaN(Number(first))) return "unix";
  return typeof args[1] === "string" ? args[1] : "localhost";
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const host = targetOf(args);
  if (host !== "unix" && !LOOPBACK.test(host)) {
    throw new Error(`loopback guard: a test tried to connect to ${host}`);
  }
  return connect.apply(this, args);
};
