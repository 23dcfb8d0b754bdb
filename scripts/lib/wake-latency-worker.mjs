// Worker of scripts/pool-wake-latency.mjs: busy for `spin` ms (a stand-in for a shard task), then returns
// when it started and ended, on the clock the main thread reads (timeOrigin + now).
const now = () => performance.timeOrigin + performance.now();
export default function busy(t) {
  const s = now();
  while (now() - s < t.spin);
  return { s, e: now() };
}
