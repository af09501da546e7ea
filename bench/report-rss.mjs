// Loaded with --import into a measured process: prints its peak memory and CPU seconds when it exits.
process.on('exit', () => {
  const usage = process.resourceUsage();
  const cpu = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  process.stderr.write(`\nbench-peak-rss-kib=${usage.maxRSS}\nbench-cpu-seconds=${cpu.toFixed(2)}\n`);
});
